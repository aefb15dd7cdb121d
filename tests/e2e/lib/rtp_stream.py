#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""An RTP stream for the end-to-end tests: send, receive and check.

  rtp_stream.py send   --bind A:P --to A:P --count N [--interval-ms 20] ...
  rtp_stream.py recv   --bind A:P --count N --expect-from A:P ...
  rtp_stream.py duplex --bind A:P --to A:P --count N --expect-from A:P ...

Addresses: 192.0.2.10:40000 or [2001:db8:2::fe]:40000.

The sender sends N RTP packets (RFC 3550 5.1: V=2, no padding, no
extension, no CSRC; PT 0 (PCMU, RFC 3551) by default; marker on the first;
a fixed SSRC; sequence numbers seq0, seq0+1, ... mod 2^16; timestamps ts0
+ i * ts_step mod 2^32; both ends take the same seq0, ts0 and ts_step)
paced on an absolute schedule, with a payload that is a function of the
sequence number and the SSRC, so every byte can be checked. The receiver checks every packet it gets: source address and
port, the whole RTP header, the payload byte by byte, and the sequence
(each index once, in order). It stops when it has all N (plus a short
linger to catch duplicates), after --idle seconds without a packet once
one came, or at --timeout; then prints one JSON object:

  {"ok": true, "expected": N, "received": N, "lost": 0, "duplicates": 0,
   "reordered": 0, "bad_header": 0, "bad_payload": 0, "bad_source": 0, ...}

ok means: all N received, nothing lost, duplicated, reordered, malformed,
or from another source. Exit 0 when ok (send: when all were sent), 1 when
not, 2 on bad usage. duplex does both on one socket (symmetric RTP, RFC
4961): its JSON has "sent" and "recv".
"""
import argparse
import json
import os
import select
import socket
import struct
import sys
import time

RTP_HDR = struct.Struct("!BBHII")


def parse_addr(s):
    """'A:P' or '[A6]:P' -> (family, (addr, port))."""
    if s.startswith("["):
        host, sep, port = s[1:].partition("]:")
        if not sep:
            raise argparse.ArgumentTypeError(f"bad address '{s}'")
        family = socket.AF_INET6
    else:
        host, sep, port = s.rpartition(":")
        if not sep:
            raise argparse.ArgumentTypeError(f"bad address '{s}'")
        family = socket.AF_INET
    try:
        socket.inet_pton(family, host)
        p = int(port)
    except (OSError, ValueError):
        raise argparse.ArgumentTypeError(f"bad address '{s}'") from None
    if not 0 <= p <= 65535:
        raise argparse.ArgumentTypeError(f"bad port in '{s}'")
    return family, (host, p)


def fmt_addr(sa):
    host, port = sa[0], sa[1]
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def payload(seq, ssrc, size):
    """The payload of sequence number seq: every byte depends on the
    sequence number, the SSRC and its position."""
    base = (seq * 7 + (ssrc & 0xFF)) & 0xFF
    return bytes((base + i * 13) & 0xFF for i in range(size))


def packet(a, idx):
    seq = (a.seq0 + idx) & 0xFFFF
    ts = (a.ts0 + idx * a.ts_step) & 0xFFFFFFFF
    b0 = 0x80  # V=2, P=0, X=0, CC=0
    b1 = (0x80 if idx == 0 else 0) | a.pt  # marker on the first
    return RTP_HDR.pack(b0, b1, seq, ts, a.ssrc) + payload(seq, a.ssrc, a.size)


class Checker:
    """Every received packet against what the peer's sender sends."""

    def __init__(self, a):
        self.a = a
        self.expect_from = a.expect_from[1] if a.expect_from else None
        self.seen = bytearray(a.count)
        self.max_idx = -1
        self.c = dict(received=0, duplicates=0, reordered=0, bad_header=0,
                      bad_payload=0, bad_source=0, bad_dscp=0)
        self.dscp_seen = set()
        self.bad_sources = []
        self.first_bad = None
        self.first_rx = None
        self.last_rx = None
        self.source = None

    def bad(self, kind, why):
        self.c[kind] += 1
        if self.first_bad is None:
            self.first_bad = why

    def take(self, data, src, now, dscp):
        a = self.a
        if self.expect_from is not None and (
                socket.inet_pton(a.expect_from[0], src[0])
                != socket.inet_pton(a.expect_from[0], self.expect_from[0])
                or src[1] != self.expect_from[1]):
            self.c["bad_source"] += 1
            if len(self.bad_sources) < 8 and fmt_addr(src) not in self.bad_sources:
                self.bad_sources.append(fmt_addr(src))
            return
        self.source = fmt_addr(src)
        if dscp is not None:
            self.dscp_seen.add(dscp)
            if a.expect_dscp is not None and dscp != a.expect_dscp:
                self.c["bad_dscp"] += 1
        if self.first_rx is None:
            self.first_rx = now
        self.last_rx = now
        if len(data) < RTP_HDR.size:
            self.bad("bad_header", f"{len(data)} bytes: shorter than RTP")
            return
        b0, b1, seq, ts, ssrc = RTP_HDR.unpack_from(data)
        idx = (seq - a.peer_seq0) & 0xFFFF
        if b0 != 0x80:
            self.bad("bad_header", f"seq {seq}: first byte {b0:#x}, not V=2 P=0 X=0 CC=0")
            return
        if (b1 & 0x7F) != a.pt:
            self.bad("bad_header", f"seq {seq}: PT {b1 & 0x7F}, not {a.pt}")
            return
        if ssrc != a.peer_ssrc:
            self.bad("bad_header", f"seq {seq}: SSRC {ssrc:#x}, not {a.peer_ssrc:#x}")
            return
        if idx >= a.count:
            self.bad("bad_header", f"seq {seq}: outside the stream")
            return
        if bool(b1 & 0x80) != (idx == 0):
            self.bad("bad_header", f"seq {seq}: marker {b1 >> 7}")
            return
        want_ts = (a.peer_ts0 + idx * a.ts_step) & 0xFFFFFFFF
        if ts != want_ts:
            self.bad("bad_header", f"seq {seq}: timestamp {ts}, not {want_ts}")
            return
        got, want = data[RTP_HDR.size:], payload(seq, ssrc, a.size)
        if got != want:
            if len(got) != len(want):
                why = f"{len(got)} payload bytes, not {len(want)}"
            else:
                at = next(i for i in range(len(got)) if got[i] != want[i])
                why = f"payload byte {at} is {got[at]:#x}, not {want[at]:#x}"
            self.bad("bad_payload", f"seq {seq}: {why}")
            return
        if self.seen[idx]:
            self.c["duplicates"] += 1
            return
        self.seen[idx] = 1
        self.c["received"] += 1
        if idx < self.max_idx:
            self.c["reordered"] += 1
        else:
            self.max_idx = idx

    def done(self):
        return self.c["received"] == self.a.count

    def report(self):
        a = self.a
        r = dict(self.c)
        r["expected"] = a.count
        r["lost"] = a.count - r["received"]
        missing = [(a.peer_seq0 + i) & 0xFFFF for i in range(a.count) if not self.seen[i]]
        r["missing_seqs"] = missing[:16]
        r["bad_sources"] = self.bad_sources
        r["first_problem"] = self.first_bad
        r["source"] = self.source
        r["ssrc"] = a.peer_ssrc
        r["dscp_seen"] = sorted(self.dscp_seen)
        if self.first_rx is not None and self.last_rx > self.first_rx:
            r["duration_s"] = round(self.last_rx - self.first_rx, 3)
        r["ok"] = (r["received"] == a.count and r["lost"] == 0
                   and all(r[k] == 0 for k in ("duplicates", "reordered",
                                               "bad_header", "bad_payload",
                                               "bad_source", "bad_dscp")))
        return r


