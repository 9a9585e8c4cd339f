// One iptables command line (the words after `iptables`, or one iptables-restore line) into a
// command plus the rules it names, the way iptables 1.8 (legacy) parses it: xshared.c do_parse,
// command_default (extension options, implicit protocol match), ipv4_post_parse (address lists).
import type { MatchModule, OptionSpec, ParseCtx, TargetModule } from '../modules/module.js';
import { defaultRegistry, type ModuleRegistry } from '../modules/registry.js';
import { parseAddressWithMask, looksLikeIPv6, strtoulBase0 } from './address.js';
import { RulesetError, UnsupportedError } from './errors.js';
import { IMPLICIT_PROTO_MATCH, IPV6_ONLY_MATCHES, KNOWN_TARGET_EXTENSIONS } from './known-extensions.js';
import { protoNumber } from './names.js';
import {
  LONG_BASIC_OPTIONS, LongOptionTable, OPTION_NAMES, SHORT_OPTIONS, type LongCandidate,
} from './option-table.js';
import {
  TABLE_NAMES, zeroCounters, type AddrMatch, type Counters, type IfaceMatch, type MatchInstance,
  type ProtoMatch, type Rule, type SourcePos, type TableName, type TargetInstance,
} from './types.js';

export type CommandLetter = 'A' | 'C' | 'D' | 'I' | 'R' | 'L' | 'S' | 'F' | 'Z' | 'N' | 'X' | 'E' | 'P';

export interface ParsedCommand {
  command: CommandLetter;
  table: TableName;
  chain?: string;
  /** -I n (default 1), -D n, -R n, -Z/-L chain n. */
  ruleNum?: number;
  policy?: string;
  newName?: string;
  /** The rules of -A/-C/-D (by spec)/-I/-R, one per source x destination pair, source-major. */
  rules: Rule[];
  /** -c on a -P command (policy counters). */
  counters?: Counters;
}

export interface CommandEnv {
  pos: SourcePos;
  /** Table when no -t is given: the current `*table` for restore input, filter for scripts. */
  defaultTable: TableName;
  /** iptables-restore refuses -t inside a table block. */
  allowTableOption: boolean;
  registry?: ModuleRegistry;
  /** Whether a chain of that name exists right now (for `-j NAME`). */
  isChain(table: TableName, name: string): boolean;
  warn(message: string): void;
  /** `[p:b]` written before an iptables-restore rule. */
  presetCounters?: Counters;
}

export const STANDARD_VERDICTS = ['ACCEPT', 'DROP', 'RETURN', 'QUEUE'] as const;
type StandardVerdict = (typeof STANDARD_VERDICTS)[number];

const IFNAMSIZ = 16;
/** XT_EXTENSION_MAXNAMELEN: chain and target names must be shorter. */
const MAX_NAME_LEN = 29;
const RULE_COMMANDS: ReadonlySet<string> = new Set(['A', 'C', 'D', 'I', 'R']);

type Extension =
  | { kind: 'match'; module: MatchModule; instance: MatchInstance }
  | { kind: 'target'; module: TargetModule; opts: any };

/** A loaded extension in option-table order: `latest` receives the options (xtables "completed"). */
interface LoadedExtension {
  name: string;
  options: OptionSpec[];
  latest: Extension;
}

/** A basic option, or option `spec` of the extension loaded `index`-th. */
type LongValue = { kind: 'basic'; letter: string } | { kind: 'ext'; index: number; spec: OptionSpec };

const BASIC_LONG: LongCandidate<LongValue>[] = LONG_BASIC_OPTIONS.map(([name, letter]) => ({
  name, key: `basic:${letter}`, value: { kind: 'basic', letter },
}));

/**
 * The long-option table after loading extensions with these option lists, in load order; the
 * tables for longer lists hang below. Shared by every command (most rules load the same few
 * extensions), so each table is built once per process rather than once per rule.
 */
interface LongTableNode {
  table: LongOptionTable<LongValue>;
  next: WeakMap<readonly OptionSpec[], LongTableNode>;
}

