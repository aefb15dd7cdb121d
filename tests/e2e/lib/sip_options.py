#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""One SIP OPTIONS over UDP (RFC 3261 11, 18.1.1), one answer.

usage: sip_options.py [--timeout S] [--expect CODE] DST [PORT]

Prints the status line of the answer. Exit 0 when the answer has the
expected code (default 200) and matches the request (same Call-ID and
CSeq, our Via branch, RFC 3261 17.1.3), 1 on another answer, 2 when
nothing came back in time.
"""
import argparse
import random
import socket
import sys


def build(local_host, local_port, dst, port, branch, call_id, tag):
    host = f"[{dst}]" if ":" in dst else dst
    lhost = f"[{local_host}]" if ":" in local_host else local_host
    lines = [
        f"OPTIONS sip:{host}:{port} SIP/2.0",
        f"Via: SIP/2.0/UDP {lhost}:{local_port};branch={branch};rport",
        "Max-Forwards: 70",
        f"To: <sip:{host}:{port}>",
        f"From: <sip:probe@{lhost}>;tag={tag}",
        f"Call-ID: {call_id}",
        "CSeq: 1 OPTIONS",
        f"Contact: <sip:probe@{lhost}:{local_port}>",
        "Accept: application/sdp",
        "Content-Length: 0",
        "",
        "",
    ]
    return "\r\n".join(lines).encode()


def header(msg, name):
    for line in msg.split("\r\n")[1:]:
        if not line:
            break
        k, _, v = line.partition(":")
        if k.strip().lower() == name.lower():
            return v.strip()
    return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--timeout", type=float, default=3.0)
    ap.add_argument("--expect", type=int, default=200)
    ap.add_argument("dst")
    ap.add_argument("port", type=int, nargs="?", default=5060)
    a = ap.parse_args()

    fam = socket.AF_INET6 if ":" in a.dst else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_DGRAM)
    s.settimeout(a.timeout)
    s.connect((a.dst, a.port))
    local = s.getsockname()
    rnd = random.getrandbits(48)
    branch = f"z9hG4bK{rnd:x}"
    call_id = f"{rnd:x}@esg-lab"
    s.send(build(local[0], local[1], a.dst, a.port, branch, call_id,
                 f"{rnd & 0xffff:x}"))
    try:
        data = s.recv(65535)
    except (socket.timeout, ConnectionRefusedError) as e:
        print(f"no answer from {a.dst}:{a.port}: {e or 'timeout'}")
        return 2
    msg = data.decode(errors="replace")
    status = msg.split("\r\n", 1)[0]
    print(status)
    parts = status.split(" ", 2)
    if len(parts) < 2 or parts[0] != "SIP/2.0" or not parts[1].isdigit():
        print("not a SIP response", file=sys.stderr)
        return 1
    via = header(msg, "Via") or header(msg, "v") or ""
    cid = header(msg, "Call-ID") or header(msg, "i")
    if cid != call_id or \
            header(msg, "CSeq") != "1 OPTIONS" or branch not in via:
        print("response does not match the request", file=sys.stderr)
        return 1
    return 0 if int(parts[1]) == a.expect else 1


if __name__ == "__main__":
    sys.exit(main())
