// wireParse(ctx): the capture parser's entry point (assembly/wire/abi.ts). Tells pcap from pcapng
// by the magic number, then consumes whole units (pcap records, pcapng blocks) from the input
// buffer until one is incomplete, an output area is full, an interface was described or the
// file is corrupt, and says which with a WS_* status.
import { FMT_PCAP, FMT_PCAPNG, WE_BAD_MAGIC, X_FORMAT, X_SWAPPED } from './abi';
import { setFileBigEndian } from './bytes';
import * as context from './context';
import * as pcap from './pcap';
import * as pcapng from './pcapng';

const MAGIC_BYTES: u32 = 4;

function readFileStart(): u32 {
  if (context.available() < MAGIC_BYTES) return context.needInput(0);
  const first = load<u32>(context.cursor());
  if (pcap.isPcapMagic(first)) return pcap.readFileHeader();
  if (first == pcapng.BLOCK_SHB) {
    store<u32>(context.ctx + X_FORMAT, FMT_PCAPNG);
    return 0;
  }
  return context.fail(WE_BAD_MAGIC, first, context.cursorOffset());
}

export function wireParse(ctx: usize): u32 {
  context.loadContext(ctx);
  setFileBigEndian(load<u32>(ctx + X_SWAPPED) != 0);
  let status: u32 = 0;
  while (status == 0) {
    const format = load<u32>(ctx + X_FORMAT);
    if (format == FMT_PCAP) status = pcap.readRecord();
    else if (format == FMT_PCAPNG) status = pcapng.readBlock();
    else status = readFileStart();
  }
  context.saveContext();
  return status;
}
