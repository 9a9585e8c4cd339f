// String options as libxtables stores and prints them.

const NO_QUOTE = /^[_\-0-9a-zA-Z]+$/;

/**
 * xtables_save_string: a word of [_-0-9a-zA-Z] is printed as is, anything else (including the
 * empty string) in double quotes with `"`, `\` and `'` escaped by a backslash.
 */
export function saveString(value: string): string {
  if (NO_QUOTE.test(value)) return value;
  return '"' + value.replace(/["\\']/g, (c) => '\\' + c) + '"';
}

/**
 * An XTTYPE_STRING option stored in a fixed char array of `size` bytes: longer text is cut to
 * size-1 bytes without an error (xtopt_parse_string), which is what iptables-legacy saves.
 * Returns the stored text and whether it was cut.
 */
export function storeFixedString(value: string, size: number): { stored: string; truncated: boolean } {
  const bytes = new TextEncoder().encode(value);
  if (bytes.length < size) return { stored: value, truncated: false };
  // Cutting inside a multi-byte character would leave half a character: drop it like a C
  // string printer would show garbage; we prefer the shorter valid text.
  const cut = new TextDecoder('utf-8', { fatal: false }).decode(bytes.slice(0, size - 1)).replace(/\uFFFD$/, '');
  return { stored: cut, truncated: true };
}
