// The pcapng framing shared by everything in nfwasm that writes pcapng (the annotated copy of a
// capture, the conformance generator, the tests' builders): a block is type, total length, body
// (padded to 4 bytes), total length again; an option is code, length, value padded to 4 bytes.

export const pad4 = (n: number): number => (n + 3) & ~3;

export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** A whole block around `body`, which must already be padded to a multiple of 4 bytes. */
export function pcapngBlock(type: number, body: Uint8Array, little: boolean): Uint8Array {
  const total = 12 + body.length;
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  view.setUint32(0, type, little);
  view.setUint32(4, total, little);
  out.set(body, 8);
  view.setUint32(total - 4, total, little);
  return out;
}

/** One option: code, value length, value padded to 4 bytes (an option list ends with code 0). */
export function pcapngOption(code: number, value: Uint8Array, little: boolean): Uint8Array {
  const out = new Uint8Array(4 + pad4(value.length));
  const view = new DataView(out.buffer);
  view.setUint16(0, code, little);
  view.setUint16(2, value.length, little);
  out.set(value, 4);
  return out;
}
