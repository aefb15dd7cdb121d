#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Registration mode "per-user" (issue 4 mode (b), docs/registration.md)
# with real peers (tests/e2e/lib/sip_lab.sh): the lab's "sip" section
# with the tenant switched to "per-user" (SIP_LAB_CONF_FILTER), so
#
# - the LAN phone alice (baresip, IPv4) REGISTERs to the ESG, which
#   relays it to the operator (kamailio) with the Contact rewritten to an
#   ESG WAN contact; kamailio's digest challenge goes back to the phone
#   and its answer through (RFC 3261 10, 22.2);
# - kamailio's binding of alice's AOR points at the ESG's WAN address, no
#   LAN address; baresip's reginfo says OK;
# - bob (WAN, IPv6) calls alice's AOR: kamailio finds her binding (no
#   number block), the ESG maps the contact back to alice: answered, RTP
#   both ways at both UAs and on the ESG's legs, bob hangs up;
# - alice calls bob: answered, RTP both ways, alice hangs up;
# - no leg left; no LAN address in anything kamailio received.
#
# Exit 0 pass, 1 fail, 77 skipped.
set -uo pipefail

. "$(dirname "$0")/lib/lab.sh"
. "$(dirname "$0")/lib/sip_lab.sh"

fails=0
ok() { echo "PASS: $*"; }
notok() {
	echo "FAIL: $*"
	fails=$((fails + 1))
}
check() {
	local desc=$1
	shift
	if "$@"; then ok "$desc"; else notok "$desc"; fi
}

W6=2001:db8:2::fe
ESG_L4=192.0.2.1
ESG_W6=2001:db8:2::1
ALICE=+4930123401
BOB=+4940999000

lab_init
sip_lab_init
SIP_LAB_CONF_FILTER='.sip.tenants[0].registration = "per-user"'
sip_lab_up
echo "lab up: instance $LAB_INSTANCE, sip section from $SIP_LAB_CONF_FROM, tenant in mode per-user"

legs_gone() { [ "$(lab_legs_json | jq -r '.in_use')" = 0 ]; }
legs_carry() {
	lab_legs_json | jq -e --argjson n "$1" '.in_use == 2 and
		all(.legs[]; .rx_pkts >= $n and .fwd_pkts >= $n)' >/dev/null
}
rtp_both() {
	local a b
	a=$(sip_lab_ua_rtp "$1" 5) && b=$(sip_lab_ua_rtp "$2" 5) || return 1
	echo "   $1 tx rx: $a; $2 tx rx: $b"
	set -- $a $b
	[ "$1" -ge 100 ] && [ "$2" -ge 100 ] && [ "$3" -ge 100 ] && [ "$4" -ge 100 ]
}
a_call() {
	local caller=$1 callee=$2 uri=$3 ender=$4 other
	[ "$ender" = "$caller" ] && other=$callee || other=$caller
	sip_lab_ua_mark "$caller"
	sip_lab_ua_mark "$callee"
	check "$caller dials $uri" sip_lab_ua_cmd "$caller" dial "$uri" || return
	check "$callee: answered (CALL_ESTABLISHED)" \
		sip_lab_ua_wait "$callee" CALL_ESTABLISHED 15 || return
	check "$caller: CALL_ESTABLISHED" sip_lab_ua_wait "$caller" CALL_ESTABLISHED 5
	check "both UAs: RTP arrives" eval "sip_lab_ua_seen $caller CALL_RTPESTAB 10 &&
		sip_lab_ua_seen $callee CALL_RTPESTAB 10"
	check "esgctl legs: 2 legs, each >= 50 packets received and forwarded" \
		lab_wait_for 5 "legs carry" legs_carry 50
	sleep 2
	check "$ender hangs up" sip_lab_ua_cmd "$ender" hangup
	check "$other: CALL_CLOSED" sip_lab_ua_wait "$other" CALL_CLOSED 5
	check "audio both ways at the UAs (>= 100 packets each way)" rtp_both "$caller" "$callee"
	check "no leg left" lab_wait_for 5 "legs gone" legs_gone
}

sip_lab_ua_up bob "$LAB_NS_WAN" "$W6" 5070 \
	"<sip:$BOB@[$W6]>;auth_pass=$SIP_LAB_PASSWORD;answermode=auto;regint=600"
check "bob registers at kamailio" sip_lab_ua_registered bob 10
# alice's AOR is in the operator's domain; her registrar (outbound
# proxy) is the ESG
sip_lab_ua_up alice "$LAB_NS_LAN" 192.0.2.10 5060 \
	"<sip:$ALICE@$SIP_LAB_DOMAIN>;outbound=\"sip:$ESG_L4\";auth_pass=$SIP_LAB_PASSWORD;answermode=auto;regint=600"
check "alice's REGISTER relayed by the ESG is accepted (reginfo OK)" \
	sip_lab_ua_registered alice 15
check "kamailio challenged alice's relayed REGISTER (digest through the ESG)" \
	grep -q "LAB challenge REGISTER sip:$ALICE@" "$SIP_LAB_KAM_LOG"
check "kamailio binds $ALICE to an ESG WAN contact" \
	lab_wait_for 5 "alice's binding" sip_lab_kamailio_has_contact "$ALICE" "$ESG_W6"
echo "   contact: $(sip_lab_kamailio_contacts "$ALICE")"

echo "== bob (WAN IPv6) -> alice's AOR (per-user binding) -> alice (LAN IPv4)"
a_call bob alice "sip:$ALICE@[$W6]" bob
echo "== alice (LAN IPv4) -> bob (WAN IPv6)"
a_call alice bob "sip:$BOB@$SIP_LAB_DOMAIN" alice

lan_leak() {
	local l
	l=$(grep -nE '192\.0\.2\.|2001:db8:1:' "$SIP_LAB_KAM_LOG" | grep -vE '^[0-9]+:a=ssrc:')
	[ -z "$l" ] && return 0
	head -n 5 <<<"$l" | sed 's/^/   kamailio.log:/'
	return 1
}
check "topology hiding: no LAN address in any SIP message kamailio received" lan_leak
check "esg-controlplane still running" lab_alive "$LAB_CP_PID"

if [ $fails -ne 0 ]; then
	echo "$fails check(s) failed; files in $LAB_DIR"
	exit 1
fi
echo "all checks passed"
exit 0
