#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Calls through the ESG (issue 4) with real peers (tests/e2e/lib/sip_lab.sh):
#
#   [lan ns]  alice  baresip 192.0.2.10:5060      +4930123401 (IPv4 phone)
#             carol  baresip [2001:db8:1::10]:5060 +4930123402 (IPv6 phone)
#                both REGISTER to the ESG (tenant "acme", mode "trunk")
#       |
#   [esg ns]  esg-dataplane + esg-controlplane (the B2BUA)
#       |      registers the trunk AOR +4930123400 at the operator
#   [wan ns]  kamailio [2001:db8:2::fe]:5060, 198.51.100.254:5060: the
#             operator's registrar / P-CSCF (sip.operator.proxy)
#             bob    baresip [2001:db8:2::fe]:5070 +4940999000 (IPv6),
#                    registered at kamailio
#
# The "sip" section is conf/lab.json's, or sip_lab_default_sip when it
# has none (the log says which). Scenarios, each a PASS/FAIL line:
#
# - registration through the ESG: the trunk AOR bound at kamailio to an
#   ESG WAN contact after digest (RFC 3261 10, 22.2), the PBX phones bound
#   at the ESG's LAN registrar, OPTIONS keep-alive to the proxy;
# - outgoing LAN IPv4 -> WAN IPv6 call: answered, RTP both ways seen by
#   esg-dataplane's per-leg counters (esgctl legs) and by both UAs (RTP
#   established from the ESG's address of each side's family; packets
#   sent and received), hold and resume (re-INVITE relayed, RFC 3264
#   8.4), hang-up from the LAN, every leg gone after;
# - incoming WAN IPv6 -> LAN IPv4 call to a DID of the tenant's block
#   (kamailio routes it to the trunk binding, the ESG to the registered
#   phone), audio both ways, remote hang-up (the WAN party's BYE);
# - CANCEL before the answer (RFC 3261 9): the WAN callee's call closes,
#   no leg left;
# - early media: the callee answers 183 with SDP (baresip answermode
#   "early"); the caller's RTP reaches it through the ESG before the 200;
#   and the other way, from a scripted callee (lib/sip/early_peer.py) that
#   plays RTP in its 183: the LAN caller gets it before the answer;
# - an IPv6 LAN phone calling the IPv6 WAN party (no family change);
# - topology hiding: no LAN address in anything kamailio received, no WAN
#   address in anything the LAN phones received.
#
# Exit 0 pass, 1 fail, 77 skipped (not root, no netns, no kamailio /
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
# a scenario that cannot go on: the rest of it is not run
skip_rest() { echo "FAIL: $* (scenario stopped)"; fails=$((fails + 1)); }

W6=2001:db8:2::fe
ESG_L4=192.0.2.1
ESG_L6=2001:db8:1::1
ESG_W6=2001:db8:2::1
ALICE=+4930123401
CAROL=+4930123402
BOB=+4940999000

lab_init
sip_lab_init
sip_lab_up
echo "lab up: instance $LAB_INSTANCE, ports $LAB_PORTS, sip section from $SIP_LAB_CONF_FROM"
echo "        proxy $SIP_LAB_PROXY, domain $SIP_LAB_DOMAIN, trunk pilot $SIP_LAB_PILOT"

# --- helpers ----------------------------------------------------------------------