const BASIC_TABLE: LongTableNode = { table: new LongOptionTable(BASIC_LONG), next: new WeakMap() };

/** xtables_merge_options puts each newly loaded extension's options before the older ones. */
function mergedLongTable(loaded: readonly (readonly OptionSpec[])[]): LongOptionTable<LongValue> {
  const table = [...BASIC_LONG];
  for (let e = loaded.length - 1; e >= 0; e--) {
    for (const spec of loaded[e]) {
      const key = `${e}:${spec.name}`;
      const value: LongValue = { kind: 'ext', index: e, spec };
      table.push({ name: spec.name, key, value });
      for (const alias of spec.aliases ?? []) table.push({ name: alias, key, value });
    }
  }
  return new LongOptionTable(table);
}

/** C sscanf("%llu"): leading blanks, optional '+', digits; undefined when no digit. */
function scanUnsigned(text: string): bigint | undefined {
  const m = /^\s*\+?(\d+)/.exec(text);
  return m ? BigInt(m[1]) : undefined;
}

function isStandardVerdict(name: string): name is StandardVerdict {
  return (STANDARD_VERDICTS as readonly string[]).includes(name);
}

class CommandParser {
  private readonly registry: ModuleRegistry;
  private readonly words: string[];
  private index = 0;
  private invert = false;
  private readonly used = new Set<string>();

  private command?: CommandLetter;
  private tableName?: string;
  private chain?: string;
  private ruleNum?: number;
  private policy?: string;
  private newName?: string;

  private protoText?: string;
  private proto?: ProtoMatch;
  private protoMatchLoaded = false;
  private srcText?: string;
  private srcInvert = false;
  private dstText?: string;
  private dstInvert = false;
  private inIface?: IfaceMatch;
  private outIface?: IfaceMatch;
  private fragment?: boolean;
  private counters?: Counters;

  private readonly loaded: LoadedExtension[] = [];
  /** The long-option table for `loaded` as it is. */
  private longTable = BASIC_TABLE;
  private readonly matches: Array<{ module: MatchModule; instance: MatchInstance }> = [];
  private targetName?: string;
  private isGoto = false;
  private targetExt?: { module: TargetModule; opts: any };
  /** ParseCtx's error and warning functions, made once per command. */
  private reporters?: Pick<ParseCtx, 'fail' | 'unsupported' | 'warn'>;
  /** The last ParseCtx made: options of one rule mostly see the same one (not changed once made). */
  private lastCtx?: ParseCtx;

  constructor(words: string[], private readonly env: CommandEnv) {
    this.words = words;
    this.registry = env.registry ?? defaultRegistry;
  }

  private fail(message: string): never {
    throw new RulesetError(message, this.env.pos);
  }

  private get table(): TableName {
    return (this.tableName as TableName | undefined) ?? this.env.defaultTable;
  }

  /** What modules' parse and finalize get (finalize: the final chain, and for a target the matches). */
  private ctx(chain = this.chain ?? '', matches?: readonly MatchInstance[]): ParseCtx {
    this.reporters ??= {
      fail: (message) => this.fail(message),
      unsupported: (feature, message) => {
        throw new UnsupportedError(feature, message, this.env.pos);
      },
      warn: (message) => this.env.warn(message),
    };
    const last = this.lastCtx;
    const table = this.table;
    if (last && last.table === table && last.chain === chain && last.proto === this.proto && last.matches === matches) return last;
    const { fail, unsupported, warn } = this.reporters;
    return (this.lastCtx = { pos: this.env.pos, table, chain, proto: this.proto, fail, unsupported, warn, matches });
  }

  /** xs_has_arg: a following word that is not an option or '!'. */
  private hasArg(): boolean {
    const w = this.words[this.index];
    return w !== undefined && !w.startsWith('-') && !w.startsWith('!');
  }

  /** The required argument of an option: attached text, or the next word whatever it is. */
  private requiredArg(attached: string | undefined, shown: string): string {
    if (attached !== undefined) return attached;
    if (this.index >= this.words.length) this.fail(`option "${shown}" requires an argument`);
    return this.words[this.index++];
  }

