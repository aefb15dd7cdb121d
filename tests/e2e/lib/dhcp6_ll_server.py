#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""A DHCPv6 server that only offers a link-local address (prov_v6_test.sh,
case linklocal). Kea cannot be made to offer fe80::/10, so this answers
every SOLICIT (RFC 8415 18.3.1) with an ADVERTISE whose IA_NA holds
fe80::1234, preference 255, to the client's link-local address, port 546.
PKT-EUE-PROV 6.2.1.2: "The eUE MUST reject DHCP offers (i.e., DHCPv6
ADVERTISE messages) with link-local IPv6 addresses".

Usage: dhcp6_ll_server.py IFACE COUNT_FILE
Each SOLICIT answered appends a line "solicit TRID SRC" to COUNT_FILE; a
REQUEST (which must never come) appends "request ...". Runs until killed.
Scapy builds and parses the messages; plain sockets carry them.
"""
import socket
import struct
import sys

from scapy.layers.dhcp6 import (DHCP6_Advertise, DHCP6_Solicit,
                                DHCP6OptClientId, DHCP6OptIA_NA,
                                DHCP6OptIAAddress, DHCP6OptPref,
                                DHCP6OptServerId, DUID_LL)

IFACE, OUT = sys.argv[1], sys.argv[2]
IFINDEX = socket.if_nametoindex(IFACE)

s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, IFACE.encode())
s.bind(("::", 547))
# RFC 8415 7.1: All_DHCP_Relay_Agents_and_Servers
mreq = socket.inet_pton(socket.AF_INET6, "ff02::1:2") + struct.pack("@I", IFINDEX)
s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_JOIN_GROUP, mreq)

server_duid = DUID_LL(lladdr="02:00:00:00:12:34")
log = open(OUT, "a")
while True:
    data, src = s.recvfrom(2048)
    if not data:
        continue
    if data[0] == 3:  # REQUEST: the client took the offer (it must not)
        log.write("request %s\n" % src[0])
        log.flush()
        continue
    if data[0] != 1:  # only SOLICIT is answered
        continue
    sol = DHCP6_Solicit(data)
    cid = sol.getlayer(DHCP6OptClientId)
    ia = sol.getlayer(DHCP6OptIA_NA)
    if cid is None or ia is None:
        continue
    adv = (DHCP6_Advertise(trid=sol.trid) /
           DHCP6OptClientId(duid=cid.duid) /
           DHCP6OptServerId(duid=server_duid) /
           DHCP6OptPref(prefval=255) /
           DHCP6OptIA_NA(iaid=ia.iaid, T1=1800, T2=2880,
                         ianaopts=[DHCP6OptIAAddress(addr="fe80::1234",
                                                     preflft=3600,
                                                     validlft=7200)]))
    s.sendto(bytes(adv), (src[0], 546, 0, IFINDEX))
    log.write("solicit %06x %s\n" % (sol.trid, src[0]))
    log.flush()
