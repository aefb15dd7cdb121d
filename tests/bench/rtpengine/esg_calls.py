#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Plan N calls on esg-dataplane: an esg-legctl script and a streams file.

The same calls rtpengine gets from ng_calls.py, as media legs (docs/
controlplane.md "esg-legctl"). Call i is two legs bound to each other:

  leg 2i    lan  LAN_IP  port P (RTCP P+1)  latch   remote SRC:sport
  leg 2i+1  wan  WAN_IP  port P (RTCP P+1)  latch   remote DST:dport

with P = port_base + 2i (even, RFC 3550 11). LATCH on both is what
rtpengine does by default (it learns the peer from the first packet, the
SDP address until then); the remote is what the SDP of the call would
signal. The generator sends from SRC:sport to LAN_IP:P; the dataplane
relays out of leg 2i+1 to DST:dport, from WAN_IP:P. With an IPv6 WAN_IP
(and DST) every packet is translated (RFC 7915).

The streams file has the format of ng_calls.py (esg-bench-rtpload reads
it): id src_ip src_port relay_ip relay_port dst_ip dst_port.
"""

import argparse
import ipaddress
import sys


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--calls", type=int, required=True)
    p.add_argument("--lan-ip", default="192.0.2.1")
    p.add_argument("--wan-ip", default="198.51.100.1")
    p.add_argument("--port-base", type=int, default=16384,
                   help="first local port (dataplane.media_port_min)")
    p.add_argument("--port-max", type=int, default=32767,
                   help="last local port (dataplane.media_port_max)")
    p.add_argument("--src-ip", default="192.0.2.10")
    p.add_argument("--src-port-base", type=int, default=40000)
    p.add_argument("--dst-ip", default="198.51.100.10")
    p.add_argument("--dst-port-base", type=int, default=40000)
    p.add_argument("--legs-out", required=True)
    p.add_argument("--streams-out", required=True)
    a = p.parse_args()

    fam = {}
    for k in ("lan_ip", "wan_ip", "src_ip", "dst_ip"):
        try:
            fam[k] = ipaddress.ip_address(getattr(a, k)).version
        except ValueError as e:
            p.error(str(e))
    if fam["lan_ip"] != fam["src_ip"] or fam["wan_ip"] != fam["dst_ip"]:
        p.error("a leg and its remote must be of one family")
    if a.port_base % 2:
        p.error("--port-base must be even (RFC 3550 11)")
    last = a.port_base + 2 * a.calls - 1
    if a.calls < 1 or last > a.port_max:
        p.error("--calls must be 1..%d for ports %d..%d" %
                ((a.port_max - a.port_base + 1) // 2, a.port_base,
                 a.port_max))
    if max(a.src_port_base, a.dst_port_base) + 2 * a.calls > 65535:
        p.error("--calls too many for the endpoint port bases")

    legs = []
    streams = []
    for i in range(a.calls):
        port = a.port_base + 2 * i
        sport = a.src_port_base + 2 * i
        dport = a.dst_port_base + 2 * i
        legs.append("add %d lan %s %d latch\n" % (2 * i, a.lan_ip, port))
        legs.append("remote %d %s %d\n" % (2 * i, a.src_ip, sport))
        legs.append("add %d wan %s %d latch\n" % (2 * i + 1, a.wan_ip, port))
        legs.append("remote %d %s %d\n" % (2 * i + 1, a.dst_ip, dport))
        legs.append("bind %d %d\n" % (2 * i, 2 * i + 1))
        streams.append("%d %s %d %s %d %s %d\n" %
                       (i, a.src_ip, sport, a.lan_ip, port, a.dst_ip, dport))
    with open(a.legs_out, "w") as f:
        f.writelines(legs)
    with open(a.streams_out, "w") as f:
        f.writelines(streams)
    return 0


if __name__ == "__main__":
    sys.exit(main())
