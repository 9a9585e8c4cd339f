// Test scaffolding for target modules: a ParseCtx that records warnings and throws on failure,
// a tiny option-word parser following each module's OptionSpec list, and a compile context.
import type { ParseCtx, TargetCompileCtx, TargetModule } from '../src/modules/module.js';
import type { MatchInstance, ProtoMatch, TableName } from '../src/ruleset/types.js';

export class FakeFailure extends Error {}

export interface FakeCtx extends ParseCtx {
  warnings: string[];
  matches?: MatchInstance[];
}

export function fakeCtx(table: TableName, chain: string, proto?: ProtoMatch, matches?: MatchInstance[]): FakeCtx {
  const warnings: string[] = [];
  return {
    pos: { file: 'test.rules', line: 7 },
    table,
    chain,
    proto,
    warnings,
    matches,
    fail(message: string): never {
      throw new FakeFailure(message);
    },
    unsupported(_feature: string, message: string): never {
      throw new FakeFailure(message);
    },
    warn(message: string) {
      warnings.push(message);
    },
  };
}

export const TCP: ProtoMatch = { num: 6, invert: false };
export const UDP: ProtoMatch = { num: 17, invert: false };

export interface Placed {
  table: TableName;
  chain: string;
  proto?: ProtoMatch;
  matches?: MatchInstance[];
}

/** Parse `words` ("--opt arg ...") for `module` and finalize, as the rule parser would. */
export function parseTarget<O>(module: TargetModule<O>, words: string[], where: Placed): { opts: O; warnings: string[] } {
  const ctx = fakeCtx(where.table, where.chain, where.proto, where.matches);
  const opts = module.init();
  for (let i = 0; i < words.length; ) {
    const name = words[i++].replace(/^--/, '');
    const spec = module.options.find((o) => o.name === name || o.aliases?.includes(name));
    if (!spec) throw new FakeFailure(`unknown option --${name}`);
    const count = spec.args === 'optional' ? 0 : spec.args;
    const args = words.slice(i, i + count);
    if (args.length < count) throw new FakeFailure(`--${name} needs ${count} arguments`);
    i += count;
    module.parse(opts, spec.name, args, false, ctx);
  }
  module.finalize(opts, ctx);
  return { opts, warnings: ctx.warnings };
}

/** The failure message, or undefined when parsing succeeded. */
export function parseError<O>(module: TargetModule<O>, words: string[], where: Placed): string | undefined {
  try {
    parseTarget(module, words, where);
    return undefined;
  } catch (e) {
    if (e instanceof FakeFailure) return e.message;
    throw e;
  }
}

export interface CompiledWith {
  kind: number;
  args?: number[];
  actions: unknown[];
  warnings: string[];
}

export function compileTarget<O>(module: TargetModule<O>, opts: O, where: Placed): CompiledWith {
  const actions: unknown[] = [];
  const warnings: string[] = [];
  const ctx: TargetCompileCtx = {
    table: where.table,
    chain: where.chain,
    action(data) {
      actions.push(data);
      return 100 + actions.length - 1;
    },
    warn(message) {
      warnings.push(message);
    },
  };
  return { ...module.compile(opts, ctx), actions, warnings };
}

/** save/list/compile in one go for a rule that must load. */
export function roundTrip<O>(module: TargetModule<O>, words: string[], where: Placed) {
  const { opts, warnings } = parseTarget(module, words, where);
  return { opts, warnings, save: module.save(opts), list: module.list(opts), compiled: compileTarget(module, opts, where) };
}
