// Comma lists of keywords as the state/conntrack/addrtype parsers read them: each item is
// compared with strncasecmp(item, KEYWORD, strlen(item)), so any non-empty prefix of a keyword is
// accepted ("EST" = ESTABLISHED) and the first keyword in table order wins.

export type KeywordTable = ReadonlyArray<readonly [name: string, bits: number]>;

function keywordBits(item: string, table: KeywordTable): number | undefined {
  if (item === '') return undefined;
  const lower = item.toLowerCase();
  const hit = table.find(([name]) => name.toLowerCase().startsWith(lower));
  return hit?.[1];
}

/** The OR of the items' bits, or the first item that names no keyword. */
export function parseKeywordList(text: string, table: KeywordTable): { bits: number } | { bad: string } {
  let bits = 0;
  for (const item of text.split(',')) {
    const b = keywordBits(item, table);
    if (b === undefined) return { bad: item };
    bits |= b;
  }
  return { bits };
}

/** Names of the set bits in `order`, comma-separated. */
export function formatKeywords(bits: number, order: KeywordTable): string {
  return order.filter(([, b]) => (bits & b) !== 0).map(([name]) => name).join(',');
}