  /**
   * Old iptables (< 1.4.3) form `--opt ! value`: accepted for options that may be inverted,
   * with the deprecation warning iptables 1.4 printed.
   */
  private intrapositionedInvert(arg: string, attached: boolean, shown: string): string {
    if (arg !== '!' || attached) return arg;
    if (this.invert) this.fail('multiple `!\' flags not allowed');
    this.env.warn(`${shown} ! VALUE: intrapositioned negation is deprecated in favour of "! ${shown} VALUE"`);
    this.invert = true;
    if (this.index >= this.words.length) this.fail(`no argument following \`!' for ${shown}`);
    return this.words[this.index++];
  }

  parse(): ParsedCommand {
    while (this.index < this.words.length) {
      const word = this.words[this.index++];
      if (word === '!') {
        if (this.invert) this.fail('multiple consecutive ! not allowed');
        this.invert = true;
        continue;
      }
      if (word.startsWith('--') && word.length > 2) {
        this.longOption(word);
      } else if (word.startsWith('-') && word.length > 1) {
        this.shortOptions(word);
      } else {
        this.fail(`Bad argument \`${word}'`);
      }
    }
    if (this.invert) this.fail('nothing appropriate following !');
    return this.finish();
  }

  private addLoaded(extension: LoadedExtension): void {
    this.loaded.push(extension);
    let node = this.longTable.next.get(extension.options);
    if (!node) {
      node = { table: mergedLongTable(this.loaded.map((l) => l.options)), next: new WeakMap() };
      this.longTable.next.set(extension.options, node);
    }
    this.longTable = node;
  }

  private longOption(word: string): void {
    const eq = word.indexOf('=');
    const written = eq < 0 ? word.slice(2) : word.slice(2, eq);
    const attached = eq < 0 ? undefined : word.slice(eq + 1);
    for (;;) {
      const found = this.longTable.table.lookup(written);
      if (found.kind === 'ambiguous') this.fail(`option "--${written}" is ambiguous (${found.names.map((n) => `--${n}`).join(', ')})`);
      if (found.kind === 'found') {
        const v = found.value;
        if (v.kind === 'basic') this.basicOption(v.letter, attached, `--${found.name}`, attached !== undefined);
        else this.extensionOption(this.loaded[v.index], v.spec, attached);
        this.invert = false;
        return;
      }
      if (!this.loadImplicitProtoMatch(written)) this.fail(`unknown option "--${written}"`);
    }
  }

  private shortOptions(word: string): void {
    let k = 1;
    while (k < word.length) {
      const letter = word[k++];
      const arity = SHORT_OPTIONS[letter];
      if (arity === undefined) this.fail(`unknown option "-${letter}"`);
      if (arity === 0) {
        this.basicOption(letter, undefined, `-${letter}`, false);
        this.invert = false;
        continue;
      }
      const rest = word.slice(k);
      this.basicOption(letter, rest === '' ? undefined : rest, `-${letter}`, rest !== '');
      this.invert = false;
      return;
    }
  }

  /** `-p tcp --dport 22`: the first unknown option loads the protocol's match (once). */
  private loadImplicitProtoMatch(option: string): boolean {
    if (this.protoText === undefined || this.protoMatchLoaded || !this.proto) return false;
    this.protoMatchLoaded = true;
    const module = this.registry.implicitMatchForProto(this.proto.num);
    if (module) {
      this.loadMatch(module);
      return true;
    }
    const name = IMPLICIT_PROTO_MATCH[this.proto.num];
    if (name) throw new UnsupportedError(name, `match "${name}" (implied by -p ${this.protoText} for --${option}) is not supported`, this.env.pos);
    return false;
  }

  private setOnce(letter: string, invertible: boolean): void {
    const group = letter === 'g' ? 'j' : letter;
    if (this.used.has(group)) this.fail(`multiple ${OPTION_NAMES[group] ?? `-${group}`} options not allowed`);
    this.used.add(group);
    if (this.invert && !invertible) this.fail(`cannot have ! before ${OPTION_NAMES[letter] ?? `-${letter}`}`);
  }

