#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Input capture and expectations of tests/pcap/dp_pcap_test.sh.

  pcap_check.py gen IN.pcap     write the frames the dataplane receives
  pcap_check.py check OUT.pcap  check what it sent (exit 1 with a reason)
"""
import sys

from scapy.all import (ARP, ICMP, IP, UDP, Ether, ICMPv6DestUnreach,
                       ICMPv6EchoReply, ICMPv6EchoRequest, ICMPv6ND_NA,
                       ICMPv6ND_NS, ICMPv6NDOptDstLLAddr,
                       ICMPv6NDOptSrcLLAddr, IPv6, rdpcap, wrpcap)

ESG_MAC = "02:00:00:00:00:01"
PEER = "02:00:00:00:00:02"
ESG4, PEER4 = "192.0.2.1", "192.0.2.2"
ESG6, PEER6 = "2001:db8:1::1", "2001:db8:1::2"


def gen(path):
    e = Ether(dst=ESG_MAC, src=PEER)
    frames = [
        # RFC 826: a request for our address (also teaches us PEER4)
        Ether(dst="ff:ff:ff:ff:ff:ff", src=PEER) /
        ARP(op=1, hwsrc=PEER, psrc=PEER4, pdst=ESG4),
        # RFC 4861: NS to our solicited-node group, with SLLA
        Ether(dst="33:33:ff:00:00:01", src=PEER) /
        IPv6(src=PEER6, dst="ff02::1:ff00:1", hlim=255) /
        ICMPv6ND_NS(tgt=ESG6) / ICMPv6NDOptSrcLLAddr(lladdr=PEER),
        e / IP(src=PEER4, dst=ESG4) / ICMP(id=7, seq=1) / b"pcap-echo4",
        e / IPv6(src=PEER6, dst=ESG6) / ICMPv6EchoRequest(id=7, seq=1,
                                                          data=b"pcap-echo6"),
        # bad IPv4 header checksum: dropped, never answered
        e / IP(src=PEER4, dst=ESG4, chksum=0x1234) / ICMP(id=8, seq=1),
        # NS with hop limit 64: dropped (RFC 4861 7.1.1)
        Ether(dst="33:33:ff:00:00:01", src=PEER) /
        IPv6(src=PEER6, dst="ff02::1:ff00:1", hlim=64) /
        ICMPv6ND_NS(tgt=ESG6) / ICMPv6NDOptSrcLLAddr(lladdr=PEER),
        # exception path: UDP to a closed port; the kernel answers
        # port unreachable through the tun and the dataplane
        e / IP(src=PEER4, dst=ESG4) / UDP(sport=40000, dport=9) / b"exc4",
        e / IPv6(src=PEER6, dst=ESG6) / UDP(sport=40000, dport=9) / b"exc6",
    ]
    wrpcap(path, frames)


def fail(why, pkts):
    print("pcap_check: " + why)
    for p in pkts:
        print("  sent: " + p.summary())
    sys.exit(1)


def csum_ok(p, layer):
    """Rebuild the layer with checksum None: scapy recomputes it."""
    got = p[layer].chksum if hasattr(p[layer], "chksum") else p[layer].cksum
    q = p.copy()
    if hasattr(q[layer], "chksum"):
        q[layer].chksum = None
    else:
        q[layer].cksum = None
    q = Ether(bytes(q))
    want = q[layer].chksum if hasattr(q[layer], "chksum") else q[layer].cksum
    return got == want


def check(path):
    pkts = rdpcap(path)
    found = {}
    for p in pkts:
        if p[Ether].src != ESG_MAC:
            fail("frame not from the ESG's MAC", [p])
        if ARP in p and p[ARP].op == 2:
            if (p[ARP].psrc, p[ARP].hwsrc, p[ARP].pdst, p[ARP].hwdst,
                    p[Ether].dst) != (ESG4, ESG_MAC, PEER4, PEER, PEER):
                fail("bad ARP reply", [p])
            found["arp"] = p
        elif ICMPv6ND_NA in p:
            na = p[ICMPv6ND_NA]
            if (na.tgt != ESG6 or not na.S or not na.O or na.R or
                    p[IPv6].hlim != 255 or p[IPv6].dst != PEER6 or
                    p[ICMPv6NDOptDstLLAddr].lladdr != ESG_MAC or
                    not csum_ok(p, ICMPv6ND_NA)):
                fail("bad neighbour advertisement", [p])
            found["na"] = p
        elif ICMP in p and p[ICMP].type == 0:
            if (p[IP].src, p[IP].dst, p[ICMP].id, bytes(p[ICMP].payload)) \
                    != (ESG4, PEER4, 7, b"pcap-echo4") or \
                    not csum_ok(p, IP) or not csum_ok(p, ICMP):
                fail("bad echo reply", [p])
            found["echo4"] = p
        elif ICMPv6EchoReply in p:
            r = p[ICMPv6EchoReply]
            if (p[IPv6].src, p[IPv6].dst, r.id, r.data) != \
                    (ESG6, PEER6, 7, b"pcap-echo6") or \
                    not csum_ok(p, ICMPv6EchoReply):
                fail("bad ICMPv6 echo reply", [p])
            found["echo6"] = p
        elif ICMP in p and p[ICMP].type == 3 and p[ICMP].code == 3:
            if (p[IP].src, p[IP].dst, p[Ether].dst) != (ESG4, PEER4, PEER):
                fail("bad port unreachable", [p])
            found["exc4"] = p
        elif ICMPv6DestUnreach in p and p[ICMPv6DestUnreach].code == 4:
            if (p[IPv6].src, p[IPv6].dst, p[Ether].dst) != \
                    (ESG6, PEER6, PEER):
                fail("bad ICMPv6 port unreachable", [p])
            found["exc6"] = p
        elif ICMP in p and p[ICMP].id == 8:
            fail("answered a packet with a bad checksum", [p])
    missing = [k for k in ("arp", "na", "echo4", "echo6", "exc4", "exc6")
               if k not in found]
    if missing:
        fail("missing: " + ", ".join(missing), pkts)
    nas = [p for p in pkts if ICMPv6ND_NA in p]
    if len(nas) != 1:
        fail("expected one NA (the hop-limit-64 NS must be dropped)", nas)
    print("pcap_check: %d frames sent, all expected replies present"
          % len(pkts))


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in ("gen", "check"):
        sys.exit(__doc__)
    gen(sys.argv[2]) if sys.argv[1] == "gen" else check(sys.argv[2])
