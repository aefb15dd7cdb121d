#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Seed corpus of tests/fuzz/fuzz_dp_relay.c (tests/fuzz/corpus/dp_relay).

Each file is one fuzz input: a byte for the port's capacity per transmit
call (0: unlimited, k: k - 1), then records of ctrl (interface | lcore << 2
| end of burst << 4 | time step << 5), a 2-byte length (bit 14: headroom
of 8 bytes, bit 15: two mbufs) and the frame. Addresses, ports and legs are
those of fuzz_dp_relay.c (keep both in step).

  /usr/bin/python3 tests/fuzz/gen_dp_relay_corpus.py [OUTDIR]
"""
import os
import struct
import sys

from scapy.layers.inet import ICMP, IP, UDP
from scapy.layers.inet6 import IPv6, IPv6ExtHdrFragment
from scapy.layers.l2 import ARP, Dot1Q, Ether
from scapy.packet import Raw

LAN, WAN, DMZ = 0, 1, 2
IF_MAC = ["02:00:00:00:00:01", "02:00:00:00:00:03", "02:00:00:00:00:05"]
IF_VLAN = [0, 100, 0]
IF_A4 = ["192.0.2.1", "198.51.100.1", "203.0.113.1"]
IF_A6 = ["2001:db8:1::1", "2001:db8:2::1", "2001:db8:3::1"]
SRC_MAC = ["02:00:00:00:00:02", "02:00:00:00:00:fe", "02:00:00:00:00:07"]
PEER4, PEER6 = "192.0.2.2", "2001:db8:1::2"
FAR4, FAR6 = "198.18.0.5", "2001:db8:ff::5"
DMZ4, DMZ6 = "203.0.113.2", "2001:db8:3::2"


def rtp(seq, ssrc=0x1234, pt=0, n=40):
    return (struct.pack("!BBHII", 0x80, pt, seq, seq * 160, ssrc) +
            bytes((i * 7 + seq) & 0xff for i in range(n)))


def rtcp_sr(ssrc=0x1234):
    # RFC 3550 6.4.1: SR without report blocks, 7 words
    return struct.pack("!BBHI", 0x80, 200, 6, ssrc) + bytes(20)


def stun():
    # RFC 5389 binding request: first byte 0 (RFC 7983 demux: STUN)
    return struct.pack("!HHI", 0x0001, 0, 0x2112A442) + bytes(12)


def l2(ifc):
    e = Ether(dst=IF_MAC[ifc], src=SRC_MAC[ifc])
    if IF_VLAN[ifc]:
        e = e / Dot1Q(vlan=IF_VLAN[ifc])
    return e


def udp(ifc, fam, src, sport, dport, payload, tos=0, csum=None, dst=None):
    if fam == 4:
        ip = IP(src=src, dst=dst or IF_A4[ifc], tos=tos)
    else:
        ip = IPv6(src=src, dst=dst or IF_A6[ifc], tc=tos)
    u = UDP(sport=sport, dport=dport)
    if csum is not None:
        u.chksum = csum
    return bytes(l2(ifc) / ip / u / Raw(payload))


def rec(ifc, frame, lc=0, end=False, step=0, small_head=False,
        chained=False):
    ctrl = ifc | lc << 2 | (0x10 if end else 0) | step << 5
    lw = len(frame) | (0x4000 if small_head else 0) | \
        (0x8000 if chained else 0)
    return struct.pack("!BH", ctrl, lw) + frame


def seeds():
    s = {}
    # v4 RTP: leg 1 latches, its RTCP port, leg 11 (VLAN) back to it
    s["v4_rtp"] = bytes([0]) + b"".join([
        rec(LAN, udp(LAN, 4, PEER4, 30000, 20000, rtp(1)), end=True),
        rec(LAN, udp(LAN, 4, PEER4, 30001, 20001, rtcp_sr()), end=True),
        rec(WAN, udp(WAN, 4, FAR4, 40000, 24000, rtp(7, 0x99), tos=0xb9),
            step=1, end=True),
    ])
    # v6 RTP (leg 2, SAME_IP) to v4 (leg 12 latches, STRICT) and back
    s["v6_rtp"] = bytes([0]) + b"".join([
        rec(LAN, udp(LAN, 6, PEER6, 30002, 20002, rtp(1), tos=0x2e)),
        rec(LAN, udp(LAN, 6, PEER6, 30002, 20002, rtp(2)), end=True),
        rec(WAN, udp(WAN, 4, FAR4, 40002, 24002, rtp(9, 0x77)), step=2,
            end=True),
        rec(WAN, udp(WAN, 4, FAR4, 40099, 24002, rtp(10, 0x77)), step=5,
            end=True),
    ])
    # RFC 5761 RTCP on the RTP port: leg 2 (mux) and leg 8 (mux)
    s["rtcp_mux"] = bytes([0]) + b"".join([
        rec(LAN, udp(LAN, 6, PEER6, 30002, 20002, rtcp_sr()), end=True),
        rec(LAN, udp(LAN, 6, PEER6, 30002, 20002, rtp(3)), end=True),
        rec(LAN, udp(LAN, 6, PEER6, 30012, 20012, rtcp_sr(5)), end=True),
        rec(LAN, udp(LAN, 4, PEER4, 30000, 20000, rtcp_sr(6)), end=True),
    ])
    # VLAN: v6 on the wan (leg 7, relatch after 50 ms) to leg 8
    s["vlan_v6"] = bytes([0]) + b"".join([
        rec(WAN, udp(WAN, 6, FAR6, 40006, 24006, rtp(1)), lc=1, end=True),
        rec(WAN, udp(WAN, 6, FAR6, 40106, 24006, rtp(2)), lc=1, end=True),
        rec(WAN, udp(WAN, 6, FAR6, 40106, 24006, rtp(3)), lc=1, step=3,
            end=True),
        rec(WAN, udp(WAN, 6, FAR6, 40007, 24007, rtcp_sr()), lc=1,
            end=True),
        rec(LAN, udp(LAN, 6, PEER6, 30012, 20012, rtp(4)), lc=2, end=True),
    ])
    # STUN and DTLS to media ports: media_not_rtp
    s["stun"] = bytes([0]) + b"".join([
        rec(LAN, udp(LAN, 4, PEER4, 30000, 20000, stun())),
        rec(LAN, udp(LAN, 4, PEER4, 30000, 20000,
                     bytes([22, 0xfe, 0xfd]) + bytes(20))),
        rec(LAN, udp(LAN, 4, PEER4, 30000, 20000, rtp(1)), end=True),
    ])
    # fragments: IPv4 MF set, IPv6 fragment header
    f4 = bytes(l2(LAN) / IP(src=PEER4, dst=IF_A4[LAN], flags="MF") /
               UDP(sport=30000, dport=20000) / Raw(rtp(1)))
    f6 = bytes(l2(LAN) / IPv6(src=PEER6, dst=IF_A6[LAN]) /
               IPv6ExtHdrFragment(m=1, id=7) /
               UDP(sport=30002, dport=20002) / Raw(rtp(1)))
    s["fragments"] = bytes([0]) + rec(LAN, f4) + rec(LAN, f6, end=True)
    # v4 -> v6: leg 13 latches (no remote), then leg 3 (STRICT) to it;
    # a missing IPv4 checksum is computed towards IPv6
    s["v4_to_v6"] = bytes([0]) + b"".join([
        rec(WAN, udp(WAN, 6, FAR6, 40004, 24004, rtp(1)), end=True),
        rec(LAN, udp(LAN, 4, PEER4, 30004, 20004, rtp(2)), end=True),
        rec(LAN, udp(LAN, 4, PEER4, 30004, 20004, rtp(3), csum=0),
            end=True),
        rec(LAN, udp(LAN, 4, PEER4, 30005, 20005, rtcp_sr()), end=True),
        rec(LAN, udp(LAN, 4, PEER4, 30099, 20004, rtp(4)), end=True),
    ])
    # policing (leg 4: 50 pps, burst 4) towards an unresolved neighbour
    s["police"] = bytes([0]) + b"".join(
        rec(LAN, udp(LAN, 6, PEER6, 30006, 20006, rtp(i))) for i in range(8))
    # dmz: v6 -> v4 (MTU 600), back, and v6 dmz -> v4 wan; worker 2 has
    # no queue on the dmz
    s["dmz"] = bytes([0]) + b"".join([
        rec(LAN, udp(LAN, 6, PEER6, 30010, 20010, rtp(1)), lc=2, end=True),
        rec(LAN, udp(LAN, 6, PEER6, 30010, 20010, rtp(2, n=700)), lc=2,
            end=True),
        rec(DMZ, udp(DMZ, 4, DMZ4, 36002, 26002, rtp(3)), lc=1, end=True),
        rec(DMZ, udp(DMZ, 6, DMZ6, 36004, 26004, rtp(4)), lc=1, end=True),
        rec(WAN, udp(WAN, 4, FAR4, 40008, 24008, rtp(5)), lc=0, end=True),
    ])
    # the same leg on two lcores: handed over; a port that takes 1
    s["handoff"] = bytes([2]) + b"".join([
        rec(LAN, udp(LAN, 4, PEER4, 30000, 20000, rtp(1)), lc=1, end=True),
        rec(LAN, udp(LAN, 4, PEER4, 30000, 20000, rtp(2)), lc=2),
        rec(LAN, udp(LAN, 4, PEER4, 30000, 20000, rtp(3)), lc=2),
        rec(LAN, udp(LAN, 4, PEER4, 30000, 20000, rtp(4)), lc=2, end=True),
    ])
    # not media: ARP, ping, an unbound leg, no leg, chained, no headroom
    s["misc"] = bytes([0]) + b"".join([
        rec(LAN, bytes(Ether(dst="ff:ff:ff:ff:ff:ff", src=SRC_MAC[LAN]) /
                       ARP(psrc=PEER4, hwsrc=SRC_MAC[LAN],
                           pdst=IF_A4[LAN]))),
        rec(LAN, bytes(l2(LAN) / IP(src=PEER4, dst=IF_A4[LAN]) /
                       ICMP() / Raw(b"abcdefgh"))),
        rec(LAN, udp(LAN, 4, PEER4, 30008, 20008, rtp(1))),
        rec(LAN, udp(LAN, 4, PEER4, 30008, 21000, rtp(1))),
        rec(LAN, udp(LAN, 6, PEER6, 30002, 20002, rtp(5), csum=0)),
        rec(LAN, udp(LAN, 4, PEER4, 30000, 20000, rtp(2)), chained=True),
        rec(LAN, udp(LAN, 6, PEER6, 30002, 20002, rtp(6)),
            small_head=True, end=True),
        rec(WAN, udp(WAN, 4, FAR4, 40000, 24000, rtp(7)), small_head=True,
            end=True),
        # v4 in, v6 with a VLAN tag out: 24 more header bytes than 8 of
        # headroom give (no_mbuf)
        rec(WAN, udp(WAN, 6, FAR6, 40004, 24004, rtp(8)), end=True),
        rec(LAN, udp(LAN, 4, PEER4, 30004, 20004, rtp(9)), small_head=True,
            end=True),
    ])
    return s


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "corpus", "dp_relay")
    os.makedirs(out, exist_ok=True)
    for name, data in sorted(seeds().items()):
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
