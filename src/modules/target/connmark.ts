// CONNMARK (xt_CONNMARK revision 2, libxt_CONNMARK): set the connection mark, or copy between
// the packet mark and the connection mark through masks, then continue. Every table and chain.
//   set:     ctmark = (ctmark & ~ctmask) ^ value
//   save:    ctmark = (ctmark & ~ctmask) ^ (mark & nfmask)
//   restore: mark   = (mark & ~nfmask) ^ (ctmark & ctmask)
import type { ParseCtx, TargetModule } from '../module.js';
import { T_CONNMARK, CM_SET, CM_SAVE, CM_RESTORE } from '../../../assembly/shared/layout.js';
import { describeXorMark, parseMarkBits, XOR_MARK_OPTIONS, xorMarkFor } from './mark-value.js';
import { forbidTogether, useOnce } from './option-rules.js';
import { hex, parseXtUint, U32_MAX } from './xt-number.js';

type Mode = 'set' | 'save' | 'restore';

export interface ConnmarkOptions {
  mode?: Mode;
  ctmark: number;
  ctmask: number;
  nfmask: number;
  shiftDir: 'left' | 'right';
  shiftBits: number;
  given: string[];
}

const MODE_OPTIONS = [...XOR_MARK_OPTIONS, 'save-mark', 'restore-mark'] as const;
const SHIFT_OPTIONS = ['left-shift-mark', 'right-shift-mark'] as const;
const MASK_OPTIONS = ['ctmask', 'nfmask', 'mask'] as const;

function connmarkText(opts: ConnmarkOptions, save: boolean): string {
  let text: string;
  if (opts.mode === 'set') {
    text = save ? `--set-xmark ${hex(opts.ctmark)}/${hex(opts.ctmask)}` : describeXorMark({ value: opts.ctmark, mask: opts.ctmask });
  } else if (save) {
    text = `--${opts.mode}-mark --nfmask ${hex(opts.nfmask)} --ctmask ${hex(opts.ctmask)}`;
  } else if (opts.nfmask === U32_MAX && opts.ctmask === U32_MAX) {
    text = opts.mode!;
  } else if (opts.nfmask === opts.ctmask) {
    text = `${opts.mode} mask ${hex(opts.nfmask)}`;
  } else if (opts.mode === 'save') {
    text = `save nfmask ${hex(opts.nfmask)} ctmask ~${hex(opts.ctmask)}`;
  } else {
    text = `restore ctmask ${hex(opts.ctmask)} nfmask ~${hex(opts.nfmask)}`;
  }
  if (opts.shiftBits !== 0) text += ` ${save ? '--' : ''}${opts.shiftDir}-shift-mark ${opts.shiftBits}`;
  return save ? text : `CONNMARK ${text}`;
}

export const CONNMARK: TargetModule<ConnmarkOptions> = {
  name: 'CONNMARK',
  options: [
    ...XOR_MARK_OPTIONS.map((name) => ({ name, args: 1 as const })),
    { name: 'save-mark', args: 0 },
    { name: 'restore-mark', args: 0 },
    ...SHIFT_OPTIONS.map((name) => ({ name, args: 1 as const })),
    ...MASK_OPTIONS.map((name) => ({ name, args: 1 as const })),
  ],
  init: () => ({ ctmark: 0, ctmask: U32_MAX, nfmask: U32_MAX, shiftDir: 'left', shiftBits: 0, given: [] }),
  parse(opts, option, args, _invert, ctx: ParseCtx) {
    const isMode = (MODE_OPTIONS as readonly string[]).includes(option);
    if (isMode && opts.mode !== undefined) {
      const previous = opts.given.find((o) => (MODE_OPTIONS as readonly string[]).includes(o))!;
      ctx.fail(`CONNMARK: option "--${option}" cannot be used together with "--${previous}"`);
    }
    useOnce(opts.given, option, 'CONNMARK', ctx);
    // Options write into one structure in the order given, as connmark_tg_parse_v2 does
    // (e.g. --ctmask after --set-xmark overrides the mask the latter set).
    if (option === 'save-mark' || option === 'restore-mark') {
      opts.mode = option === 'save-mark' ? 'save' : 'restore';
    } else if (isMode) {
      const { value, mask } = xorMarkFor(option, args[0], 'CONNMARK', ctx);
      opts.mode = 'set';
      opts.ctmark = value;
      opts.ctmask = mask;
    } else if ((SHIFT_OPTIONS as readonly string[]).includes(option)) {
      const bits = parseXtUint(args[0], 32);
      if (bits === undefined) ctx.fail(`CONNMARK: bad value for option "--${option}", or out of range (0-32)`);
      opts.shiftDir = option === 'left-shift-mark' ? 'left' : 'right';
      opts.shiftBits = bits;
    } else {
      const mask = parseMarkBits(args[0], 'CONNMARK', option, ctx);
      if (option !== 'nfmask') opts.ctmask = mask;
      if (option !== 'ctmask') opts.nfmask = mask;
    }
  },
  finalize(opts, ctx) {
    forbidTogether(opts.given, ['mask', 'ctmask'], 'CONNMARK', ctx);
    forbidTogether(opts.given, ['mask', 'nfmask'], 'CONNMARK', ctx);
    if (opts.mode === undefined) ctx.fail('CONNMARK target: No operation specified');
  },
  save: (opts) => connmarkText(opts, true),
  list: (opts) => connmarkText(opts, false),
  compile(opts, ctx) {
    if (opts.shiftBits !== 0) {
      ctx.warn(`CONNMARK --${opts.shiftDir}-shift-mark ${opts.shiftBits} is not evaluated yet: the marks are copied unshifted`);
    }
    if (opts.mode === 'set') return { kind: T_CONNMARK, args: [CM_SET, opts.ctmark >>> 0, opts.ctmask >>> 0, 0] };
    const mode = opts.mode === 'save' ? CM_SAVE : CM_RESTORE;
    return { kind: T_CONNMARK, args: [mode, opts.ctmask >>> 0, opts.nfmask >>> 0, 0] };
  },
};