legs_in_use() { lab_legs_json | jq -r '.in_use'; }
legs_gone() { [ "$(legs_in_use)" = 0 ]; }
# every leg in use received and forwarded at least N packets
legs_carry() {
	local j
	j=$(lab_legs_json) || return 1
	jq -e --argjson n "$1" '.in_use == 2 and (.legs | length == 2) and
		all(.legs[]; .rx_pkts >= $n and .fwd_pkts >= $n)' <<<"$j" >/dev/null
}
legs_show() {
	lab_legs_json | jq -c '.legs[] | {id, rx_pkts, fwd_pkts, rtcp_pkts, lost,
		latches, drops}' | sed 's/^/   leg /'
}
# the RTP source the UA's last incoming stream came from
ua_rtp_from() {
	grep "incoming rtp for 'audio' established" "$(sip_lab_ua_dir "$1")/log" |
		tail -n 1 | sed 's/.*receiving from //'
}
# ua_rtp_from_is NAME PREFIX: RTP came from the ESG address PREFIX
ua_rtp_from_is() {
	local f
	f=$(ua_rtp_from "$1")
	echo "   $1 receives RTP from $f"
	case $f in "$2"*) return 0 ;; *) return 1 ;; esac
}
# rtp_both A B: after the call, both UAs sent and received >= 100
# packets, and each received at least 90% of what the other sent
rtp_both() {
	local a b
	a=$(sip_lab_ua_rtp "$1" 5) && b=$(sip_lab_ua_rtp "$2" 5) || return 1
	echo "   $1 tx rx: $a; $2 tx rx: $b"
	set -- $a $b
	[ "$1" -ge 100 ] && [ "$2" -ge 100 ] && [ "$3" -ge 100 ] && [ "$4" -ge 100 ] &&
		[ $(($4 * 10)) -ge $(($1 * 9)) ] && [ $(($2 * 10)) -ge $(($3 * 9)) ]
}
# one call set up: CALLER dials URI, both established, RTP both ways
call_up() {
	local caller=$1 callee=$2 uri=$3
	sip_lab_ua_mark "$caller"
	sip_lab_ua_mark "$callee"
	check "$caller dials $uri" sip_lab_ua_cmd "$caller" dial "$uri" || return 1
	check "$caller: RTP arrives (CALL_RTPESTAB)" \
		sip_lab_ua_seen "$caller" CALL_RTPESTAB 15
	check "$callee: RTP arrives (CALL_RTPESTAB)" \
		sip_lab_ua_seen "$callee" CALL_RTPESTAB 10
	check "$callee: the call arrives and is answered (CALL_ESTABLISHED)" \
		sip_lab_ua_wait "$callee" CALL_ESTABLISHED 5 || return 1
	check "$caller: CALL_ESTABLISHED" sip_lab_ua_wait "$caller" CALL_ESTABLISHED 5 ||
		return 1
	check "esgctl legs: 2 legs in use, each received and forwarded >= 50 RTP packets" \
		lab_wait_for 5 "50 packets on both legs" legs_carry 50
	legs_show
}

# --- registration ----------------------------------------------------------------
check "trunk registration: kamailio binds $SIP_LAB_PILOT to the ESG's WAN address" \
	lab_wait_for 20 "trunk binding" sip_lab_kamailio_has_contact "$SIP_LAB_PILOT" "$ESG_W6"
echo "   contact: $(sip_lab_kamailio_contacts "$SIP_LAB_PILOT")"
if [ -n "$SIP_LAB_PASSWORD" ]; then
	check "trunk registration: the ESG answered the digest challenge" \
		grep -q "LAB challenge REGISTER sip:$SIP_LAB_PILOT@" "$SIP_LAB_KAM_LOG"
fi

sip_lab_ua_up alice "$LAB_NS_LAN" 192.0.2.10 5060 \
	"<sip:$ALICE@$ESG_L4>;answermode=auto;regint=600"
sip_lab_ua_up carol "$LAB_NS_LAN" 2001:db8:1::10 5060 \
	"<sip:$CAROL@[$ESG_L6]>;answermode=auto;regint=600"
sip_lab_ua_up bob "$LAB_NS_WAN" "$W6" 5070 \
	"<sip:$BOB@[$W6]>;auth_pass=$SIP_LAB_PASSWORD;answermode=auto;regint=600"
check "PBX phone alice (IPv4) registers at the ESG's LAN registrar" \
	sip_lab_ua_registered alice 10
check "PBX phone carol (IPv6) registers at the ESG's LAN registrar" \
	sip_lab_ua_registered carol 10
