// -m owner revision 1 (libxt_owner.c, kernel xt_owner.c): the UID/GID of the local socket that
// sent the packet, or whether there is one. Only locally generated packets have an owner, so the
// kernel allows the match in OUTPUT and POSTROUTING only.
import type { MatchModule, ParseCtx } from '../module.js';
import { OP_OWNER, OW_GID, OW_GID_INV, OW_SOCKET, OW_SOCKET_INV, OW_UID, OW_UID_INV } from '../../../assembly/shared/layout.js';
import { parseXtUintPrefix } from '../target/xt-number.js';
import { requireHooks } from './rule-context.js';

/** (uid_t)-1 is reserved, so ids stop one short of it. */
const MAX_ID = 0xffffffff - 1;

interface IdRange {
  lo: number;
  hi: number;
  invert: boolean;
}

export interface OwnerOptions {
  uid?: IdRange;
  gid?: IdRange;
  socketExists?: { invert: boolean };
  supplGroups: boolean;
}

/**
 * A user or group name would need the passwd/group database of the machine the rules come from;
 * only "root" (0 everywhere) is known offline.
 */
function parseIds(text: string, option: string, ctx: ParseCtx): { lo: number; hi: number } {
  if (text === 'root') return { lo: 0, hi: 0 };
  const bad = (): never => ctx.fail(`owner: Bad value for "--${option}" option: "${text}"`);
  const lo = parseXtUintPrefix(text, MAX_ID);
  if (!lo) {
    if (/^[A-Za-z_][\w.-]*\$?$/.test(text)) {
      ctx.fail(`owner: --${option} ${text}: user and group names cannot be resolved offline; give the numeric id`);
    }
    return bad();
  }
  if (lo.rest === '') return { lo: lo.value, hi: lo.value };
  if (lo.rest[0] !== '-' && lo.rest[0] !== ':') return bad();
  const hi = parseXtUintPrefix(lo.rest.slice(1), MAX_ID);
  if (!hi || hi.rest !== '') return bad();
  return { lo: lo.value, hi: hi.value };
}

function formatIds(r: IdRange): string {
  return r.lo === r.hi ? String(r.lo) : `${r.lo}-${r.hi}`;
}

/** owner_mt_print_item order: socket, UID, GID, supplementary groups. */
function describe(opts: OwnerOptions, labels: { socket: string; uid: string; gid: string; suppl: string }): string {
  const out: string[] = [];
  const inv = (invert: boolean) => (invert ? '! ' : '');
  if (opts.socketExists) out.push(`${inv(opts.socketExists.invert)}${labels.socket}`);
  if (opts.uid) out.push(`${inv(opts.uid.invert)}${labels.uid} ${formatIds(opts.uid)}`);
  if (opts.gid) out.push(`${inv(opts.gid.invert)}${labels.gid} ${formatIds(opts.gid)}`);
  if (opts.supplGroups) out.push(labels.suppl);
  return out.join(' ');
}

export const ownerMatch: MatchModule<OwnerOptions> = {
  name: 'owner',
  options: [
    { name: 'uid-owner', args: 1, invertible: true },
    { name: 'gid-owner', args: 1, invertible: true },
    { name: 'socket-exists', args: 0, invertible: true },
    { name: 'suppl-groups', args: 0 },
  ],
  init: () => ({ supplGroups: false }),
  parse(opts, option, args, invert, ctx: ParseCtx) {
    const once = (given: unknown) => {
      if (given) ctx.fail(`owner: "--${option}" option may only be specified once`);
    };
    switch (option) {
      case 'uid-owner':
        once(opts.uid);
        opts.uid = { ...parseIds(args[0], option, ctx), invert };
        return;
      case 'gid-owner':
        once(opts.gid);
        opts.gid = { ...parseIds(args[0], option, ctx), invert };
        return;
      case 'socket-exists':
        once(opts.socketExists);
        opts.socketExists = { invert };
        return;
      case 'suppl-groups':
        once(opts.supplGroups);
        if (!opts.gid) ctx.fail('owner: Bad value for "--suppl-groups" option: "you need to use --gid-owner first"');
        opts.supplGroups = true;
        return;
    }
  },
  finalize(opts, ctx: ParseCtx) {
    if (!opts.uid && !opts.gid && !opts.socketExists) {
      ctx.fail('owner: At least one of --uid-owner, --gid-owner or --socket-exists is required');
    }
    requireHooks(ctx, 'owner match', ['OUTPUT', 'POSTROUTING']);
  },
  save: (opts) => describe(opts, { socket: '--socket-exists', uid: '--uid-owner', gid: '--gid-owner', suppl: '--suppl-groups' }),
  list: (opts) =>
    describe(opts, { socket: 'owner socket exists', uid: 'owner UID match', gid: 'owner GID match', suppl: 'incl. suppl. groups' }),
  compile(opts, em) {
    let flags = 0;
    if (opts.uid) flags |= OW_UID | (opts.uid.invert ? OW_UID_INV : 0);
    if (opts.gid) flags |= OW_GID | (opts.gid.invert ? OW_GID_INV : 0);
    if (opts.socketExists) flags |= OW_SOCKET | (opts.socketExists.invert ? OW_SOCKET_INV : 0);
    if (opts.supplGroups) em.warn('owner --suppl-groups: supplementary groups are not modelled; only the primary GID is compared');
    em.op(OP_OWNER, [flags, opts.uid?.lo ?? 0, opts.uid?.hi ?? 0, opts.gid?.lo ?? 0, opts.gid?.hi ?? 0]);
  },
};
