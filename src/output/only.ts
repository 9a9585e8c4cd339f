// --only: which records get written. Names are verdicts and ctstates in lower case with '-' for
// '_' (drop, not-forwarded, not-evaluated, invalid, related, …); a record is written when its
// verdict or its ctstate is one of them. Counters and the summary still count every packet.
import type { OutputRecord } from './record.js';

const VERDICTS = ['ACCEPT', 'DROP', 'REJECT', 'NOROUTE', 'NOT_FORWARDED', 'QUEUE', 'DEFRAG', 'TTL_EXCEEDED', 'UNPARSED', 'NOT_EVALUATED'];
const CTSTATES = ['NEW', 'ESTABLISHED', 'RELATED', 'INVALID', 'UNTRACKED'];

const keyword = (name: string) => name.toLowerCase().replaceAll('_', '-');

export const ONLY_KEYWORDS: readonly string[] = [...VERDICTS, ...CTSTATES].map(keyword);

/** Whether a record is written; the names it keeps come with it, for encoders that filter without records. */
export type RecordFilter = ((rec: OutputRecord) => boolean) & { readonly verdicts: ReadonlySet<string>; readonly ctstates: ReadonlySet<string> };

/** The filter for a comma list such as "drop,reject,invalid"; an unknown name is an error that lists the known ones. */
export function parseOnly(list: string): RecordFilter {
  const verdicts = new Set<string>();
  const ctstates = new Set<string>();
  for (const raw of list.split(',')) {
    const word = raw.trim().toLowerCase();
    if (word === '') continue;
    const verdict = VERDICTS.find((v) => keyword(v) === word);
    const ctstate = CTSTATES.find((c) => keyword(c) === word);
    if (verdict) verdicts.add(verdict);
    else if (ctstate) ctstates.add(ctstate);
    else throw new Error(`--only: unknown "${raw.trim()}" (known: ${ONLY_KEYWORDS.join(', ')})`);
  }
  if (verdicts.size === 0 && ctstates.size === 0) throw new Error('--only: no verdict or ctstate given');
  const keep = (rec: OutputRecord) => verdicts.has(rec.verdict) || (rec.ctstate !== undefined && ctstates.has(rec.ctstate));
  return Object.assign(keep, { verdicts, ctstates });
}
