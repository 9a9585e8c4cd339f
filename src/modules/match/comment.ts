// -m comment (libxt_comment.c): text kept with the rule, never affects matching.
import type { MatchModule, ParseCtx } from '../module.js';
import { saveString } from '../target/xt-string.js';

/** XT_MAX_COMMENT_LEN is 256 including the terminating NUL. */
const MAX_COMMENT_BYTES = 255;

export interface CommentOptions {
  comment?: string;
}

export const commentMatch: MatchModule<CommentOptions> = {
  name: 'comment',
  options: [{ name: 'comment', args: 1 }],
  init: () => ({}),
  parse(opts, _option, args, _invert, ctx: ParseCtx) {
    if (opts.comment !== undefined) ctx.fail('comment: "--comment" option may only be specified once');
    if (new TextEncoder().encode(args[0]).length > MAX_COMMENT_BYTES) {
      ctx.fail(`comment: argument to "--comment" is too long (max ${MAX_COMMENT_BYTES} characters)`);
    }
    opts.comment = args[0];
  },
  finalize(opts, ctx: ParseCtx) {
    if (opts.comment === undefined) ctx.fail('comment: option "--comment" must be specified');
  },
  save: (opts) => `--comment ${saveString(opts.comment!)}`,
  list: (opts) => `/* ${opts.comment} */`,
  compile() {},
};
