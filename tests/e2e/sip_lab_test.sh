#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# The SIP lab's own check (tests/e2e/lib/sip_lab.sh), peers only, no ESG:
# kamailio as the operator's registrar / proxy and baresip user agents
# talking to each other directly, in one namespace standing for the
# operator's side (the WAN host's addresses 198.51.100.254 and
# 2001:db8:2::fe; kamailio on port 5060, the UAs on 5070...). It proves
# the pieces sip_call_test.sh builds on, so that a failure there points
# at the ESG, not at the lab:
#
# - digest registration (RFC 3261 10, 22): a right password -> a binding
#   in kamailio's location table; a wrong one -> 401 and REGISTER_FAIL;
# - a call through the proxy (RFC 3261 16, record-routed), audio both
#   ways: RTP established at both UAs, packet counts of both directions;
# - hold and resume (re-INVITE, RFC 3264 8.4): the callee gets an offer;
# - hang-up by either side (BYE);
# - CANCEL before answer (RFC 3261 9): the callee's call closes;
# - early media: a callee in baresip's answermode "early" sends 183 with
#   SDP; the caller gets RTP before the 200 (RFC 3261 13.2.1, RFC 3960).
#
# Exit 0 pass, 1 fail, 77 skipped (not root, no netns, no kamailio or
# baresip).
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

H4=198.51.100.254
H6=2001:db8:2::fe
PW=$SIP_LAB_PASSWORD

lab_init
sip_lab_init
# one namespace, the operator's side; a veth pair inside it only to have
# an interface that is up with the addresses (no dummy module in
# containers)
lab_ns_add "$LAB_NS_WAN"
ip -n "$LAB_NS_WAN" link add op0 type veth peer name op1 || lab_die "veth"
ip -n "$LAB_NS_WAN" link set op0 up
ip -n "$LAB_NS_WAN" link set op1 up
ip -n "$LAB_NS_WAN" addr add "$H4/24" dev op0
ip -n "$LAB_NS_WAN" -6 addr add "$H6/64" dev op0 nodad

sip_lab_kamailio_up "$LAB_NS_WAN" "$H4" "$H6"
ok "kamailio up on $H4:5060 and [$H6]:5060"

# --- registration ------------------------------------------------------------------
sip_lab_ua_up bob "$LAB_NS_WAN" "$H6" 5070 \
	"<sip:bob@[$H6]>;auth_pass=$PW;answermode=auto;regint=60"
check "bob registers with digest (baresip reginfo OK)" \
	sip_lab_ua_registered bob 10
check "kamailio has bob's binding at [$H6]:5070" \
	sip_lab_kamailio_has_contact bob "[$H6]:5070"
check "kamailio challenged first (401 then 200)" \
	grep -q 'LAB challenge REGISTER sip:bob@' "$SIP_LAB_KAM_LOG"
check "kamailio: no binding for a user that never registered" \
	eval '! sip_lab_kamailio_registered nobody'

sip_lab_ua_up mallory "$LAB_NS_WAN" "$H6" 5078 \
	"<sip:mallory@[$H6]>;auth_pass=wrong-$PW;regint=60"
# the first REGISTER goes out before the control agent connects: ask
# reginfo (the account's state) instead of waiting for the event
reg_refused() {
	local r
	r=$(sip_lab_ua_reginfo mallory)
	echo "   $r"
	grep -q 'ERR' <<<"$r"
}
check "a wrong password: the registration is refused (reginfo ERR)" \
	lab_wait_for 10 "mallory refused" reg_refused
check "a wrong password: no binding in kamailio" \
	eval '! sip_lab_kamailio_registered mallory'
sip_lab_ua_down mallory

# --- a call through the proxy, audio both ways, hold / resume -----------------
sip_lab_ua_up carol "$LAB_NS_WAN" "$H6" 5072 "<sip:carol@[$H6]>;regint=0"
sip_lab_ua_mark bob
sip_lab_ua_mark carol
check "carol dials sip:bob@[$H6] (through kamailio)" \
	sip_lab_ua_cmd carol dial "sip:bob@[$H6]"
check "carol: RTP from bob (CALL_RTPESTAB)" sip_lab_ua_seen carol CALL_RTPESTAB 10
check "bob: RTP from carol (CALL_RTPESTAB)" sip_lab_ua_seen bob CALL_RTPESTAB 10
check "carol: CALL_ESTABLISHED" sip_lab_ua_wait carol CALL_ESTABLISHED 5
check "bob: CALL_ESTABLISHED (answermode auto)" \
	sip_lab_ua_wait bob CALL_ESTABLISHED 5
