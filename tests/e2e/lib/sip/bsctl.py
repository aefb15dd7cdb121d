#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""The control agent of one baresip (tests/e2e/lib/sip_lab.sh).

baresip's ctrl_tcp module serves one TCP connection at a time (a new one
replaces the old), carrying netstrings with JSON: commands in
({"command", "params", "token"}), responses ({"response": true, "ok",
"data", "token"}) and events ({"event": true, "class", "type", "param",
...}) out. This agent holds that one connection for the UA's whole life:

  bsctl.py agent --port P --fifo F --out O [--connect-timeout S]

reads command lines "TOKEN COMMAND [PARAMS]" from the FIFO F and writes
every message baresip sends, one JSON object a line, to O (flushed).
It exits when baresip closes the connection. The shell side writes to
the FIFO and reads O (sip_lab_ua_cmd, sip_lab_ua_wait).
"""
import argparse
import json
import os
import select
import socket
import sys
import time


def netstring(data):
    return str(len(data)).encode() + b":" + data + b","


def parse_netstrings(buf):
    """Complete netstrings from buf: (list of payloads, rest)."""
    out = []
    while True:
        colon = buf.find(b":")
        if colon < 0:
            if len(buf) > 10:
                raise ValueError("bad netstring header %r" % buf[:16])
            return out, buf
        head = buf[:colon]
        if not head.isdigit() or len(head) > 9:
            raise ValueError("bad netstring length %r" % head)
        n = int(head)
        if len(buf) < colon + 1 + n + 1:
            return out, buf
        if buf[colon + 1 + n:colon + 2 + n] != b",":
            raise ValueError("netstring without its comma")
        out.append(buf[colon + 1:colon + 1 + n])
        buf = buf[colon + 2 + n:]


def connect(port, timeout):
    end = time.monotonic() + timeout
    while True:
        try:
            return socket.create_connection(("127.0.0.1", port), timeout=2)
        except OSError:
            if time.monotonic() >= end:
                raise
            time.sleep(0.1)


def agent(args):
    sock = connect(args.port, args.connect_timeout)
    sock.setblocking(False)
    # O_RDWR: the FIFO never reports EOF when a writer closes it
    fifo = os.open(args.fifo, os.O_RDWR | os.O_NONBLOCK)
    out = open(args.out, "a", buffering=1)
    out.write(json.dumps({"agent": "connected", "time": time.time()}) + "\n")
    rbuf = b""
    fbuf = b""
    while True:
        r, _, _ = select.select([sock, fifo], [], [])
        if sock in r:
            data = sock.recv(65536)
            if not data:
                out.write(json.dumps({"agent": "closed",
                                      "time": time.time()}) + "\n")
                return 0
            rbuf += data
            msgs, rbuf = parse_netstrings(rbuf)
            for m in msgs:
                try:
                    obj = json.loads(m.decode("utf-8", "replace"))
                except ValueError:
                    obj = {"agent": "undecodable", "raw": m.decode(
                        "utf-8", "replace")}
                obj["time"] = time.time()
                out.write(json.dumps(obj) + "\n")
        if fifo in r:
            fbuf += os.read(fifo, 65536)
            while b"\n" in fbuf:
                line, fbuf = fbuf.split(b"\n", 1)
                words = line.decode().strip().split(" ", 2)
                if len(words) < 2:
                    continue
                cmd = {"command": words[1], "token": words[0]}
                if len(words) == 3 and words[2]:
                    cmd["params"] = words[2]
                sock.setblocking(True)
                sock.sendall(netstring(json.dumps(cmd).encode()))
                sock.setblocking(False)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = p.add_subparsers(dest="what", required=True)
    a = sub.add_parser("agent")
    a.add_argument("--port", type=int, required=True)
    a.add_argument("--fifo", required=True)
    a.add_argument("--out", required=True)
    a.add_argument("--connect-timeout", type=float, default=10)
    args = p.parse_args()
    try:
        return agent(args)
    except (OSError, ValueError) as e:
        print("bsctl: %s" % e, file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
