// The event buffer (assembly/shared/layout.ts "Events"): one record per counted rule, policy or
// fallen-off user chain, in traversal order, for the host's matched/trace/LOG output.
import { EVENT_SIZE, PKT_MARK, RF_EVENTS_TRUNCATED } from '../shared/layout';
import { eventsBase, eventsCapacity } from './config';
import * as packet from './packet';

/** Events written so far in this evaluate() call. */
export let eventsUsed: u32 = 0;

export function resetEvents(): void {
  eventsUsed = 0;
}

export function emitEvent(kind: u32, entry: u32): void {
  if (eventsUsed >= eventsCapacity) {
    // Only a packet that started with an empty buffer gets here (evaluate.ts): it alone has more
    // events than the whole buffer holds.
    packet.flags |= RF_EVENTS_TRUNCATED;
    return;
  }
  const at = eventsBase + <usize>eventsUsed * EVENT_SIZE;
  store<u32>(at, packet.index);
  store<u32>(at, (entry << 8) | (<u32>packet.hook << 4) | kind, 4);
  store<u32>(at, load<u32>(packet.record, PKT_MARK), 8);
  eventsUsed++;
}