  private setCommand(letter: CommandLetter): void {
    if (this.invert) this.fail("unexpected '!' flag");
    if (this.command) {
      const listing = (c: string) => c === 'L' || c === 'S';
      const zeroAndList = (letter === 'Z' && listing(this.command)) || (listing(letter) && this.command === 'Z');
      if (!zeroAndList) this.fail(`Cannot use -${letter} with -${this.command}`);
      // -L -Z: the listing changes nothing, the zeroing is what matters for the ruleset
      this.command = 'Z';
      return;
    }
    this.command = letter;
  }

  private optionalChainArg(attached: string | undefined): string | undefined {
    if (attached !== undefined) return attached;
    if (this.hasArg()) return this.words[this.index++];
    return undefined;
  }

  private ruleNumber(text: string): number {
    const n = strtoulBase0(text);
    if (n === undefined || n < 1 || n > 0x7fffffff) this.fail(`Invalid rule number \`${text}'`);
    return n;
  }

  private basicOption(letter: string, attached: string | undefined, shown: string, isAttached: boolean): void {
    switch (letter) {
      case 'A': case 'C': case 'N':
        this.setCommand(letter);
        this.chain = this.requiredArg(attached, shown);
        if (letter === 'N') this.assertValidChainName(this.chain);
        return;
      case 'I':
        this.setCommand('I');
        this.chain = this.requiredArg(attached, shown);
        this.ruleNum = this.hasArg() ? this.ruleNumber(this.words[this.index++]) : 1;
        return;
      case 'D':
        this.setCommand('D');
        this.chain = this.requiredArg(attached, shown);
        if (this.hasArg()) {
          const text = this.words[this.index++];
          if (text.includes(':')) this.fail('Rule ranges are not supported');
          if (!/^\d+$/.test(text) || Number(text) === 0) this.fail(`Invalid rule number \`${text}'`);
          this.ruleNum = Number(text);
        }
        return;
      case 'R':
        this.setCommand('R');
        this.chain = this.requiredArg(attached, shown);
        if (!this.hasArg()) this.fail('-R requires a rule number');
        this.ruleNum = this.ruleNumber(this.words[this.index++]);
        return;
      case 'L': case 'S': case 'Z': case 'F': case 'X':
        this.setCommand(letter);
        this.chain = this.optionalChainArg(attached) ?? this.chain;
        if ((letter === 'L' || letter === 'S' || letter === 'Z') && this.hasArg()) {
          this.ruleNum = this.ruleNumber(this.words[this.index++]);
        }
        return;
      case 'E':
        this.setCommand('E');
        this.chain = this.requiredArg(attached, shown);
        if (!this.hasArg()) this.fail('-E requires old-chain-name and new-chain-name');
        this.newName = this.words[this.index++];
        this.assertValidChainName(this.newName);
        return;
      case 'P':
        this.setCommand('P');
        this.chain = this.requiredArg(attached, shown);
        if (!this.hasArg()) this.fail('-P requires a chain and a policy');
        this.policy = this.words[this.index++];
        return;
      case 'p': {
        this.setOnce('p', true);
        const text = this.intrapositionedInvert(this.requiredArg(attached, shown), isAttached, shown).toLowerCase();
        const num = protoNumber(text);
        if (num === undefined) {
          if (text === 'icmpv6' || text === 'ipv6-icmp') throw new UnsupportedError('ipv6', `protocol "${text}" is IPv6 (ip6tables); nfwasm models IPv4 only`, this.env.pos);
          this.fail(`unknown protocol "${text}" specified`);
        }
        if (num === 0 && this.invert) this.fail('rule would never match protocol');
        if (num === 58) throw new UnsupportedError('ipv6', `protocol "${text}" (58, ICMPv6) belongs to ip6tables; nfwasm models IPv4 only`, this.env.pos);
        this.protoText = text;
        this.proto = num === 0 ? undefined : { num, invert: this.invert };
        return;
      }
      case 's': case 'd': {
        this.setOnce(letter, true);
        const text = this.intrapositionedInvert(this.requiredArg(attached, shown), isAttached, shown);
        if (letter === 's') {
          this.srcText = text;
          this.srcInvert = this.invert;
        } else {
          this.dstText = text;
          this.dstInvert = this.invert;
        }
        return;
      }
      case 'i': case 'o': {
        const raw = this.requiredArg(attached, shown);
        if (raw === '') this.fail('Empty interface is likely to be undesired');
        this.setOnce(letter, true);
        const name = this.intrapositionedInvert(raw, isAttached, shown);
        if (name.length >= IFNAMSIZ) this.fail(`interface name \`${name}' must be shorter than ${IFNAMSIZ} characters`);
        if (name.includes('/') || name.includes(' ')) {
          this.env.warn(`weird character in interface \`${name}' ('/' and ' ' are not allowed by the kernel)`);
        }
        const iface = { name, invert: this.invert };
        if (letter === 'i') this.inIface = iface;
        else this.outIface = iface;
        return;
      }
      case 'f':
        this.setOnce('f', true);
        this.fragment = !this.invert;
        return;
      case 'j':
        this.setOnce('j', false);
        this.jump(this.requiredArg(attached, shown));
        return;
      case 'g': {
        this.setOnce('g', false);
        const name = this.requiredArg(attached, shown);
        this.checkTargetName(name);
        this.targetName = name;
        this.isGoto = true;
        return;
      }
      case 'm': {
        if (this.invert) this.fail('unexpected ! flag before --match');
        const name = this.requiredArg(attached, shown);
        const module = this.registry.matchModule(name);
        if (!module) {
          if (IPV6_ONLY_MATCHES.has(name)) throw new UnsupportedError('ipv6', `match "${name}" exists only in ip6tables; nfwasm models IPv4 only`, this.env.pos);
          throw new UnsupportedError(name, `match "${name}" is not supported by nfwasm`, this.env.pos);
        }
        this.loadMatch(module);
        return;
      }
      case 'c': {
        this.setOnce('c', false);
        const packetsText = this.requiredArg(attached, shown);
        const comma = packetsText.indexOf(',');
        let bytesText: string | undefined = comma >= 0 ? packetsText.slice(comma + 1) : undefined;
        if (bytesText === undefined && this.hasArg()) bytesText = this.words[this.index++];
        if (bytesText === undefined) this.fail('--set-counters requires packet and byte counter');
        const packets = scanUnsigned(packetsText);
        if (packets === undefined) this.fail('--set-counters packet counter not numeric');
        const bytes = scanUnsigned(bytesText);
        if (bytes === undefined) this.fail('--set-counters byte counter not numeric');
        this.counters = { packets, bytes };
        return;
      }
      case 't': {
        if (this.invert) this.fail('unexpected ! flag before --table');
        const name = this.requiredArg(attached, shown);
        if (!this.env.allowTableOption) this.fail('The -t option cannot be used in iptables-restore input');
        if (!(TABLE_NAMES as readonly string[]).includes(name)) {
          this.fail(`can't initialize iptables table \`${name}': Table does not exist (do you need to insmod?)`);
        }
        this.tableName = name;
        return;
      }
      case 'w': case 'W':
        // lock waiting: meaningless offline
        this.optionalChainArg(attached);
        return;
      case 'M':
        this.requiredArg(attached, shown);
        return;
      case '6':
        throw new UnsupportedError('ipv6', 'the line is for ip6tables (-6); nfwasm models IPv4 only', this.env.pos);
      case 'n': case 'v': case 'x': case '0': case '4':
        return;
      case 'V': case 'h':
        this.fail(`${shown} does not change the ruleset`);
    }
    this.fail(`unknown option "${shown}"`);
  }

