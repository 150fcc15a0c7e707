#!/usr/bin/env python3
"""Write a pcap of 64-byte Ethernet/IPv4/UDP frames with F distinct flows, as
vm1 of the OVN scenario a-ls-portsec sends them to vm2.

usage: gen_traffic.py OUT.pcap FLOWS [PACKETS]

The file holds PACKETS frames (default: FLOWS); frame j belongs to flow
j % FLOWS, so consecutive frames are different flows and every flow recurs
with the same period.  Flow i:

  eth  00:00:00:00:01:01 -> 00:00:00:00:01:02   (vm1 -> vm2, both port-secured)
  ipv4 10.128.0.0 + i   -> 10.0.1.12            (source: vm1's i-th allowed
                                                 address, see gen_flows.py)
  udp  1024 + i % 60000 -> 5000 + i % 16, TTL 64, valid IPv4 header checksum

Frames are 64 bytes as stored (14 + 20 + 8 + 22 bytes of zero payload; no
FCS), the size net_null and testpmd use.  Standard library only.
"""
import struct
import sys

SRC_BASE = (10 << 24) | (128 << 16)
DST_IP = (10 << 24) | (0 << 16) | (1 << 8) | 12
ETH = bytes.fromhex("000000000102" "000000000101") + b"\x08\x00"
FRAME_LEN = 64
MAX_FLOWS = 1 << 20  # keeps the sources inside 10.128.0.0/12


def ip_checksum(hdr):
    s = sum(struct.unpack("!10H", hdr))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


def frame(i):
    payload = bytes(FRAME_LEN - 14 - 20 - 8)
    udp_len = 8 + len(payload)
    ip = struct.pack("!BBHHHBBHII", 0x45, 0, 20 + udp_len, i & 0xFFFF, 0, 64, 17, 0,
                     SRC_BASE + i, DST_IP)
    ip = ip[:10] + struct.pack("!H", ip_checksum(ip)) + ip[12:]
    udp = struct.pack("!HHHH", 1024 + i % 60000, 5000 + i % 16, udp_len, 0)
    f = ETH + ip + udp + payload
    assert len(f) == FRAME_LEN
    return f


def main():
    if len(sys.argv) not in (3, 4):
        sys.exit(__doc__)
    out, flows = sys.argv[1], int(sys.argv[2])
    packets = int(sys.argv[3]) if len(sys.argv) == 4 else flows
    if not 1 <= flows <= MAX_FLOWS or packets < flows:
        sys.exit("gen_traffic.py: need 1 <= FLOWS <= %d and PACKETS >= FLOWS" % MAX_FLOWS)
    frames = [frame(i) for i in range(flows)]
    with open(out, "wb") as fh:
        # pcap global header: magic, v2.4, UTC, sigfigs, snaplen, LINKTYPE_ETHERNET
        fh.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        for j in range(packets):
            fh.write(struct.pack("<IIII", j // 1000000, j % 1000000, FRAME_LEN, FRAME_LEN))
            fh.write(frames[j % flows])


if __name__ == "__main__":
    main()
