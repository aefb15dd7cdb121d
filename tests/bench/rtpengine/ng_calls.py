#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Set up (or delete) N calls on rtpengine over its NG control protocol.

The NG protocol is a cookie, a space and a bencoded dictionary over UDP
(rtpengine's docs "ng_control_protocol"). For every call this sends

  offer   the caller's SDP (generator side: its address, an even port),
          direction [a, b]: the caller is on rtpengine's interface "a",
          the callee on "b"; "address family" IP6 when the callee side is
          IPv6 (rtpengine then rewrites the SDP to its IPv6 address on b);
  answer  the callee's SDP (receiver side: its address, an even port).

The rewritten answer SDP carries the address and port of rtpengine on side
a where the caller must send; the media then leaves rtpengine from side b
to the callee's address and port in the answer.

It writes one line per stream, the file esg-bench-rtpload reads:

  id  src_ip src_port  relay_ip relay_port  dst_ip dst_port

(the generator sends from src to relay; the receiver expects the packet at
dst). `delete` removes the calls again. Every request is bounded: a few
retries with a timeout each, then the script fails.
"""

import argparse
import ipaddress
import os
import socket
import sys

TIMEOUT_S = 2.0
RETRIES = 3


def benc(v):
    if isinstance(v, int):
        return b"i%de" % v
    if isinstance(v, str):
        v = v.encode()
    if isinstance(v, bytes):
        return b"%d:%s" % (len(v), v)
    if isinstance(v, list):
        return b"l" + b"".join(benc(x) for x in v) + b"e"
    if isinstance(v, dict):
        out = b"d"
        for k in sorted(v):
            out += benc(k) + benc(v[k])
        return out + b"e"
    raise TypeError("cannot bencode %r" % type(v))


def bdec(buf, i=0):
    """Decode one bencoded value at buf[i:]; return (value, next index)."""
    if i >= len(buf):
        raise ValueError("truncated bencode")
    c = buf[i:i + 1]
    if c == b"i":
        j = buf.index(b"e", i)
        return int(buf[i + 1:j]), j + 1
    if c == b"l":
        i += 1
        out = []
        while buf[i:i + 1] != b"e":
            v, i = bdec(buf, i)
            out.append(v)
        return out, i + 1
    if c == b"d":
        i += 1
        out = {}
        while buf[i:i + 1] != b"e":
            k, i = bdec(buf, i)
            v, i = bdec(buf, i)
            out[k.decode()] = v
        return out, i + 1
    if c.isdigit():
        j = buf.index(b":", i)
        n = int(buf[i:j])
        if j + 1 + n > len(buf):
            raise ValueError("truncated bencode string")
        return buf[j + 1:j + 1 + n], j + 1 + n
    raise ValueError("bad bencode at %d" % i)


class Ng:
    def __init__(self, host, port):
        fam = socket.AF_INET6 if ":" in host else socket.AF_INET
        self.sock = socket.socket(fam, socket.SOCK_DGRAM)
        self.sock.settimeout(TIMEOUT_S)
        self.dst = (host, port)
        self.n = 0

    def req(self, msg):
        self.n += 1
        cookie = b"%d_%d" % (os.getpid(), self.n)
        data = cookie + b" " + benc(msg)
        for _ in range(RETRIES):
            self.sock.sendto(data, self.dst)
            try:
                while True:
                    rep, _ = self.sock.recvfrom(65535)
                    if rep.startswith(cookie + b" "):
                        break
            except socket.timeout:
                continue
            val, _ = bdec(rep, len(cookie) + 1)
            if val.get("result") != b"ok":
                raise RuntimeError("%s: %r" % (msg["command"], val))
            return val
        raise RuntimeError("%s: no answer from %s:%d" %
                           ((msg["command"],) + self.dst))


def sdp(addr, port, sess):
    ip6 = ipaddress.ip_address(addr).version == 6
    fam = "IP6" if ip6 else "IP4"
    return ("v=0\r\n"
            "o=- %d 1 IN %s %s\r\n"
            "s=esg-bench\r\n"
            "c=IN %s %s\r\n"
            "t=0 0\r\n"
            "m=audio %d RTP/AVP 0\r\n"
            "a=rtpmap:0 PCMU/8000\r\n"
            "a=ptime:20\r\n"
            "a=sendrecv\r\n" % (sess, fam, addr, fam, addr, port))


def sdp_media(body):
    """The connection address and the first audio port of an SDP body."""
    addr = None
    port = None
    for line in body.decode().splitlines():
        if line.startswith("c=IN "):
            addr = line.split()[2]
        elif line.startswith("m=audio ") and port is None:
            port = int(line.split()[1])
    if addr is None or port is None:
        raise RuntimeError("no c= or m=audio in SDP:\n" + body.decode())
    return addr, port


def setup(a):
    ng = Ng(a.ng_host, a.ng_port)
    callee6 = ipaddress.ip_address(a.dst_ip).version == 6
    lines = []
    for i in range(a.calls):
        cid = "%s-%d" % (a.prefix, i)
        sport = a.src_port_base + 2 * i
        dport = a.dst_port_base + 2 * i
        offer = {
            "command": "offer",
            "call-id": cid,
            "from-tag": "ft%d" % i,
            "sdp": sdp(a.src_ip, sport, i + 1),
            "direction": ["a", "b"],
            "ICE": "remove",
            "replace": ["origin", "session-connection"],
        }
        if callee6:
            offer["address family"] = "IP6"
        ng.req(offer)
        ans = ng.req({
            "command": "answer",
            "call-id": cid,
            "from-tag": "ft%d" % i,
            "to-tag": "tt%d" % i,
            "sdp": sdp(a.dst_ip, dport, i + 1),
            "ICE": "remove",
            "replace": ["origin", "session-connection"],
        })
        raddr, rport = sdp_media(ans["sdp"])
        lines.append("%d %s %d %s %d %s %d\n" %
                     (i, a.src_ip, sport, raddr, rport, a.dst_ip, dport))
    with open(a.out, "w") as f:
        f.writelines(lines)
    print("ng_calls: %d calls set up, streams in %s" % (a.calls, a.out))


def ping(a):
    """Bounded wait until rtpengine answers an NG ping with pong."""
    ng = Ng(a.ng_host, a.ng_port)
    ng.sock.settimeout(0.2)
    for _ in range(max(1, int(a.wait / 0.2))):
        try:
            ng.sock.sendto(b"p0 " + benc({"command": "ping"}), ng.dst)
            rep, _ = ng.sock.recvfrom(65535)
        except (socket.timeout, ConnectionRefusedError):
            continue
        if bdec(rep, 3)[0].get("result") == b"pong":
            return
    raise RuntimeError("no pong from %s:%d in %.1f s" % (ng.dst + (a.wait,)))


def delete(a):
    ng = Ng(a.ng_host, a.ng_port)
    for i in range(a.calls):
        ng.req({"command": "delete", "call-id": "%s-%d" % (a.prefix, i),
                "from-tag": "ft%d" % i})
    print("ng_calls: %d calls deleted" % a.calls)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("cmd", choices=["setup", "delete", "ping"])
    p.add_argument("--ng", default="127.0.0.1:2223",
                   help="rtpengine's NG listener, host:port")
    p.add_argument("--calls", type=int, default=0)
    p.add_argument("--wait", type=float, default=10.0,
                   help="ping: give up after this many seconds")
    p.add_argument("--prefix", default="esgbench")
    p.add_argument("--src-ip", default="192.0.2.10")
    p.add_argument("--src-port-base", type=int, default=40000)
    p.add_argument("--dst-ip", default="198.51.100.10")
    p.add_argument("--dst-port-base", type=int, default=40000)
    p.add_argument("--out", default="streams.txt")
    a = p.parse_args()
    host, _, port = a.ng.rpartition(":")
    a.ng_host, a.ng_port = host.strip("[]"), int(port)
    if a.cmd != "ping" and not 1 <= a.calls <= 10000:
        p.error("--calls must be 1..10000")
    try:
        {"setup": setup, "delete": delete, "ping": ping}[a.cmd](a)
    except (RuntimeError, ValueError, OSError) as e:
        print("ng_calls: %s" % e, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
