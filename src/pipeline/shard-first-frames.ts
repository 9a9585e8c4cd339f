// Where each verdict and ctstate first appeared in a shard's packets, for the summary of a sharded
// run (src/node/shard-tally.ts), which lists them in the order of first appearance in the input.
import { RES_CTSTATE, RES_SIZE, RES_VERDICT } from '../../assembly/shared/layout.js';

/**
 * The first frame (index in the capture) at which each verdict and each ctstate code appeared in
 * the shard's evaluated packets, read off their results: the summary lists them in the order of
 * first appearance, which the shards' bulk tallies (Summary.addCounts) do not carry.
 */
export class FirstFrames {
  readonly verdict = new Float64Array(256).fill(Infinity);
  readonly ctstate = new Float64Array(256).fill(Infinity);

  /** `count` results at `res` (RES_SIZE apart), of the packets of frames firstFrame + frameOf[from + k]. */
  note(bytes: Uint8Array, res: number, count: number, frameOf: Uint32Array, from: number, firstFrame: number): void {
    for (let k = 0; k < count; k++) {
      const r = res + k * RES_SIZE;
      const verdict = bytes[r + RES_VERDICT];
      const ctstate = bytes[r + RES_CTSTATE];
      if (this.verdict[verdict] === Infinity) this.verdict[verdict] = firstFrame + frameOf[from + k];
      if (this.ctstate[ctstate] === Infinity) this.ctstate[ctstate] = firstFrame + frameOf[from + k];
    }
  }
}