def tos_cmsg(ancdata):
    """DSCP (RFC 2474: the upper 6 bits of TOS / Traffic Class) of a
    datagram, from IP_TOS or IPV6_TCLASS ancillary data."""
    for level, kind, data in ancdata:
        if level == socket.IPPROTO_IP and kind == socket.IP_TOS and data:
            return data[0] >> 2
        if (level == socket.IPPROTO_IPV6 and kind == socket.IPV6_TCLASS
                and len(data) >= 4):
            return (struct.unpack("=i", data[:4])[0] & 0xFF) >> 2
    return None


def run(a):
    family = a.bind[0]
    if a.to and a.to[0] != family:
        sys.exit("rtp_stream: --bind and --to differ in family")
    sock = socket.socket(family, socket.SOCK_DGRAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 21)
    if family == socket.AF_INET6:
        sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_RECVTCLASS, 1)
        if a.dscp is not None:
            sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_TCLASS, a.dscp << 2)
    else:
        sock.setsockopt(socket.IPPROTO_IP, socket.IP_RECVTOS, 1)
        if a.dscp is not None:
            sock.setsockopt(socket.IPPROTO_IP, socket.IP_TOS, a.dscp << 2)
    sock.bind(a.bind[1])
    sock.setblocking(False)
    if a.ready:
        with open(a.ready + ".tmp", "w", encoding="ascii") as f:
            f.write(f"{sock.getsockname()[1]}\n")
        os.rename(a.ready + ".tmp", a.ready)
    sending = a.mode in ("send", "duplex")
    receiving = a.mode in ("recv", "duplex")
    chk = Checker(a) if receiving else None
    start = time.monotonic() + a.start_delay
    deadline = time.monotonic() + a.timeout
    sent = send_err = 0
    linger_until = None
    interval = a.interval_ms / 1000.0
    while True:
        now = time.monotonic()
        if now >= deadline:
            break
        if sending and sent < a.count and now >= start + sent * interval:
            try:
                sock.sendto(packet(a, sent), a.to[1])
            except OSError:
                send_err += 1
            sent += 1
            continue
        send_done = not sending or sent == a.count
        if receiving and chk.done() and linger_until is None:
            linger_until = now + a.linger
        if send_done and not receiving:
            break
        if send_done and receiving:
            if linger_until is not None and now >= linger_until:
                break
            if (chk.last_rx is not None and a.idle > 0
                    and now - chk.last_rx >= a.idle):
                break
        wake = deadline
        if sending and sent < a.count:
            wake = min(wake, start + sent * interval)
        if linger_until is not None:
            wake = min(wake, linger_until)
        if receiving and chk.last_rx is not None and a.idle > 0:
            wake = min(wake, chk.last_rx + a.idle)
        timeout = max(0.0, wake - now)
        if not receiving:
            time.sleep(timeout)
            continue
        r, _, _ = select.select([sock], [], [], timeout)
        if r:
            while True:
                try:
                    data, anc, _, src = sock.recvmsg(4096, 64)
                except BlockingIOError:
                    break
                chk.take(data, src, time.monotonic(), tos_cmsg(anc))
    sock.close()
    out = {}
    if sending:
        out["sent"] = dict(sent=sent, send_errors=send_err, count=a.count,
                           ssrc=a.ssrc, to=fmt_addr(a.to[1]),
                           ok=sent == a.count and send_err == 0)
    if receiving:
        out["recv"] = chk.report()
    if a.mode == "send":
        out = out["sent"]
    elif a.mode == "recv":
        out = out["recv"]
    else:
        out["ok"] = out["sent"]["ok"] and out["recv"]["ok"]
    text = json.dumps(out, sort_keys=True)
    if a.json:
        with open(a.json, "w", encoding="ascii") as f:
            f.write(text + "\n")
    print(text, flush=True)
    return 0 if out["ok"] else 1


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("mode", choices=("send", "recv", "duplex"))
    ap.add_argument("--bind", type=parse_addr, required=True,
                    help="own address:port")
    ap.add_argument("--to", type=parse_addr, help="send to address:port")
    ap.add_argument("--expect-from", type=parse_addr,
                    help="accept only this source address:port")
    ap.add_argument("--count", type=int, default=250)
    ap.add_argument("--interval-ms", type=float, default=20.0)
    ap.add_argument("--ssrc", type=lambda s: int(s, 0), default=0x11223344)
    ap.add_argument("--seq0", type=int, default=1000)
    ap.add_argument("--ts0", type=int, default=160000)
    ap.add_argument("--peer-ssrc", type=lambda s: int(s, 0),
                    help="SSRC to expect (default: --ssrc)")
    ap.add_argument("--peer-seq0", type=int, help="default: --seq0")
    ap.add_argument("--peer-ts0", type=int, help="default: --ts0")
    ap.add_argument("--ts-step", type=int, default=160,
                    help="timestamp units per packet (160: 20 ms at 8 kHz); "
                    "with another --interval-ms, give interval x 8 to both "
                    "ends, or RFC 3550 A.8 jitter shows the difference")
    ap.add_argument("--pt", type=int, default=0)
    ap.add_argument("--dscp", type=int, help="send with this DSCP (0..63)")
    ap.add_argument("--expect-dscp", type=int,
                    help="receive: every packet must carry this DSCP")
    ap.add_argument("--size", type=int, default=160, help="payload bytes")
    ap.add_argument("--timeout", type=float, default=30.0,
                    help="seconds, whatever happens")
    ap.add_argument("--idle", type=float, default=2.0,
                    help="receive: stop after this long without a packet")
    ap.add_argument("--linger", type=float, default=0.2,
                    help="receive: wait this long after the last expected")
    ap.add_argument("--start-delay", type=float, default=0.0)
    ap.add_argument("--ready", help="once bound, write the bound port here")
    ap.add_argument("--json", help="also write the report here")
    a = ap.parse_args()
    if a.mode in ("send", "duplex") and not a.to:
        ap.error("--to is needed to send")
    if a.mode in ("recv", "duplex") and not a.expect_from:
        ap.error("--expect-from is needed to receive")
    if not 1 <= a.count <= 65536:
        ap.error("--count: 1..65536 (one sequence number cycle)")
    if not 0 <= a.pt <= 127 or not 0 <= a.size <= 1400:
        ap.error("--pt 0..127, --size 0..1400")
    for v in (a.dscp, a.expect_dscp):
        if v is not None and not 0 <= v <= 63:
            ap.error("--dscp, --expect-dscp: 0..63")
    if a.interval_ms <= 0:
        ap.error("--interval-ms must be positive")
    for k in ("seq0", "peer_seq0"):
        v = getattr(a, k)
        if v is not None and not 0 <= v <= 0xFFFF:
            ap.error(f"--{k.replace('_', '-')}: 0..65535")
    a.peer_ssrc = a.ssrc if a.peer_ssrc is None else a.peer_ssrc
    a.peer_seq0 = a.seq0 if a.peer_seq0 is None else a.peer_seq0
    a.peer_ts0 = a.ts0 if a.peer_ts0 is None else a.peer_ts0
    return run(a)


if __name__ == "__main__":
    sys.exit(main())
