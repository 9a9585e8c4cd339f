// The in/out device field of a chain's classifier (layout.ts CLL_IFACE): the distinct
// interface patterns of the chain's rules, and one class per signature (which patterns a device
// name matches) that some device name can have.
import { CL_IFACE_PATTERNS_MAX } from '../../assembly/shared/layout.js';
import { emptyRow, setBit, type RowPool } from './row-pool.js';
import type { InterfacePattern } from './rule-fields.js';

const IFNAMSIZ = 16;

export interface IfaceTable {
  patterns: InterfacePattern[];
  classes: { signature: number; row: number }[];
}

function signatureOf(name: Uint8Array, patterns: readonly InterfacePattern[]): number {
  let signature = 0;
  patterns.forEach((p, j) => {
    for (let i = 0; i < IFNAMSIZ; i++) if (((name[i] ^ p.name[i]) & p.mask[i]) !== 0) return;
    signature |= 1 << j;
  });
  return signature >>> 0;
}

/**
 * Device names with every signature a real name can have: no device; each pattern's own name; and
 * for each pattern ending in '+', its prefix followed by a byte no pattern names there. A name's
 * signature is decided by the exact names it equals and the '+' prefixes it starts with, and one of
 * these names has each such combination. A signature seen at run time that is not listed simply
 * leaves the field unconstrained.
 */
function representativeNames(patterns: readonly InterfacePattern[]): Uint8Array[] {
  const names: Uint8Array[] = [new Uint8Array(IFNAMSIZ)];
  for (const p of patterns) {
    names.push(p.name);
    const compared = p.mask.indexOf(0);
    const wildcard = compared === -1 ? false : compared === 0 || p.name[compared - 1] !== 0;
    if (!wildcard) continue;
    const used = new Set(patterns.map((q) => q.name[compared]));
    let byte = 1;
    while (used.has(byte) && byte < 0xff) byte++;
    const longer = p.name.slice();
    longer[compared] = byte;
    names.push(longer);
  }
  return names;
}

/** `rules[i]` is rule i's pattern on this device (undefined: any device). */
export function buildIfaceTable(rules: readonly (InterfacePattern | undefined)[], pool: RowPool): IfaceTable {
  const patterns: InterfacePattern[] = [];
  const idOf = new Map<string, number>();
  for (const p of rules) {
    if (!p || idOf.has(p.key) || patterns.length === CL_IFACE_PATTERNS_MAX) continue;
    idOf.set(p.key, patterns.length);
    patterns.push(p);
  }
  const signatures = new Set(representativeNames(patterns).map((name) => signatureOf(name, patterns)));
  const classes = [...signatures].map((signature) => {
    const row = emptyRow(pool);
    rules.forEach((p, rule) => {
      // a pattern past the first CL_IFACE_PATTERNS_MAX is not tabled: the rule stays a candidate
      const id = p ? idOf.get(p.key) : undefined;
      if (id === undefined || (((signature >>> id) & 1) === 1) !== p!.invert) setBit(row, rule);
    });
    return { signature, row: pool.add(row) };
  });
  return { patterns, classes };
}
