// Splitting one input line into words, in the two dialects nfwasm reads:
// - restore: what iptables-restore does (xshared.c add_param_to_argv): only double quotes group,
//   a backslash escapes the next character inside them, a closing quote ends the word, single
//   quotes and '#' inside a line are ordinary characters;
// - shell: what /bin/sh does with the simple lines of a firewall script: single quotes are
//   literal, double quotes allow \" \\ \$ \` escapes, a backslash outside quotes escapes the next
//   character, and '#' at the start of a word starts a comment.

export interface Word {
  text: string;
  /** Whether any part of the word was quoted (an empty quoted word is still a word). */
  quoted: boolean;
}

export class LexError extends Error {}

const isBlank = (code: number) => code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d;

/** Words of a line without quotes: the runs between blanks (most lines; no per-character strings). */
function splitUnquoted(line: string): string[] {
  const words: string[] = [];
  let start = -1;
  for (let i = 0; i < line.length; i++) {
    if (isBlank(line.charCodeAt(i))) {
      if (start >= 0) words.push(line.slice(start, i));
      start = -1;
    } else if (start < 0) {
      start = i;
    }
  }
  if (start >= 0) words.push(line.slice(start));
  return words;
}

/** Words of one iptables-restore line (the line must not contain the trailing newline). */
export function splitRestoreWords(line: string): string[] {
  if (!line.includes('"')) return splitUnquoted(line);
  const words: string[] = [];
  let current = '';
  let inWord = false;
  let quoteOpen = false;
  let escaped = false;
  for (const ch of line) {
    if (quoteOpen) {
      if (escaped) {
        current += ch;
        escaped = false;
      } else if (ch === '\\') {
        escaped = true;
      } else if (ch === '"') {
        // iptables-restore ends the word at the closing quote, even if more text follows
        quoteOpen = false;
        words.push(current);
        current = '';
        inWord = false;
      } else {
        current += ch;
      }
      continue;
    }
    if (ch === '"') {
      quoteOpen = true;
      inWord = true;
      continue;
    }
    if (ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r') {
      if (inWord) {
        words.push(current);
        current = '';
        inWord = false;
      }
      continue;
    }
    current += ch;
    inWord = true;
  }
  if (quoteOpen) throw new LexError('unterminated quoted string');
  if (inWord) words.push(current);
  return words;
}

/**
 * `$(which iptables)` style substitutions, common in `IPT=` lines, give the program name; any
 * other command output is unknown offline and recorded like an undefined variable.
 */
function commandSubstitution(inner: string, unknown: string[]): string {
  const m = /^\s*(?:which|command\s+-v|type\s+-p)\s+(\S+)\s*$/.exec(inner);
  if (m) return m[1];
  unknown.push(`(${inner})`);
  return '';
}

/** Variables a script defined with NAME=value, for $NAME / ${NAME} expansion. */
export type ShellVars = Map<string, string>;

export interface ShellLine {
  words: Word[];
  /** Names of variables that were referenced but never defined. */
  undefinedVars: string[];
}

/**
 * Words of one (already joined) shell line. Variables are expanded outside single quotes; an
 * unquoted expansion is split on blanks like the shell does.
 */
export function splitShellWords(line: string, vars: ShellVars = new Map()): ShellLine {
  const words: Word[] = [];
  const undefinedVars: string[] = [];
  let current = '';
  let inWord = false;
  let quoted = false;
  let i = 0;
  const finish = () => {
    if (inWord) words.push({ text: current, quoted });
    current = '';
    inWord = false;
    quoted = false;
  };
  const readVar = (): string | undefined => {
    // at line[i] === '$'
    let name: string;
    if (line[i + 1] === '(') {
      const close = line.indexOf(')', i + 2);
      if (close < 0) throw new LexError('unterminated $(');
      const inner = line.slice(i + 2, close);
      i = close + 1;
      return commandSubstitution(inner, undefinedVars);
    }
    if (line[i + 1] === '{') {
      const close = line.indexOf('}', i + 2);
      if (close < 0) throw new LexError('unterminated ${');
      name = line.slice(i + 2, close);
      i = close + 1;
    } else {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(line.slice(i + 1));
      if (!m) {
        i++;
        return '$';
      }
      name = m[0];
      i += 1 + name.length;
    }
    const value = vars.get(name);
    if (value === undefined) undefinedVars.push(name);
    return value ?? '';
  };
  while (i < line.length) {
    const ch = line[i];
    if (ch === ' ' || ch === '\t' || ch === '\r' || ch === '\n') {
      finish();
      i++;
      continue;
    }
    if (ch === '#' && !inWord) break;
    if (ch === '\\') {
      if (i + 1 < line.length) current += line[i + 1];
      inWord = true;
      i += 2;
      continue;
    }
    if (ch === "'") {
      const close = line.indexOf("'", i + 1);
      if (close < 0) throw new LexError('unterminated single quote');
      current += line.slice(i + 1, close);
      inWord = true;
      quoted = true;
      i = close + 1;
      continue;
    }
    if (ch === '"') {
      inWord = true;
      quoted = true;
      i++;
      let closed = false;
      while (i < line.length) {
        const c = line[i];
        if (c === '"') {
          closed = true;
          i++;
          break;
        }
        if (c === '\\' && i + 1 < line.length && '"\\$`'.includes(line[i + 1])) {
          current += line[i + 1];
          i += 2;
          continue;
        }
        if (c === '$') {
          current += readVar();
          continue;
        }
        current += c;
        i++;
      }
      if (!closed) throw new LexError('unterminated double quote');
      continue;
    }
    if (ch === '`') {
      const close = line.indexOf('`', i + 1);
      if (close < 0) throw new LexError('unterminated backquote');
      current += commandSubstitution(line.slice(i + 1, close), undefinedVars);
      inWord = true;
      i = close + 1;
      continue;
    }
    if (ch === '$') {
      const value = readVar()!;
      // unquoted expansion: field splitting
      const parts = value.split(/[ \t\n]+/);
      for (let p = 0; p < parts.length; p++) {
        if (p > 0) finish();
        if (parts[p] !== '') {
          current += parts[p];
          inWord = true;
        }
      }
      continue;
    }
    current += ch;
    inWord = true;
    i++;
  }
  finish();
  return { words, undefinedVars };
}