check "WAN party bob registers at kamailio" sip_lab_ua_registered bob 10
# kamailio traces a request only once it parsed it; one it refuses
# leaves an ERROR line (printed here)
options_seen() {
	lab_wait_for 15 "OPTIONS at kamailio" grep -q '^OPTIONS sip:' "$SIP_LAB_KAM_LOG" &&
		return 0
	grep -E 'ERROR: .*(parse|duplicate)' "$SIP_LAB_KAM_LOG" | head -n 2 |
		sed 's/^/   kamailio: /'
	return 1
}
check "OPTIONS keep-alive from the ESG reaches the proxy and is parsed" options_seen

# --- outgoing LAN IPv4 -> WAN IPv6, hold / resume, LAN hangs up -------------
echo "== outgoing call: alice (LAN IPv4) -> bob (WAN IPv6)"
if call_up alice bob "sip:$BOB@$ESG_L4"; then
	check "alice (IPv4) gets RTP from the ESG's LAN IPv4 address" \
		ua_rtp_from_is alice "$ESG_L4:"
	check "bob (IPv6) gets RTP from the ESG's WAN IPv6 address" \
		ua_rtp_from_is bob "[$ESG_W6]:"
	sleep 1
	check "alice holds (re-INVITE)" sip_lab_ua_cmd alice hold
	check "bob: the hold offer arrives through the ESG" \
		eval 'sip_lab_ua_wait bob CALL_REMOTE_SDP 5 &&
			sip_lab_ua_last bob | jq -e ".param == \"offer\"" >/dev/null'
	sleep 1
	check "alice resumes (re-INVITE)" sip_lab_ua_cmd alice resume
	check "bob: the resume offer arrives through the ESG" \
		eval 'sip_lab_ua_wait bob CALL_REMOTE_SDP 5 &&
			sip_lab_ua_last bob | jq -e ".param == \"offer\"" >/dev/null'
	before=$(lab_legs_json | jq '[.legs[].fwd_pkts] | add')
	sleep 2
	after=$(lab_legs_json | jq '[.legs[].fwd_pkts] | add')
	check "media flows after the resume (legs forwarded $before -> $after)" \
		test "$((after - before))" -ge 100
	check "alice hangs up" sip_lab_ua_cmd alice hangup
	check "bob: CALL_CLOSED (the ESG relayed the BYE)" \
		sip_lab_ua_wait bob CALL_CLOSED 5
	check "audio both ways at the UAs (>= 100 packets, >= 90% of the peer's)" \
		rtp_both alice bob
	check "no leg left after the call" lab_wait_for 5 "legs gone" legs_gone
else
	skip_rest "outgoing call"
	sip_lab_ua_cmd alice hangup >/dev/null 2>&1
fi

# --- incoming WAN IPv6 -> LAN IPv4, remote hang-up ---------------------------------
echo "== incoming call: bob (WAN IPv6) -> $ALICE (DID of the trunk) -> alice (LAN IPv4)"
if call_up bob alice "sip:$ALICE@[$W6]"; then
	check "kamailio sent it to the trunk binding (number block)" \
		grep -q "LAB block $ALICE via pilot $SIP_LAB_PILOT" "$SIP_LAB_KAM_LOG"
	check "alice (IPv4) gets RTP from the ESG's LAN IPv4 address" \
		ua_rtp_from_is alice "$ESG_L4:"
	sleep 2
	check "bob (the remote party) hangs up" sip_lab_ua_cmd bob hangup
	check "alice: CALL_CLOSED (the ESG relayed the BYE)" \
		sip_lab_ua_wait alice CALL_CLOSED 5
	check "audio both ways at the UAs" rtp_both bob alice
	check "no leg left after the call" lab_wait_for 5 "legs gone" legs_gone
else
	skip_rest "incoming call"
	sip_lab_ua_cmd bob hangup >/dev/null 2>&1
fi

