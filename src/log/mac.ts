// The link-layer part of the LOG line (nf_log_syslog.c dump_mac_header), printed only when the
// packet has an input device. nfwasm records Ethernet addresses only, so the header is
// dst:src:08:00 (IPv4 ethertype); without a recorded MAC the device is taken to have none
// (a tunnel or PPP link), which the kernel prints as an empty "MAC= ".
import { PKT_DSTMAC, PKT_FLAGS, PKT_SRCMAC, PF_HAS_MAC } from '../../assembly/shared/layout.js';

function macText(view: DataView, at: number): string {
  const bytes: string[] = [];
  for (let i = 0; i < 6; i++) bytes.push(view.getUint8(at + i).toString(16).padStart(2, '0'));
  return bytes.join(':');
}

export function dumpMacHeader(view: DataView, pktOff: number, macDecode: boolean): string {
  if (!(view.getUint8(pktOff + PKT_FLAGS) & PF_HAS_MAC)) return 'MAC= ';
  const src = macText(view, pktOff + PKT_SRCMAC);
  const dst = macText(view, pktOff + PKT_DSTMAC);
  if (macDecode) return `MACSRC=${src} MACDST=${dst} MACPROTO=0800 `;
  return `MAC=${dst}:${src}:08:00 `;
}
