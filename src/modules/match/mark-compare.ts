// The "--mark value[/mask]" test the mark and connmark matches share (libxt_mark.c,
// libxt_connmark.c): (field & mask) == value, invertible; the mask is printed unless all ones.
import type { Emitter, MatchModule, ParseCtx } from '../module.js';
import { OP_MASKEQ } from '../../../assembly/shared/layout.js';
import { parseMarkMask } from '../target/mark-value.js';
import { hex, U32_MAX } from '../target/xt-number.js';

export interface MarkCompareOptions {
  value?: number;
  mask: number;
  invert: boolean;
}

interface MarkCompareSpec {
  name: string;
  /** Field descriptor compared (FD_MARK, FD_CTMARK). */
  field: number;
  /** -L wording before the value, which differs in spacing: "mark match !", "connmark match !". */
  listPrefix: (invert: boolean) => string;
  /** Tests emitted first (connmark: the packet must have a conntrack). */
  precondition?: (em: Emitter) => void;
}

function formatMark(o: MarkCompareOptions): string {
  return o.mask >>> 0 === U32_MAX ? hex(o.value!) : `${hex(o.value!)}/${hex(o.mask)}`;
}

export function markCompareMatch(spec: MarkCompareSpec): MatchModule<MarkCompareOptions> {
  return {
    name: spec.name,
    options: [{ name: 'mark', args: 1, invertible: true }],
    init: () => ({ mask: U32_MAX, invert: false }),
    parse(opts, option, args, invert, ctx: ParseCtx) {
      if (opts.value !== undefined) ctx.fail(`${spec.name}: "--mark" option may only be specified once`);
      const { value, mask } = parseMarkMask(args[0], spec.name, option, ctx);
      Object.assign(opts, { value, mask, invert });
    },
    finalize(opts, ctx: ParseCtx) {
      if (opts.value === undefined) ctx.fail(`${spec.name}: option "--mark" must be specified`);
    },
    save: (opts) => `${opts.invert ? '! ' : ''}--mark ${formatMark(opts)}`,
    list: (opts) => `${spec.listPrefix(opts.invert)} ${formatMark(opts)}`,
    compile(opts, em) {
      spec.precondition?.(em);
      em.op(OP_MASKEQ, [spec.field, opts.mask, opts.value!], opts.invert);
    },
  };
}
