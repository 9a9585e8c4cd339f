// Firewall scripts the way guides write them: one `[sudo] iptables [-t T] COMMAND ...` per line,
// `#` comments, `\` continuations, simple `NAME=value` variables used as `$NAME` (e.g. IPT=...).
// Commands run in order against the tables, like running the script on a fresh host (all tables
// empty, policies ACCEPT). Other shell lines are skipped with a warning.
import type { ModuleRegistry } from '../modules/registry.js';
import type { RulesetBuilder } from './builder.js';
import { LexError, splitShellWords, type ShellVars, type Word } from './lexer.js';
import { splitLines } from './parse-save.js';
import { parseCommand } from './rule-parser.js';
import type { SourcePos } from './types.js';

const IPTABLES_COMMANDS = new Set(['iptables', 'iptables-legacy', 'iptables-nft']);
const IP6TABLES_COMMANDS = new Set(['ip6tables', 'ip6tables-legacy', 'ip6tables-nft']);
const RESTORE_COMMANDS = new Set([
  'iptables-restore', 'iptables-save', 'iptables-legacy-restore', 'iptables-nft-restore',
  'ip6tables-restore', 'ip6tables-save', 'iptables-legacy-save', 'iptables-nft-save',
]);
const FTP_HELPER_MODULES = new Set(['ip_conntrack_ftp', 'nf_conntrack_ftp']);
/** Words that only prefix the real command. */
const COMMAND_PREFIXES = new Set(['sudo', 'command', 'exec', 'time', 'nice']);

function basename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** Physical lines joined at trailing backslashes; each logical line keeps its first line number. */
export function joinContinuations(text: string): Array<{ line: number; text: string }> {
  const out: Array<{ line: number; text: string }> = [];
  let pending: { line: number; text: string } | undefined;
  splitLines(text).forEach((raw, i) => {
    const trimmed = raw.replace(/[ \t]+$/, '');
    const continues = trimmed.endsWith('\\') && !trimmed.endsWith('\\\\');
    const body = continues ? trimmed.slice(0, -1) : trimmed;
    if (pending) pending.text += ` ${body}`;
    else pending = { line: i + 1, text: body };
    if (!continues) {
      out.push(pending);
      pending = undefined;
    }
  });
  if (pending) out.push(pending);
  return out;
}

/** Split a shell line's words into simple commands at `;`, `&&`, `||`. */
function splitCommands(words: Word[]): Word[][] {
  const commands: Word[][] = [[]];
  for (const w of words) {
    if (!w.quoted && (w.text === ';' || w.text === '&&' || w.text === '||')) {
      commands.push([]);
      continue;
    }
    if (!w.quoted && w.text.endsWith(';') && w.text.length > 1) {
      commands[commands.length - 1].push({ text: w.text.slice(0, -1), quoted: false });
      commands.push([]);
      continue;
    }
    commands[commands.length - 1].push(w);
  }
  return commands.filter((c) => c.length > 0);
}

export interface ScriptParseOptions {
  file: string;
  builder: RulesetBuilder;
  registry?: ModuleRegistry;
}

export function parseScriptText(text: string, { file, builder, registry }: ScriptParseOptions): void {
  const vars: ShellVars = new Map();
  for (const logical of joinContinuations(text)) {
    const pos: SourcePos = { file, line: logical.line };
    let words: Word[];
    let undefinedVars: string[];
    try {
      ({ words, undefinedVars } = splitShellWords(logical.text, vars));
    } catch (e) {
      if (e instanceof LexError) {
        builder.warn(`shell line not understood (${e.message}); skipped`, pos);
        continue;
      }
      throw e;
    }
    for (const command of splitCommands(words)) runShellCommand(command, undefinedVars, vars, pos, builder, registry);
  }
}

function runShellCommand(
  words: Word[], undefinedVars: string[], vars: ShellVars, pos: SourcePos, builder: RulesetBuilder,
  registry: ModuleRegistry | undefined,
): void {
  let texts = words.map((w) => w.text);
  if (texts[0] === 'export' || texts[0] === 'readonly' || texts[0] === 'local') texts = texts.slice(1);
  const assignment = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s;
  if (texts.length > 0 && texts.every((t) => assignment.test(t))) {
    for (const t of texts) {
      const m = assignment.exec(t)!;
      vars.set(m[1], m[2]);
    }
    return;
  }
  while (texts.length > 0 && (COMMAND_PREFIXES.has(texts[0]) || assignment.test(texts[0]))) texts = texts.slice(1);
  if (texts.length === 0) return;
  // `$IPT -A ...` with IPT never assigned (or assigned from something we cannot run offline)
  const viaUnknownVariable = texts[0].startsWith('-') && undefinedVars.length > 0;
  const program = viaUnknownVariable ? 'iptables' : basename(texts[0]);
  const args = viaUnknownVariable ? texts : texts.slice(1);
  if (IPTABLES_COMMANDS.has(program)) {
    if (undefinedVars.length > 0) {
      builder.warn(`undefined shell variable${undefinedVars.length > 1 ? 's' : ''} ${undefinedVars.map((v) => `$${v}`).join(', ')} expanded to nothing${viaUnknownVariable ? '; the line is read as an iptables command' : ''}`, pos);
    }
    if (args.some((a) => a === '-V' || a === '--version' || a === '-h' || a === '--help')) {
      builder.warn(`${program} ${args.join(' ')}: prints information only; skipped`, pos);
      return;
    }
    const cmd = parseCommand(args, {
      pos,
      defaultTable: 'filter',
      allowTableOption: true,
      registry,
      isChain: (table, name) => builder.findChain(table, name) !== undefined,
      warn: (message) => builder.warn(message, pos),
    });
    builder.apply(cmd, pos);
    return;
  }
  if (IP6TABLES_COMMANDS.has(program)) {
    builder.warn(`${program} line skipped: nfwasm models IPv4 (iptables) only`, pos);
    return;
  }
  if (RESTORE_COMMANDS.has(program)) {
    builder.warn(`${program} line skipped: load that file with nfwasm directly`, pos);
    return;
  }
  if ((program === 'modprobe' || program === 'insmod') && args.some((a) => FTP_HELPER_MODULES.has(basename(a).replace(/\.ko$/, '')))) {
    builder.warn(
      `${program} ${args.join(' ')}: current kernels no longer assign the FTP helper automatically ` +
      '(NETFILTER.md §0, §4.7); add `-t raw -A PREROUTING -p tcp --dport 21 -j CT --helper ftp` ' +
      '(and OUTPUT for local clients), or FTP data connections will not be RELATED', pos);
    return;
  }
  builder.warn(`not an iptables command; skipped: ${texts.join(' ').slice(0, 80)}`, pos);
}

/** Whether a line of text looks like an iptables invocation in a script. */
export function isIptablesInvocation(line: string): boolean {
  return /^\s*(sudo\s+)?(\S*\/)?ip6?tables(-legacy|-nft)?(\s|$)/.test(line) || /^\s*(sudo\s+)?\$\{?[A-Za-z_][A-Za-z0-9_]*\}?\s+(-t\s+\S+\s+)?-[A-Za-z]/.test(line);
}