# --- CANCEL before the answer --------------------------------------------------------
echo "== CANCEL: alice -> bob, alice gives up while it rings"
sip_lab_ua_cmd bob answermode manual >/dev/null
sip_lab_ua_mark alice
sip_lab_ua_mark bob
check "alice dials bob (manual answer)" sip_lab_ua_cmd alice dial "sip:$BOB@$ESG_L4"
if check "bob: CALL_INCOMING" sip_lab_ua_wait bob CALL_INCOMING 10; then
	check "alice: CALL_RINGING (180 relayed)" sip_lab_ua_wait alice CALL_RINGING 5
	check "alice hangs up before the answer (CANCEL)" sip_lab_ua_cmd alice hangup
	check "bob: CALL_CLOSED (the ESG CANCELled its INVITE)" \
		sip_lab_ua_wait bob CALL_CLOSED 5
	check "kamailio saw the CANCEL" grep -q 'LAB request CANCEL' "$SIP_LAB_KAM_LOG"
	check "bob: never established" sip_lab_ua_no_event bob CALL_ESTABLISHED 1
	check "no leg left" lab_wait_for 5 "legs gone" legs_gone
else
	skip_rest "CANCEL"
	sip_lab_ua_cmd alice hangup >/dev/null 2>&1
fi

# --- early media ----------------------------------------------------------------------
# baresip 1.0.0's answermode "early" answers 183 with SDP and sends no
# media of its own before the 200; the caller sends at once: early media
# here flows caller -> callee, through legs the ESG installs on the 183.
echo "== early media: bob answers 183 with SDP, alice's RTP reaches him before the 200"
sip_lab_ua_cmd bob answermode early >/dev/null
sip_lab_ua_mark alice
sip_lab_ua_mark bob
check "alice dials bob (early answer)" sip_lab_ua_cmd alice dial "sip:$BOB@$ESG_L4"
if check "alice: CALL_PROGRESS (183 with SDP relayed)" \
	sip_lab_ua_wait alice CALL_PROGRESS 10; then
	check "bob: alice's RTP arrives in the early dialog (CALL_RTPESTAB)" \
		sip_lab_ua_seen bob CALL_RTPESTAB 10
	check "esgctl legs: the early legs forward alice's RTP" \
		lab_wait_for 5 "early RTP forwarded" eval \
		'lab_legs_json | jq -e "[.legs[].fwd_pkts] | add >= 25" >/dev/null'
	check "alice: not established before the answer" \
		sip_lab_ua_no_event alice CALL_ESTABLISHED 1
	check "bob answers (200)" sip_lab_ua_cmd bob accept
	check "alice: CALL_ESTABLISHED" sip_lab_ua_wait alice CALL_ESTABLISHED 5
	check "alice: RTP from bob after the answer (CALL_RTPESTAB)" \
		sip_lab_ua_seen alice CALL_RTPESTAB 10
	sleep 1
	check "alice hangs up" sip_lab_ua_cmd alice hangup
	check "bob: CALL_CLOSED" sip_lab_ua_wait bob CALL_CLOSED 5
	check "no leg left" lab_wait_for 5 "legs gone" legs_gone
else
	skip_rest "early media"
	sip_lab_ua_cmd alice hangup >/dev/null 2>&1
fi
sip_lab_ua_cmd bob answermode auto >/dev/null

# --- early media from the callee (scripted peer) --------------------------------------
# tests/e2e/lib/sip/early_peer.py registers +4940999111 at kamailio,
# answers the INVITE with 183 + SDP, plays 75 RTP packets (1.5 s), then
# 200; it talks 3 s and hangs up (BYE through kamailio and the ESG).
echo "== early media from the callee: a scripted WAN peer plays RTP in its 183, then answers"
EARLY=+4940999111
rm -f "$LAB_DIR/early.ready"
ip netns exec "$LAB_NS_WAN" "$LAB_PY" "$SIP_LAB_LIB/early_peer.py" --addr "$W6" \
	--port 5080 --rtp-port 45000 --user "$EARLY" --password "$SIP_LAB_PASSWORD" \
	--registrar "$W6" --domain "[$W6]" --early-packets 75 --talk 3 --timeout 40 \
	--ready "$LAB_DIR/early.ready" >"$LAB_DIR/early_peer.json" 2>&1 &