  private checkTargetName(name: string): void {
    if (name.length < 1) this.fail('Invalid target name (too short)');
    if (name.length >= MAX_NAME_LEN) this.fail(`Invalid target name \`${name}' (${MAX_NAME_LEN - 1} chars max)`);
    if (/\s/.test(name)) this.fail(`Invalid target name \`${name}'`);
  }

  private assertValidChainName(name: string): void {
    if (name.length >= MAX_NAME_LEN) this.fail(`chain name \`${name}' too long (must be under ${MAX_NAME_LEN} chars)`);
    if (name.startsWith('-') || name.startsWith('!')) this.fail(`chain name not allowed to start with \`${name[0]}'`);
    if (isStandardVerdict(name) || this.registry.targetModule(name) || KNOWN_TARGET_EXTENSIONS.has(name)) {
      this.fail('chain name may not clash with target name');
    }
    if (/\s/.test(name)) this.fail(`Invalid chain name \`${name}'`);
  }

  private jump(name: string): void {
    this.checkTargetName(name);
    if (name === 'CONTINUE') return;
    this.targetName = name;
    if (isStandardVerdict(name)) return;
    const module = this.registry.targetModule(name);
    if (module && this.env.isChain(this.table, name)) {
      this.env.warn(`using chain ${name}, not extension`);
      return;
    }
    if (module) {
      const ext: Extension = { kind: 'target', module, opts: module.init() };
      this.targetExt = { module, opts: ext.opts };
      this.addLoaded({ name: module.name, options: module.options, latest: ext });
      return;
    }
    if (!this.env.isChain(this.table, name) && KNOWN_TARGET_EXTENSIONS.has(name)) {
      throw new UnsupportedError(name, `target "${name}" is not supported by nfwasm`, this.env.pos);
    }
  }

