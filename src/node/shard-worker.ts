// One shard of a sharded run (src/node/shard.ts): a worker thread with its own Engine, answering
// the main thread's requests in the order they come (classify a batch of packet records, run its
// shard of a capture file on the fused path (shard-capture-job.ts), read the counters, read the
// conntrack table). It parses the ruleset text itself: parsed rulesets carry
// module options that are not meant to cross threads.
import { parentPort, workerData } from 'node:worker_threads';
import { compactTransferables } from '../engine/compact.js';
import { Engine } from '../engine/engine.js';
import { parseRuleset } from '../ruleset/load.js';
import { runCaptureShard, type ShardChunkMessage } from './shard-capture-job.js';
import { flattenCounters } from './shard-merge.js';
import type { ShardRequest, ShardResponse, ShardWorkerData } from './shard.js';

const data = workerData as ShardWorkerData;
const port = parentPort!;

async function main(): Promise<void> {
  const ruleset = parseRuleset(data.rulesText, { filename: data.rulesName });
  const engine = await Engine.create(ruleset, data.host, data.conntrack === undefined ? {} : { conntrack: data.conntrack });
  let noticesSent = 0;
  const freshNotices = () => {
    const fresh = engine.notices.slice(noticesSent);
    noticesSent = engine.notices.length;
    return fresh;
  };
  port.postMessage({ id: 0, ok: true, value: { warnings: engine.warnings, modes: engine.conntrackModes(), conntrack: engine.conntrackEnabled, labels: engine.compactLabels } } satisfies ShardResponse);
  port.on('message', (req: ShardRequest) => {
    if (req.kind === 'exit') process.exit(0);
    if (req.kind === 'capture') {
      const send = (chunk: ShardChunkMessage) => port.postMessage({ id: req.id, chunk } satisfies ShardResponse, [chunk.bytes.buffer as ArrayBuffer, chunk.segments.buffer as ArrayBuffer]);
      runCaptureShard(engine, req, send).then(
        (value) => port.postMessage({ id: req.id, ok: true, value } satisfies ShardResponse),
        (err: Error) => port.postMessage({ id: req.id, ok: false, message: err.message } satisfies ShardResponse),
      );
      return;
    }
    try {
      let value: unknown;
      let transfer: ArrayBuffer[] = [];
      if (req.kind === 'classify-compact') {
        engine.noteClaimedCtstate(req.ctstateGiven);
        const batch = engine.classifyCompact(req.records, req.count, req.payloads);
        value = { results: batch, notices: freshNotices() };
        transfer = compactTransferables(batch);
      } else if (req.kind === 'classify') {
        engine.noteClaimedCtstate(req.ctstateGiven);
        value = { results: engine.classify(req.records, req.count, req.payloads), notices: freshNotices() };
      } else if (req.kind === 'counters') {
        value = flattenCounters(engine.countersInto(ruleset));
      } else {
        value = engine.conntrackSnapshot();
      }
      port.postMessage({ id: req.id, ok: true, value } satisfies ShardResponse, transfer);
    } catch (err) {
      port.postMessage({ id: req.id, ok: false, message: (err as Error).message } satisfies ShardResponse);
    }
  });
}

main().catch((err: Error) => port.postMessage({ id: 0, ok: false, message: err.message } satisfies ShardResponse));
