// The suite's command line (suite.ts): which fixed cases, how many random ones, from which seed.
import { HELD_BACK, type HeldBack } from './random-ruleset.js';

export interface SuiteArgs {
  names: string[];
  skip: string[];
  random: number;
  seed: number;
  fixed: boolean;
  /** Grammar parts the random cases include although held back by default (random-ruleset.ts). */
  with: HeldBack[];
}

export function parseSuiteArgs(argv: readonly string[]): SuiteArgs {
  const args: SuiteArgs = { names: [], skip: [], random: 0, seed: 1, fixed: true, with: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = (): number => {
      const n = Number(argv[++i]);
      if (!Number.isInteger(n) || n < 0) throw new Error(`${a} needs a whole number, not ${argv[i]}`);
      return n;
    };
    if (a === '--random') args.random = value();
    else if (a === '--seed') args.seed = value();
    else if (a === '--skip') args.skip.push(argv[++i] ?? '');
    else if (a === '--no-fixed') args.fixed = false;
    else if (a === '--with') {
      for (const part of (argv[++i] ?? '').split(',')) {
        if (!(HELD_BACK as readonly string[]).includes(part)) throw new Error(`--with takes ${HELD_BACK.join(',')}, not ${part}`);
        args.with.push(part as HeldBack);
      }
    }
    else if (a.startsWith('--')) throw new Error(`unknown option ${a}`);
    else args.names.push(a);
  }
  return args;
}

export function selected(args: SuiteArgs, name: string): boolean {
  return (args.names.length === 0 || args.names.some((n) => name.includes(n))) && !args.skip.some((n) => n && name.includes(n));
}