  private loadMatch(module: MatchModule): void {
    const instance: MatchInstance = { module: module.name, opts: module.init() };
    this.matches.push({ module, instance });
    const ext: Extension = { kind: 'match', module, instance };
    const earlier = this.loaded.find((l) => l.name === module.name && l.latest.kind === 'match');
    // A repeated match keeps its place in the option table; its newest instance gets the options.
    if (earlier) earlier.latest = ext;
    else this.addLoaded({ name: module.name, options: module.options, latest: ext });
  }

  private extensionOption(ext: LoadedExtension, spec: OptionSpec, attached: string | undefined): void {
    const shown = `--${spec.name}`;
    const args: string[] = [];
    if (spec.args === 0) {
      if (attached !== undefined) this.fail(`option "${shown}" doesn't allow an argument`);
    } else if (spec.args === 'optional') {
      if (attached !== undefined) args.push(attached);
      else if (this.hasArg()) args.push(this.words[this.index++]);
    } else {
      let first = this.requiredArg(attached, shown);
      if (spec.invertible) first = this.intrapositionedInvert(first, attached !== undefined, shown);
      args.push(first);
      if (spec.args === 2) args.push(this.requiredArg(undefined, shown));
    }
    const target = ext.latest;
    if (this.invert && !spec.invertible) this.fail(`${target.module.name}: option "${shown}" cannot be inverted`);
    if (target.kind === 'match') target.module.parse(target.instance.opts, spec.name, args, this.invert, this.ctx());
    else target.module.parse(target.opts, spec.name, args, this.invert, this.ctx());
  }

  private parseAddressList(text: string, shown: string): AddrMatch[] {
    if (!text.includes(',')) return [this.parseAddress(text, shown)];
    return text.split(',').map((item) => this.parseAddress(item, shown));
  }

  private parseAddress(item: string, shown: string): AddrMatch {
    const r = parseAddressWithMask(item);
    if (r.ok) return { addr: r.addr, mask: r.mask, invert: false };
    if (looksLikeIPv6(item)) throw new UnsupportedError('ipv6', `${shown} ${item}: IPv6 address (ip6tables); nfwasm models IPv4 only`, this.env.pos);
    if (r.hostname) throw new UnsupportedError('hostname', `${shown} ${item}: ${r.message}`, this.env.pos);
    return this.fail(`${shown} ${item}: ${r.message}`);
  }