early_pid=$!
LAB_PIDS+=("$early_pid")
sip_lab_ua_mark alice
if check "the scripted peer $EARLY registers at kamailio" \
	lab_wait_for 10 "early peer registered" test -s "$LAB_DIR/early.ready"; then
	check "alice dials $EARLY" sip_lab_ua_cmd alice dial "sip:$EARLY@$ESG_L4"
	check "alice: CALL_PROGRESS (183 with SDP relayed)" \
		sip_lab_ua_seen alice CALL_PROGRESS 10
	check "alice: the callee's early RTP arrives (CALL_RTPESTAB)" \
		sip_lab_ua_seen alice CALL_RTPESTAB 10
	t_rtp=$(sip_lab_ua_last alice | jq -r '.time // 0')
	check "alice: CALL_ESTABLISHED (200 after the early media)" \
		sip_lab_ua_wait alice CALL_ESTABLISHED 10
	t_est=$(sip_lab_ua_last alice | jq -r '.time // 0')
	check "alice got RTP before the answer ($t_rtp < $t_est)" \
		eval 'jq -en --argjson a "${t_rtp:-0}" --argjson b "${t_est:-0}" \
			"\$a > 0 and \$a < \$b" >/dev/null'
	check "alice: CALL_CLOSED (the peer's BYE relayed)" \
		sip_lab_ua_wait alice CALL_CLOSED 15
	wait "$early_pid"
	rc=$?
	echo "   peer: $(cat "$LAB_DIR/early_peer.json")"
	check "the peer: call completed (ACK came, its BYE answered) (rc $rc)" \
		eval '[ $rc -eq 0 ] && jq -e ".acked == true and .bye == \"ours\"" "$LAB_DIR/early_peer.json" >/dev/null'
	check "the peer: 75 early packets sent, alice's RTP received from [$ESG_W6]" \
		eval 'jq -e --arg f "$ESG_W6" ".early_sent == 75 and .received >= 100 and
			(.rtp_from | startswith(\$f))" "$LAB_DIR/early_peer.json" >/dev/null'
	check "alice received the early and the answered RTP (>= 150 packets)" \
		eval 'r=$(sip_lab_ua_rtp alice 5) && echo "   alice tx rx: $r" && [ "${r#* }" -ge 150 ]'
	check "no leg left" lab_wait_for 5 "legs gone" legs_gone
else
	skip_rest "early media from the callee: $(cat "$LAB_DIR/early_peer.json")"
fi

# --- IPv6 LAN phone -> IPv6 WAN party ---------------------------------------------------
echo "== outgoing call: carol (LAN IPv6) -> bob (WAN IPv6)"
if call_up carol bob "sip:$BOB@[$ESG_L6]"; then
	check "carol (IPv6) gets RTP from the ESG's LAN IPv6 address" \
		ua_rtp_from_is carol "[$ESG_L6]:"
	sleep 2
	check "carol hangs up" sip_lab_ua_cmd carol hangup
	check "bob: CALL_CLOSED" sip_lab_ua_wait bob CALL_CLOSED 5
	check "audio both ways at the UAs" rtp_both carol bob
	check "no leg left" lab_wait_for 5 "legs gone" legs_gone
else
	skip_rest "IPv6 LAN phone"
	sip_lab_ua_cmd carol hangup >/dev/null 2>&1
fi

