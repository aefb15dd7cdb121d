#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""A scripted SIP callee that plays early media (tests/e2e/sip_call_test.sh).

baresip 1.0.0 sends no media of its own before it answers, so the
"ringback / announcement from the callee" kind of early media needs this
peer. Over plain UDP sockets it:

1. REGISTERs USER at the registrar (digest, RFC 3261 22.4 / RFC 2617 with
   qop=auth or without), then waits for one INVITE (bounded);
2. answers 100, then 183 Session Progress with an SDP answer (RFC 3261
   13.2.1, RFC 3264: PCMU, sendrecv, its own RTP address), and sends
   --early-packets RTP packets (20 ms apart) to the offer's c=/m=, while
   counting RTP that arrives;
3. answers 200 with the same SDP (retransmitted until the ACK, RFC 3261
   13.3.1.4), keeps sending RTP until a BYE comes (200 to it) or
   --talk seconds pass, then sends BYE itself;
4. prints one JSON object: registered, invite (request URI, From),
   early_sent, early_received, sent, received, bye ("peer" or "ours"),
   rtp_from (where the RTP came from); exit 0 when the call went through.

Every wait is bounded by --timeout.
"""
import argparse
import hashlib
import json
import os
import random
import select
import socket
import struct
import sys
import time

COMPACT = {"v": "via", "f": "from", "t": "to", "i": "call-id",
           "m": "contact", "l": "content-length", "c": "content-type"}


def parse(data):
    """A SIP message: (first line, [(name, value)], body)."""
    text = data.decode("utf-8", "replace")
    head, _, body = text.partition("\r\n\r\n")
    lines = head.split("\r\n")
    hdrs = []
    for ln in lines[1:]:
        if ln[:1] in (" ", "\t") and hdrs:
            hdrs[-1] = (hdrs[-1][0], hdrs[-1][1] + " " + ln.strip())
            continue
        name, _, val = ln.partition(":")
        name = name.strip().lower()
        hdrs.append((COMPACT.get(name, name), val.strip()))
    return lines[0], hdrs, body


def hget(hdrs, name, all_=False):
    vals = [v for n, v in hdrs if n == name]
    return vals if all_ else (vals[0] if vals else None)


def sdp_target(body):
    """(address, port) of the first audio stream of an SDP."""
    addr = port = None
    for ln in body.splitlines():
        if ln.startswith("c=IN IP"):
            addr = ln.split()[2]
        elif ln.startswith("m=audio "):
            port = int(ln.split()[1])
    return addr, port


class Peer:
    def __init__(self, a):
        self.a = a
        fam = socket.AF_INET6 if ":" in a.addr else socket.AF_INET
        self.fam = fam
        self.sip = socket.socket(fam, socket.SOCK_DGRAM)
        self.sip.bind((a.addr, a.port))
        self.rtp = socket.socket(fam, socket.SOCK_DGRAM)
        self.rtp.bind((a.addr, a.rtp_port))
        self.host = "[%s]" % a.addr if ":" in a.addr else a.addr
        self.deadline = time.monotonic() + a.timeout
        self.seq = random.randint(0, 65535)
        self.ts = random.randint(0, 2 ** 31)
        self.ssrc = random.randint(1, 2 ** 32 - 1)
        self.sent = self.received = 0
        self.rtp_from = None
        self.res = {"registered": False}

    def left(self):
        return max(0.0, self.deadline - time.monotonic())

    def send(self, text, dst):
        self.sip.sendto(text.encode(), dst)

    def recv_sip(self, wait):
        """One SIP message within wait seconds (RTP counted meanwhile)."""
        end = time.monotonic() + min(wait, self.left())
        while True:
            t = end - time.monotonic()
            if t <= 0:
                return None
            r, _, _ = select.select([self.sip, self.rtp], [], [], t)
            if self.rtp in r:
                self.count_rtp()
            if self.sip in r:
                data, src = self.sip.recvfrom(65535)
                return parse(data) + (src,)

    def count_rtp(self):
        while True:
            try:
                data, src = self.rtp.recvfrom(2048, socket.MSG_DONTWAIT)
            except BlockingIOError:
                return
            if len(data) >= 12 and data[0] >> 6 == 2 and data[1] & 0x7f < 64:
                self.received += 1
                self.rtp_from = "%s:%d" % (src[0], src[1])

    def send_rtp(self, dst):
        hdr = struct.pack("!BBHII", 0x80, 0, self.seq & 0xffff,
                          self.ts & 0xffffffff, self.ssrc)
        self.rtp.sendto(hdr + b"\xff" * 160, dst)
        self.seq += 1
        self.ts += 160
        self.sent += 1

    # --- REGISTER --------------------------------------------------------
    def register(self):
        a = self.a
        reg = (a.registrar, 5060)
        callid = "%x@lab" % random.getrandbits(64)
        tag = "%x" % random.getrandbits(32)
        aor = "sip:%s@%s" % (a.user, a.domain)
        auth = ""
        for cseq in (1, 2):
            branch = "z9hG4bK%x" % random.getrandbits(48)
            msg = ("REGISTER sip:%s SIP/2.0\r\n"
                   "Via: SIP/2.0/UDP %s:%d;branch=%s;rport\r\n"
                   "Max-Forwards: 70\r\n"
                   "From: <%s>;tag=%s\r\nTo: <%s>\r\nCall-ID: %s\r\n"
                   "CSeq: %d REGISTER\r\n"
                   "Contact: <sip:%s@%s:%d>\r\nExpires: 300\r\n%s"
                   "Content-Length: 0\r\n\r\n" %
                   (a.domain, self.host, a.port, branch, aor, tag, aor,
                    callid, cseq, a.user, self.host, a.port, auth))
            self.send(msg, reg)
            while True:
                m = self.recv_sip(5)
                if m is None:
                    raise RuntimeError("no answer to REGISTER")
                first, hdrs, _, _ = m
                code = int(first.split()[1]) if first.startswith("SIP/") else 0
                if code >= 200:
                    break
            if code == 200:
                self.res["registered"] = True
                return
            if code != 401 or cseq == 2:
                raise RuntimeError("REGISTER: %s" % first)
            auth = self.digest(hget(hdrs, "www-authenticate"),
                               "REGISTER", "sip:%s" % a.domain)

    def digest(self, chal, method, uri):
        kv = {}
        rest = chal.split(" ", 1)[1]
        for part in rest.split(","):
            k, _, v = part.strip().partition("=")
            kv[k.strip().lower()] = v.strip().strip('"')
        a = self.a
        md5 = lambda s: hashlib.md5(s.encode()).hexdigest()
        ha1 = md5("%s:%s:%s" % (a.user, kv["realm"], a.password))
        ha2 = md5("%s:%s" % (method, uri))
        extra = ""
        if "auth" in kv.get("qop", "").split(","):
            cnonce = "%x" % random.getrandbits(32)
            resp = md5("%s:%s:00000001:%s:auth:%s" %
                       (ha1, kv["nonce"], cnonce, ha2))
            extra = ", qop=auth, nc=00000001, cnonce=\"%s\"" % cnonce
        else:
            resp = md5("%s:%s:%s" % (ha1, kv["nonce"], ha2))
        if "opaque" in kv:
            extra += ", opaque=\"%s\"" % kv["opaque"]
        return ("Authorization: Digest username=\"%s\", realm=\"%s\", "
                "nonce=\"%s\", uri=\"%s\", response=\"%s\", "
                "algorithm=MD5%s\r\n" %
                (a.user, kv["realm"], kv["nonce"], uri, resp, extra))

    # --- the call ---------------------------------------------------------
    def reply(self, req_hdrs, code, reason, src, totag=None, sdp=None,
              dialog=False):
        out = ["SIP/2.0 %d %s" % (code, reason)]
        for v in hget(req_hdrs, "via", True):
            out.append("Via: " + v)
        out.append("From: " + hget(req_hdrs, "from"))
        to = hget(req_hdrs, "to")
        if totag and ";tag=" not in to:
            to += ";tag=" + totag
        out.append("To: " + to)
        out.append("Call-ID: " + hget(req_hdrs, "call-id"))
        out.append("CSeq: " + hget(req_hdrs, "cseq"))
        if dialog:
            for v in hget(req_hdrs, "record-route", True):
                out.append("Record-Route: " + v)
            out.append("Contact: <sip:%s@%s:%d>" %
                       (self.a.user, self.host, self.a.port))
        if sdp:
            out.append("Content-Type: application/sdp")
            out.append("Content-Length: %d" % len(sdp))
            text = "\r\n".join(out) + "\r\n\r\n" + sdp
        else:
            out.append("Content-Length: 0")
            text = "\r\n".join(out) + "\r\n\r\n"
        self.send(text, src)

    def sdp(self):
        ip = "IP6" if self.fam == socket.AF_INET6 else "IP4"
        sid = random.randint(1, 2 ** 31)
        return ("v=0\r\no=- %d 1 IN %s %s\r\ns=-\r\nc=IN %s %s\r\nt=0 0\r\n"
                "m=audio %d RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n"
                "a=sendrecv\r\n" % (sid, ip, self.a.addr, ip, self.a.addr,
                                    self.a.rtp_port))

    def call(self):
        a = self.a
        while True:
            m = self.recv_sip(self.left())
            if m is None:
                raise RuntimeError("no INVITE came")
            first, hdrs, body, src = m
            if first.startswith("INVITE "):
                break
        inv, inv_src = hdrs, src
        self.res["invite"] = {"ruri": first.split()[1],
                              "from": hget(hdrs, "from")}
        addr, port = sdp_target(body)
        if not addr or not port:
            self.reply(inv, 488, "Not Acceptable Here", src)
            raise RuntimeError("INVITE without an audio offer")
        fam_dst = (addr, port) if self.fam == socket.AF_INET else \
            (addr, port, 0, 0)
        totag = "%x" % random.getrandbits(32)
        sdp = self.sdp()
        self.reply(inv, 100, "Trying", src)
        self.reply(inv, 183, "Session Progress", src, totag, sdp, True)
        # early media: our RTP toward the offer, 20 ms apart
        nxt = time.monotonic()
        while self.sent < a.early_packets and self.left() > 0:
            now = time.monotonic()
            if now >= nxt:
                self.send_rtp(fam_dst)
                nxt += 0.02
            m = self.recv_sip(max(0.0, nxt - time.monotonic()))
            if m and m[0].startswith("CANCEL "):
                self.reply(m[1], 200, "OK", m[3])
                self.reply(inv, 487, "Request Terminated", inv_src, totag)
                raise RuntimeError("CANCELled in the early dialog")
        self.count_rtp()
        self.res["early_sent"] = self.sent
        self.res["early_received"] = self.received
        # answer, retransmit the 200 until the ACK (T1 doubling, RFC 3261
        # 13.3.1.4), media on
        self.reply(inv, 200, "OK", inv_src, totag, sdp, True)
        acked = False
        t1 = 0.5
        rtx = time.monotonic() + t1
        talk_end = time.monotonic() + a.talk
        bye = None
        nxt = time.monotonic()
        while self.left() > 0 and time.monotonic() < talk_end:
            now = time.monotonic()
            if now >= nxt:
                self.send_rtp(fam_dst)
                nxt += 0.02
            if not acked and now >= rtx:
                self.reply(inv, 200, "OK", inv_src, totag, sdp, True)
                t1 = min(t1 * 2, 4)
                rtx = now + t1
            m = self.recv_sip(max(0.0, min(nxt, rtx if not acked else nxt)
                                  - time.monotonic()))
            if not m:
                continue
            first, hdrs, _, src = m
            if first.startswith("ACK "):
                acked = True
            elif first.startswith("BYE "):
                self.reply(hdrs, 200, "OK", src)
                bye = "peer"
                break
            elif first.startswith("SIP/"):
                continue
            else:
                # in-dialog refreshes and the like: accept
                self.reply(hdrs, 200, "OK", src, None,
                           sdp if first.startswith("INVITE ") else None,
                           first.startswith("INVITE "))
        self.count_rtp()
        self.res["acked"] = acked
        if bye is None:
            self.send_bye(inv, totag, inv_src)
            bye = "ours"
        self.res["bye"] = bye

    def send_bye(self, inv, totag, dst):
        """BYE to the caller: Route from the Record-Route set, reversed
        (RFC 3261 12.1.1), sent to its first hop (the proxy)."""
        rr = hget(inv, "record-route", True)
        routes = []
        for v in rr:
            routes.extend(x.strip() for x in v.split(","))
        contact = hget(inv, "contact").strip()
        target = contact[contact.find("<") + 1:contact.find(">")] \
            if "<" in contact else contact.split(";")[0]
        cseq = int(hget(inv, "cseq").split()[0]) + 1
        to_tagged = hget(inv, "to") + ";tag=" + totag
        msg = ["BYE %s SIP/2.0" % target,
               "Via: SIP/2.0/UDP %s:%d;branch=z9hG4bK%x;rport" %
               (self.host, self.a.port, random.getrandbits(48)),
               "Max-Forwards: 70", "From: " + to_tagged,
               "To: " + hget(inv, "from"),
               "Call-ID: " + hget(inv, "call-id"),
               "CSeq: %d BYE" % cseq]
        msg += ["Route: " + r for r in routes]
        msg.append("Content-Length: 0")
        self.send("\r\n".join(msg) + "\r\n\r\n", dst)
        self.recv_sip(2)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--addr", required=True, help="own IP address")
    p.add_argument("--port", type=int, default=5080)
    p.add_argument("--rtp-port", type=int, default=45000)
    p.add_argument("--user", required=True)
    p.add_argument("--password", default="")
    p.add_argument("--registrar", required=True, help="registrar IP")
    p.add_argument("--domain", required=True, help="AOR domain")
    p.add_argument("--early-packets", type=int, default=75)
    p.add_argument("--talk", type=float, default=3.0)
    p.add_argument("--timeout", type=float, default=40)
    p.add_argument("--ready", help="file written once registered")
    a = p.parse_args()
    peer = Peer(a)
    ok = False
    try:
        peer.register()
        if a.ready:
            with open(a.ready, "w") as f:
                f.write("registered\n")
        peer.call()
        ok = True
    except (OSError, RuntimeError, ValueError, KeyError, TypeError) as e:
        peer.res["error"] = str(e)
    peer.res.update({"ok": ok, "sent": peer.sent, "received": peer.received,
                     "rtp_from": peer.rtp_from})
    print(json.dumps(peer.res))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
