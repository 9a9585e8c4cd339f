// The option bookkeeping libxtables does for every extension (xtables_option_parse and
// xtables_options_fcheck): an option may appear once, some options exclude each other, some are
// mandatory. Targets record what they saw in a `given` list kept in their options object.
import type { ParseCtx } from '../module.js';

/** Record `option`; a second occurrence fails like `option "--x" can only be used once`. */
export function useOnce(given: string[], option: string, target: string, ctx: ParseCtx): void {
  if (given.includes(option)) ctx.fail(`${target}: option "--${option}" can only be used once`);
  given.push(option);
}

/** Fail when more than one of `options` was given. */
export function forbidTogether(given: readonly string[], options: readonly string[], target: string, ctx: ParseCtx): void {
  const used = options.filter((o) => given.includes(o));
  if (used.length > 1) ctx.fail(`${target}: option "--${used[1]}" cannot be used together with "--${used[0]}"`);
}

/** Fail unless at least one of `options` was given. */
export function requireOneOf(given: readonly string[], options: readonly string[], message: string, ctx: ParseCtx): void {
  if (!options.some((o) => given.includes(o))) ctx.fail(message);
}
