#!/usr/bin/env python3
"""Replays a pcapng into the conformance lab, frame by frame in file order.

Each pcapng interface is named as the router sees it (eth0, eth1); the command line maps each
name to the network namespace and device at the other end of that veth pair:

    inject.py CAPTURE eth0=/run/netns/NS:cl0 eth1=/run/netns/NS:sv0 [--gap-ms 2]

One AF_PACKET socket per device, opened inside that device's namespace (setns), so a frame
leaves from the client or server end and arrives at the router's port as captured. Nothing is
sent anywhere else: a name without a mapping is an error.
"""
import ctypes
import os
import socket
import struct
import sys
import time

CLONE_NEWNET = 0x40000000


def setns(path):
    libc = ctypes.CDLL(None, use_errno=True)
    fd = os.open(path, os.O_RDONLY)
    try:
        if libc.setns(fd, CLONE_NEWNET) != 0:
            err = ctypes.get_errno()
            raise OSError(err, f"setns {path}: {os.strerror(err)}")
    finally:
        os.close(fd)


def read_pcapng(path):
    """(interface names, [(interface index, frame bytes)]) of a little-endian pcapng file."""
    data = open(path, "rb").read()
    names, frames, at = [], [], 0
    while at + 12 <= len(data):
        btype, blen = struct.unpack_from("<II", data, at)
        if blen < 12 or at + blen > len(data):
            raise ValueError(f"{path}: bad block at byte {at}")
        body = data[at + 8 : at + blen - 4]
        if btype == 0x0A0D0D0A:
            if struct.unpack_from("<I", body, 0)[0] != 0x1A2B3C4D:
                raise ValueError(f"{path}: only little-endian pcapng is supported")
        elif btype == 1:
            name, opt = None, 8
            while opt + 4 <= len(body):
                code, olen = struct.unpack_from("<HH", body, opt)
                if code == 0:
                    break
                if code == 2:
                    name = body[opt + 4 : opt + 4 + olen].decode()
                opt += 4 + ((olen + 3) & ~3)
            names.append(name)
        elif btype == 6:
            iface, _hi, _lo, caplen, _orig = struct.unpack_from("<IIIII", body, 0)
            frames.append((iface, body[20 : 20 + caplen]))
        at += blen
    return names, frames


def main(argv):
    gap = 0.002
    args = []
    it = iter(argv[1:])
    for a in it:
        if a == "--gap-ms":
            gap = float(next(it)) / 1000
        else:
            args.append(a)
    if len(args) < 2:
        sys.exit(__doc__)
    capture, mappings = args[0], args[1:]
    names, frames = read_pcapng(capture)
    sockets = {}
    for m in mappings:
        name, target = m.split("=", 1)
        ns_path, dev = target.rsplit(":", 1)
        setns(ns_path)
        s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
        s.bind((dev, 0))
        sockets[name] = s
    for i, (iface, frame) in enumerate(frames):
        name = names[iface] if iface < len(names) else None
        if name not in sockets:
            sys.exit(f"{capture}: frame {i + 1} is on interface {name!r}, which has no mapping")
        sockets[name].send(frame)
        time.sleep(gap)
    print(f"sent {len(frames)} frames")


if __name__ == "__main__":
    main(sys.argv)