# --- topology hiding -------------------------------------------------------------------------
# What one side received may not name the other side's addresses: SIP
# headers and SDP (c=, o=, m=, a=rtcp). baresip puts its AOR into
# "a=ssrc:... cname:" (RFC 5576), an SDP attribute the ESG passes through
# like every attribute it does not know, and RTCP SDES carries the same
# CNAME; those lines are listed as a note, not counted here.
# leak FILE REGEX: lines of FILE matching REGEX, a=ssrc lines apart
leak() {
	local l n
	l=$(grep -nE "$2" "$1" | grep -vE '^[0-9]+:a=ssrc:')
	n=$(grep -nE "$2" "$1" | grep -cE '^[0-9]+:a=ssrc:')
	[ "$n" -gt 0 ] && echo "   note: $n a=ssrc CNAME line(s) of $(basename "$(dirname "$1")")/$(basename "$1") name the other side (passed-through SDP attribute)"
	[ -z "$l" ] && return 0
	head -n 5 <<<"$l" | sed "s|^|   $1:|"
	return 1
}
check "topology hiding: no LAN address in any SIP message kamailio received" \
	leak "$SIP_LAB_KAM_LOG" '192\.0\.2\.|2001:db8:1:'
check "topology hiding: no WAN address in any SIP message alice received" \
	leak "$(sip_lab_ua_dir alice)/log" '198\.51\.100\.|2001:db8:2:'
check "topology hiding: no WAN address in any SIP message carol received" \
	leak "$(sip_lab_ua_dir carol)/log" '198\.51\.100\.|2001:db8:2:'

# --- esgctl sip / calls: the control plane's status document (docs/esgctl.md) ---
# Rewritten every second: each wait is bounded at 3 s.
echo "== esgctl sip / calls during a call: alice -> bob"
cp_json() { "$LAB_CTL_BIN" --instance "$LAB_INSTANCE" "$1" --json; }
cp_sip_ok() {
	cp_json sip | jq -e '.registration.tenants[0].state == "registered" and
		.registration.keepalive.state != "down" and .sip.bound >= 1' >/dev/null
}
cp_no_call() { cp_json calls | jq -e '.calls.total == 0 and (.calls.list | length) == 0' >/dev/null; }
cp_one_call() {
	cp_json calls | jq -e '.calls.total == 1 and (.calls.list | length) == 1 and
		(.calls.list[0] | .state == "connected" and .direction == "out" and
		.family_a == "ipv4" and .family_b == "ipv6" and (.legs | length) == 2)' >/dev/null
}
check "esgctl sip: trunk registered, keep-alive not down, listeners bound" \
	lab_wait_for 3 "status document" cp_sip_ok
check "esgctl calls: no call before" lab_wait_for 3 "no call" cp_no_call
sip_lab_ua_mark alice
sip_lab_ua_mark bob
if check "alice dials bob" sip_lab_ua_cmd alice dial "sip:$BOB@$ESG_L4" &&
	check "alice: CALL_ESTABLISHED" sip_lab_ua_wait alice CALL_ESTABLISHED 15; then
	check "esgctl calls: one connected call, out, ipv4 -> ipv6, 2 legs" \
		lab_wait_for 3 "one call" cp_one_call
	cp_json calls | jq -c '.calls.list[]' | sed 's/^/   /'
	check "alice hangs up" sip_lab_ua_cmd alice hangup
	check "bob: CALL_CLOSED" sip_lab_ua_wait bob CALL_CLOSED 5
	check "esgctl calls: no call after" lab_wait_for 3 "no call" cp_no_call
else
	skip_rest "esgctl during a call"
	sip_lab_ua_cmd alice hangup >/dev/null 2>&1
fi

check "esg-controlplane still running" lab_alive "$LAB_CP_PID"
for u in alice carol bob; do sip_lab_ua_down "$u"; done
lab_stop_controlplane
rc=$?
check "esg-controlplane exits 0 on SIGTERM (rc $rc)" test "$rc" -eq 0

if [ $fails -ne 0 ]; then
	echo "$fails check(s) failed; files in $LAB_DIR"
	exit 1
fi
echo "all checks passed"
exit 0
