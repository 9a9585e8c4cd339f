// The conntrack table and expectations after the replay, kernel (`conntrack -L`, `conntrack -L
// expect`) against nfwasm (its conntrack -L rendering). Compared as sets of lines without the
// remaining-timeout column: the kernel's clock ran on while the tables were read, nfwasm's stops
// at the last packet. Order is not compared either (the kernel lists by hash bucket).

export interface ConntrackComparison {
  onlyKernel: string[];
  onlyNfwasm: string[];
}

/** Entry lines with the timeout (third field of an entry, second of an expectation) blanked. */
export function normalizeConntrack(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#') && !line.startsWith('conntrack v'))
    .map((line) => {
      const fields = line.split(/\s+/);
      // entries: "tcp 6 119 STATE …"; expectations: "300 proto=6 …"
      if (/^\d+$/.test(fields[0])) fields[0] = '*';
      else if (fields.length > 2 && /^\d+$/.test(fields[2])) fields[2] = '*';
      return fields.join(' ');
    })
    .sort();
}

function minus(a: string[], b: string[]): string[] {
  const left = new Map<string, number>();
  for (const x of b) left.set(x, (left.get(x) ?? 0) + 1);
  return a.filter((x) => {
    const n = left.get(x) ?? 0;
    if (n > 0) left.set(x, n - 1);
    return n === 0;
  });
}

export function compareConntrack(kernel: string, nfwasm: string): ConntrackComparison {
  const k = normalizeConntrack(kernel);
  const n = normalizeConntrack(nfwasm);
  return { onlyKernel: minus(k, n), onlyNfwasm: minus(n, k) };
}
