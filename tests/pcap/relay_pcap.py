#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Frames and expectations of tests/pcap/relay_pcap_test.sh (the relay).

  relay_pcap.py legs                   the LEG_* script for pcap_legs
  relay_pcap.py feed LAN WAN GO        write the input captures into the
                                       FIFOs LAN and WAN: headers at once
                                       (net_pcap opens them at probe), the
                                       frames in phases, once the files
                                       GO, GO.2, GO.3 exist (see feed())
  relay_pcap.py check LAN_OUT... -- WAN_OUT...
                                       compare what was sent, byte for byte,
                                       with frames scapy builds itself

net_pcap reads its rx_pcap from the moment the port starts; the legs are
installed over the command ring only after that. The FIFOs hold the
frames back until pcap_legs has had every RESULT.
"""
import os
import struct
import sys
import time

from scapy.all import (ARP, IP, UDP, Ether, ICMPv6ND_NA, ICMPv6ND_NS,
                       ICMPv6NDOptSrcLLAddr, IPv6, Raw, rdpcap)

ESG_LAN_MAC, ESG_WAN_MAC = "02:00:00:00:00:01", "02:00:00:00:00:03"
PEER_MAC, GW_MAC = "02:00:00:00:00:02", "02:00:00:00:00:fe"
LAN4, LAN6, WAN4, WAN6 = ("192.0.2.1", "2001:db8:1::1", "198.51.100.1",
                          "2001:db8:2::1")
PEER4, PEER6, GW4, GW6 = ("192.0.2.2", "2001:db8:1::2", "198.51.100.254",
                          "2001:db8:2::fe")
FAR4, FAR6 = "203.0.113.5", "2001:db8:ff::5"
BURST = 32  # DP_BURST

LEGS = """\
# leg 1 (LAN, IPv4, RTCP on 20001, latching) <-> leg 2 (WAN, IPv6, mux)
add 1 0 192.0.2.1 20000 20001 latch
add 2 1 2001:db8:2::1 24000 0 0
remote 1 192.0.2.2 30000 0
remote 2 2001:db8:ff::5 40000 0
dscp 2 46
bind 1 2
# leg 3 (LAN, IPv6) <-> leg 4 (WAN, IPv4)
add 3 0 2001:db8:1::1 20100 0 0
add 4 1 198.51.100.1 24100 0 0
remote 3 2001:db8:1::2 30100 0
remote 4 203.0.113.5 40100 0
bind 3 4
"""


def rtp(seq, ssrc, n=40):
    return (bytes([0x80, 0, seq >> 8, seq & 0xff]) +
            struct.pack("!II", seq * 160, ssrc) +
            bytes((i * 3 + seq) & 0xff for i in range(n)))


RTCP = bytes([0x80, 200, 0, 6]) + struct.pack("!I", 0x51) + bytes(20)
STUN = bytes([0, 1, 0, 0, 0x21, 0x12, 0xa4, 0x42]) + bytes(12)


def lan_frames():
    e = Ether(dst=ESG_LAN_MAC, src=PEER_MAC)
    return [
        Ether(dst="ff:ff:ff:ff:ff:ff", src=PEER_MAC) /
        ARP(op=1, hwsrc=PEER_MAC, psrc=PEER4, pdst=LAN4),
        Ether(dst="33:33:ff:00:00:01", src=PEER_MAC) /
        IPv6(src=PEER6, dst="ff02::1:ff00:1", hlim=255) /
        ICMPv6ND_NS(tgt=LAN6) / ICMPv6NDOptSrcLLAddr(lladdr=PEER_MAC),
        # leg 1: latches 192.0.2.2:30000, to leg 2 (IPv6, EF)
        e / IP(src=PEER4, dst=LAN4) / UDP(sport=30000, dport=20000) /
        Raw(rtp(1, 0x11)),
        e / IP(src=PEER4, dst=LAN4) / UDP(sport=30000, dport=20000) /
        Raw(rtp(2, 0x11)),
        # RTCP on leg 1's RTCP port: out of leg 2's mux port
        e / IP(src=PEER4, dst=LAN4) / UDP(sport=30001, dport=20001) /
        Raw(RTCP),
        # a stranger while the latched source talks: leg_src
        e / IP(src="192.0.2.66", dst=LAN4) / UDP(sport=30000, dport=20000) /
        Raw(rtp(3, 0x66)),
        # no leg on that port: media_no_leg, never the kernel
        e / IP(src=PEER4, dst=LAN4) / UDP(sport=30000, dport=20500) /
        Raw(rtp(4, 0x11)),
        # STUN on a leg (RFC 7983): media_not_rtp for now
        e / IP(src=PEER4, dst=LAN4) / UDP(sport=30000, dport=20000) /
        Raw(STUN),
        # leg 3 (IPv6) to leg 4 (IPv4)
        e / IPv6(src=PEER6, dst=LAN6, tc=0x28) /
        UDP(sport=30100, dport=20100) / Raw(rtp(5, 0x33)),
    ]


def wan_frames():
    e = Ether(dst=ESG_WAN_MAC, src=GW_MAC)
    return [
        Ether(dst="33:33:ff:00:00:01", src=GW_MAC) /
        IPv6(src=GW6, dst="ff02::1:ff00:1", hlim=255) /
        ICMPv6ND_NS(tgt=WAN6) / ICMPv6NDOptSrcLLAddr(lladdr=GW_MAC),
        Ether(dst="ff:ff:ff:ff:ff:ff", src=GW_MAC) /
        ARP(op=1, hwsrc=GW_MAC, psrc=GW4, pdst=WAN4),
        # to leg 2: out of leg 1 to its latched source, DSCP kept
        e / IPv6(src=FAR6, dst=WAN6, tc=0xb8) /
        UDP(sport=40000, dport=24000) / Raw(rtp(10, 0x22)),
        # to leg 4: out of leg 3 (IPv6)
        e / IP(src=FAR4, dst=WAN4, tos=0x88) /
        UDP(sport=40100, dport=24100) / Raw(rtp(11, 0x44)),
    ]


def expected_lan():
    return [
        Ether(dst=PEER_MAC, src=ESG_LAN_MAC) /
        IP(src=LAN4, dst=PEER4, id=0, flags="DF", ttl=64, tos=0xb8) /
        UDP(sport=20000, dport=30000) / Raw(rtp(10, 0x22)),
        Ether(dst=PEER_MAC, src=ESG_LAN_MAC) /
        IPv6(src=LAN6, dst=PEER6, tc=0x88, fl=0, hlim=64) /
        UDP(sport=20100, dport=30100) / Raw(rtp(11, 0x44)),
    ]


def expected_wan():
    e = Ether(dst=GW_MAC, src=ESG_WAN_MAC)
    return [
        e / IPv6(src=WAN6, dst=FAR6, tc=46 << 2, fl=0, hlim=64) /
        UDP(sport=24000, dport=40000) / Raw(rtp(1, 0x11)),
        e / IPv6(src=WAN6, dst=FAR6, tc=46 << 2, fl=0, hlim=64) /
        UDP(sport=24000, dport=40000) / Raw(rtp(2, 0x11)),
        e / IPv6(src=WAN6, dst=FAR6, tc=46 << 2, fl=0, hlim=64) /
        UDP(sport=24000, dport=40000) / Raw(RTCP),
        e / IP(src=WAN4, dst=FAR4, id=0, flags="DF", ttl=64, tos=0x28) /
        UDP(sport=24100, dport=40100) / Raw(rtp(5, 0x33)),
    ]


def pcap_header():
    return struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1)


def pcap_record(frame):
    raw = bytes(frame)
    return struct.pack("<IIII", 0, 0, len(raw), len(raw)) + raw


def wait_for(path):
    for _ in range(300):
        if os.path.exists(path):
            return
        time.sleep(0.05)
    sys.exit("feed: no " + path)


def filler(smac, n):
    """Frames for another MAC (eth_not_ours) that fill a burst."""
    return [Ether(dst="02:00:00:00:00:77", src=smac) /
            IP(src=PEER4, dst=LAN4) / UDP(sport=9, dport=9) / Raw(bytes([i]))
            for i in range(n)]


def feed(lan, wan, go):
    """net_pcap's receive burst reads until it has 32 frames or EOF, and
    the worker polls LAN, WAN, LAN...: each phase is a whole burst on the
    port the worker waits on, and the test moves on (GO, GO.2, GO.3) only
    once the dataplane counted what the phase was for (neigh_added)."""
    fl = open(lan, "wb", buffering=0)
    fl.write(pcap_header())
    fw = open(wan, "wb", buffering=0)
    fw.write(pcap_header())
    lf, wf = lan_frames(), wan_frames()
    wait_for(go)
    # LAN: the peer's ARP and NS (neighbours 1, 2)
    for f in lf[:2] + filler(PEER_MAC, BURST - 2):
        fl.write(pcap_record(f))
    wait_for(go + ".2")
    # WAN: the gateway's NS only (neighbour 3): the IPv6 next hop is known
    # to the workers, the IPv4 one is not
    for f in wf[:1] + filler(GW_MAC, BURST - 1):
        fw.write(pcap_record(f))
    wait_for(go + ".3")
    # LAN media: to IPv6 from the worker, to IPv4 through the main lcore
    # (ARP request); then WAN: the gateway's ARP (which releases the
    # queued packet: same ring, so after it) and the media towards LAN
    for f in lf[2:]:
        fl.write(pcap_record(f))
    fl.close()
    for f in wf[1:]:
        fw.write(pcap_record(f))
    fw.close()


def udp_frames(paths):
    out = []
    for p in paths:
        for f in rdpcap(p):
            if UDP in f:
                out.append(bytes(f))
    return out


def compare(name, got, want):
    ok = True
    for w in want:
        wb = bytes(w)
        if wb in got:
            got.remove(wb)
        else:
            print("%s: missing %s\n  %s" % (name, w.summary(), wb.hex()))
            ok = False
    for g in got:
        print("%s: unexpected %s\n  %s" % (name, Ether(g).summary(), g.hex()))
        ok = False
    return ok


def neighbours(paths, want):
    """ARP/ND the dataplane sent: a request or NS for each next hop."""
    seen = set()
    for p in paths:
        for f in rdpcap(p):
            if ARP in f and f[ARP].op == 1:
                seen.add(f[ARP].pdst)
            elif ICMPv6ND_NS in f:
                seen.add(f[ICMPv6ND_NS].tgt)
            elif ICMPv6ND_NA in f or (ARP in f and f[ARP].op == 2):
                pass
    missing = [w for w in want if w not in seen]
    for m in missing:
        print("no ARP request / NS for %s" % m)
    return not missing


def check(argv):
    sep = argv.index("--")
    lan, wan = argv[:sep], argv[sep + 1:]
    ok = compare("lan", udp_frames(lan), expected_lan())
    ok = compare("wan", udp_frames(wan), expected_wan()) and ok
    ok = neighbours(wan, [GW4]) and ok
    sys.exit(0 if ok else 1)


def main():
    if len(sys.argv) == 2 and sys.argv[1] == "legs":
        sys.stdout.write(LEGS)
    elif len(sys.argv) == 5 and sys.argv[1] == "feed":
        feed(sys.argv[2], sys.argv[3], sys.argv[4])
    elif len(sys.argv) > 3 and sys.argv[1] == "check":
        check(sys.argv[2:])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