  private finish(): ParsedCommand {
    const command = this.command;
    if (!command) this.fail('no command specified');
    const table = this.table;
    if (!RULE_COMMANDS.has(command) || (command === 'D' && this.ruleNum !== undefined)) {
      const illegal = ['s', 'd', 'p', 'j', 'i', 'o', 'f'].find((l) => this.used.has(l)) ?? (this.matches.length > 0 ? 'm' : undefined);
      if (illegal) this.fail(`Illegal option \`${OPTION_NAMES[illegal] ?? '--match'}' with this command`);
      if (this.counters && command !== 'P') this.fail("Illegal option `--set-counters' with this command");
      return {
        command, table, chain: this.chain, ruleNum: this.ruleNum, policy: this.policy,
        newName: this.newName, rules: [], counters: this.counters,
      };
    }
    const chain = this.chain!;
    if (chain.length >= MAX_NAME_LEN) this.fail(`chain name \`${chain}' too long (must be under ${MAX_NAME_LEN} chars)`);
    if (this.counters && (command === 'D' || command === 'C')) this.fail("Illegal option `--set-counters' with this command");
    if (this.counters && this.env.presetCounters) this.fail('multiple --set-counters options not allowed');
    if (table === 'nat' && this.targetName === 'DROP') {
      this.fail('The "nat" table is not intended for filtering, the use of DROP is therefore inhibited.');
    }
    if ((chain === 'PREROUTING' || chain === 'INPUT') && this.outIface) this.fail(`Can't use --out-interface with ${chain}`);
    if ((chain === 'POSTROUTING' || chain === 'OUTPUT') && this.inIface) this.fail(`Can't use --in-interface with ${chain}`);

    const matches = this.matches.map((m) => m.instance);
    if (this.matches.length > 0) {
      const ctx = this.ctx(chain);
      for (let i = 0; i < this.matches.length; i++) this.matches[i].module.finalize(this.matches[i].instance.opts, ctx);
    }
    if (this.targetExt) this.targetExt.module.finalize(this.targetExt.opts, this.ctx(chain, matches));

    const sources = this.srcText === undefined ? [undefined] : this.parseAddressList(this.srcText, '-s');
    const dests = this.dstText === undefined ? [undefined] : this.parseAddressList(this.dstText, '-d');
    if ((sources.length > 1 || dests.length > 1) && (this.srcInvert || this.dstInvert)) {
      this.fail('! not allowed with multiple source or destination IP addresses');
    }
    if (command === 'R' && (sources.length !== 1 || dests.length !== 1)) {
      this.fail('Replacement rule does not specify a unique address');
    }
    const target = this.targetInstance();
    const rules: Rule[] = [];
    // object spreads are slow; these are the same objects written out
    const counters = this.counters ?? this.env.presetCounters ?? zeroCounters();
    for (let si = 0; si < sources.length; si++) {
      const s = sources[si];
      for (let di = 0; di < dests.length; di++) {
        const d = dests[di];
        const rule: Rule = {
          pos: this.env.pos,
          counters: { packets: counters.packets, bytes: counters.bytes },
          matches,
        };
        if (this.proto) rule.proto = this.proto;
        if (s) rule.src = { addr: s.addr, mask: s.mask, invert: this.srcInvert };
        if (d) rule.dst = { addr: d.addr, mask: d.mask, invert: this.dstInvert };
        if (this.inIface) rule.inIface = this.inIface;
        if (this.outIface) rule.outIface = this.outIface;
        if (this.fragment !== undefined) rule.fragment = this.fragment;
        if (target) rule.target = target;
        rules.push(rule);
      }
    }
    return { command, table, chain, ruleNum: this.ruleNum, rules };
  }

  private targetInstance(): TargetInstance | undefined {
    const name = this.targetName;
    if (name === undefined) return undefined;
    if (this.isGoto) return { kind: 'goto', chain: name };
    if (isStandardVerdict(name)) return { kind: 'standard', name };
    if (this.targetExt) return { kind: 'module', name: this.targetExt.module.name, opts: this.targetExt.opts };
    return { kind: 'jump', chain: name };
  }
}

/** Parse the words of one command (without the leading `iptables`). */
export function parseCommand(words: string[], env: CommandEnv): ParsedCommand {
  return new CommandParser(words, env).parse();
}
