// A rule's target as the core sees it (layout.ts T_* and E_ARG0..3): standard verdicts, jumps and
// gotos (resolved to entry indices by the caller), and extension targets compiled by their module.
import { T_ACCEPT, T_CONTINUE, T_DROP, T_GOTO, T_JUMP, T_QUEUE, T_RETURN } from '../../assembly/shared/layout.js';
import type { ModuleRegistry } from '../modules/registry.js';
import { UnsupportedError } from '../ruleset/errors.js';
import type { Rule, TableName } from '../ruleset/types.js';

export interface TargetPlan {
  kind: number;
  args: number[];
  /** For T_JUMP / T_GOTO: the chain whose first entry goes in ARG0. */
  chain?: string;
}

const STANDARD_KINDS: Readonly<Record<string, number>> = {
  ACCEPT: T_ACCEPT,
  DROP: T_DROP,
  RETURN: T_RETURN,
  QUEUE: T_QUEUE,
};

export interface TargetEnv {
  registry: ModuleRegistry;
  table: TableName;
  chain: string;
  action(data: unknown): number;
  warn(message: string): void;
}

export function planTarget(rule: Rule, env: TargetEnv): TargetPlan {
  const target = rule.target;
  if (!target) return { kind: T_CONTINUE, args: [] };
  switch (target.kind) {
    case 'standard':
      return { kind: STANDARD_KINDS[target.name], args: [] };
    case 'jump':
      return { kind: T_JUMP, args: [], chain: target.chain };
    case 'goto':
      return { kind: T_GOTO, args: [], chain: target.chain };
    case 'module': {
      const module = env.registry.targetModule(target.name);
      if (!module) throw new UnsupportedError(target.name, `target ${target.name} is not supported`, rule.pos);
      const compiled = module.compile(target.opts, {
        table: env.table,
        chain: env.chain,
        action: env.action,
        warn: env.warn,
      });
      return { kind: compiled.kind, args: compiled.args ?? [] };
    }
  }
}