check "kamailio relayed the INVITE and its 200" \
	grep -q 'LAB reply 200 .* to INVITE' "$SIP_LAB_KAM_LOG"
sleep 1
check "carol puts the call on hold (re-INVITE)" sip_lab_ua_cmd carol hold
check "bob: the hold offer arrives (CALL_REMOTE_SDP offer)" \
	eval 'sip_lab_ua_wait bob CALL_REMOTE_SDP 5 &&
		sip_lab_ua_last bob | jq -e ".param == \"offer\"" >/dev/null'
check "carol resumes (re-INVITE)" sip_lab_ua_cmd carol resume
check "bob: the resume offer arrives" \
	eval 'sip_lab_ua_wait bob CALL_REMOTE_SDP 5 &&
		sip_lab_ua_last bob | jq -e ".param == \"offer\"" >/dev/null'
sleep 2
check "bob hangs up (BYE)" sip_lab_ua_cmd bob hangup
check "carol: CALL_CLOSED" sip_lab_ua_wait carol CALL_CLOSED 5
check "bob: CALL_CLOSED" sip_lab_ua_wait bob CALL_CLOSED 5
# 20 ms packets for about 3 s: at least 100 each way; what one sent the
# other received (the same host, no loss)
rtp_ok() {
	local c b
	c=$(sip_lab_ua_rtp carol 5) && b=$(sip_lab_ua_rtp bob 5) || return 1
	echo "   carol tx rx: $c; bob tx rx: $b"
	set -- $c $b
	[ "$1" -ge 100 ] && [ "$2" -ge 100 ] && [ "$3" -ge 100 ] &&
		[ "$4" -ge 100 ] &&
		[ $(($1 - $4)) -le 5 ] && [ $(($4 - $1)) -le 5 ] &&
		[ $(($3 - $2)) -le 5 ] && [ $(($2 - $3)) -le 5 ]
}
check "audio both ways: >= 100 RTP packets each way, sent = received (+-5)" rtp_ok

# --- CANCEL before answer ------------------------------------------------------------
sip_lab_ua_up dave "$LAB_NS_WAN" "$H6" 5074 \
	"<sip:dave@[$H6]>;auth_pass=$PW;answermode=manual;regint=60"
check "dave registers" sip_lab_ua_registered dave 10
sip_lab_ua_mark carol
sip_lab_ua_mark dave
check "carol dials dave (manual answer)" sip_lab_ua_cmd carol dial "sip:dave@[$H6]"
check "dave: CALL_INCOMING" sip_lab_ua_wait dave CALL_INCOMING 5
check "carol: CALL_RINGING (180)" sip_lab_ua_wait carol CALL_RINGING 5
check "carol hangs up before the answer (CANCEL)" sip_lab_ua_cmd carol hangup
check "dave: CALL_CLOSED" sip_lab_ua_wait dave CALL_CLOSED 5
check "kamailio saw the CANCEL" grep -q 'LAB request CANCEL' "$SIP_LAB_KAM_LOG"
check "dave: never established" sip_lab_ua_no_event dave CALL_ESTABLISHED 1

# --- early media -------------------------------------------------------------------------
# baresip's answermode "early" answers 183 with SDP and plays no media of
# its own until the 200; the caller sends to the 183's SDP at once. So the
# early media of this lab flows caller -> callee (the dialog is early,
# the offer/answer done: RFC 3261 13.2.1, RFC 3264).
check "dave: answermode early" sip_lab_ua_cmd dave answermode early
sip_lab_ua_mark carol
sip_lab_ua_mark dave
check "carol dials dave (early media)" sip_lab_ua_cmd carol dial "sip:dave@[$H6]"
check "carol: CALL_PROGRESS (183 with SDP)" sip_lab_ua_wait carol CALL_PROGRESS 5
check "dave: RTP from carol in the early dialog (CALL_RTPESTAB)" \
	sip_lab_ua_seen dave CALL_RTPESTAB 10
check "carol: not established yet" sip_lab_ua_no_event carol CALL_ESTABLISHED 1
check "dave answers" sip_lab_ua_cmd dave accept
check "carol: CALL_ESTABLISHED" sip_lab_ua_wait carol CALL_ESTABLISHED 5
check "carol hangs up" sip_lab_ua_cmd carol hangup
check "dave: CALL_CLOSED" sip_lab_ua_wait dave CALL_CLOSED 5

if [ $fails -ne 0 ]; then
	echo "$fails check(s) failed; files in $SIP_LAB_DIR"
	exit 1
fi
echo "all checks passed"
exit 0
