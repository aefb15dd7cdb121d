#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Issue 5's hand-off, end to end: "the leased addresses ... are applied
# ..., then SIP starts on the right family" (spec 000 8.1.3, spec 001
# 6.3.5; docs/provisioning.md "Hand-off to SIP"). One lab with the
# provisioning servers of tests/e2e/lib/prov_lab.sh and the SIP peers of
# tests/e2e/lib/sip_lab.sh, all in the WAN namespace:
#
#   [lan ns]  alice  baresip 192.0.2.10:5060 +4930123401, registered at
#                    the ESG's LAN registrar (tenant "lab", mode "trunk")
#   [esg ns]  esg-dataplane + esg-controlplane; the WAN interface has NO
#             static IPv4 address: "provisioning": {"mode": "dhcp",
#             "stack": "ipv4"} (as prov_v4_test.sh), the "sip" section of
#             conf/lab.json with the operator proxy at the WAN host's IPv4
#             address (sip:198.51.100.254:5060: signalling family IPv4)
#   [wan ns]  kea-dhcp4 (the one address 198.51.100.100), in.tftpd (the
#             file), a syslog listener; kamailio 198.51.100.254:5060 (the
#             operator's registrar / proxy); bob baresip
#             198.51.100.254:5070 +4940999000 registered at kamailio
#
# Checks (each a PASS/FAIL line):
# - the lease arrives: 198.51.100.100/24 on esg-wan;
# - the trunk REGISTER reaches kamailio from the leased address (every
#   REGISTER kamailio got came from it: none left from another address),
#   digest answered, and kamailio's usrloc binding of the pilot has a
#   Contact with the leased address (cp_reg_wan_changed, cp_route_own_addr);
# - the OPTIONS keep-alive reaches the proxy from the leased address;
# - an OPTIONS from the WAN host to 198.51.100.100:5060 is answered 200
#   (cp_sip_add: a listener on the leased address, lib/sip_options.py);
# - esgctl sip --json: the tenant registered, a bound listener on the
#   leased address;
# - a call alice (LAN) -> bob (WAN) through the trunk: answered, RTP both
#   ways through two legs (esgctl legs), bob gets RTP from the leased
#   address (the c= of the WAN side: cp_route_own_addr);
# - clean stop: esg-controlplane exits 0, kea logs the RELEASE.
#
# Exit 0 pass, 1 fail, 77 skipped (not root, no netns, no kea-dhcp4 /
# in.tftpd / kamailio / baresip).
set -uo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib/lab.sh"
. "$HERE/lib/prov_lab.sh"
. "$HERE/lib/sip_lab.sh"

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
skip_rest() {
	echo "FAIL: $* (scenario stopped)"
	fails=$((fails + 1))
}

W4=198.51.100.254
ESG_L4=192.0.2.1
ALICE=+4930123401
BOB=+4940999000

prov_lab_init
sip_lab_init
LEASE=$PROV_LAB_LEASE
LEASE_RE=${LEASE//./\\.}

# the provisioning file (prov_v4_test.sh's good example): provisioning
# passes; its settings are recorded, not applied
prov_lab_file "$LAB_ROOT/tests/tools/esg-cfgfile/examples/good.txt"
# prov_lab_config drops the sip section (dhcp4 mode); put conf/lab.json's
# back with the proxy at the WAN host's IPv4 address
sip=$(jq -c --arg p "sip:$W4:5060" '.sip | .operator.proxy = $p' \
	"$LAB_ROOT/conf/lab.json") || lab_die "no sip section in conf/lab.json"
PROV_CONF_EXTRA=".sip = $sip"
# kamailio up before esg-controlplane starts (as sip_lab_up has it)
PROV_LAB_BEFORE_CP=sip_lab_operator_up
prov_lab_up dhcp4
echo "lab up: instance $LAB_INSTANCE, ports $LAB_PORTS"
echo "        proxy $SIP_LAB_PROXY, domain $SIP_LAB_DOMAIN, trunk pilot $SIP_LAB_PILOT"
conf_ok() {
	jq -e --arg p "sip:$W4:5060" '(.interfaces[] | select(.role == "wan") |
		has("ipv4") | not) and .sip.operator.proxy == $p and
		.provisioning.mode == "dhcp" and .provisioning.stack == "ipv4"' \
		"$LAB_CONF" >/dev/null
}
check "the configuration: no static IPv4 on the WAN, proxy $W4" conf_ok
check "esg-controlplane listens on UDP 5060 (LAN)" \
	lab_wait_for 20 "control plane on 5060" lab_esg_listening 5060

# --- the lease --------------------------------------------------------------------
# RFC 2131 4.4.1: the first DISCOVER after 1-10 s
check "esg-wan has the leased $LEASE/24" \
	lab_wait_for 30 "lease on esg-wan" prov_lab_esg_has_addr "$LEASE"
check "kea leased $LEASE (DHCP4_LEASE_ALLOC)" \
	lab_wait_for 5 "kea lease" grep -q "DHCP4_LEASE_ALLOC.*$LEASE" "$LAB_DIR/kea-dhcp4.log"

# --- the trunk registration from the leased address ---------------------------------
# cp_reg_wan_changed: the REGISTER leaves at once when the WAN side gains
# an address of the signalling family; digest (RFC 3261 22.2) first
PILOT_RE=${SIP_LAB_PILOT//+/\\+}
kam_registered_from_lease() {
	grep -Eq "LAB registered sip:$PILOT_RE@[^ ]* contact .*$LEASE_RE.* from $LEASE_RE:[0-9]+\$" \
		"$SIP_LAB_KAM_LOG"
}
check "the control plane: WAN address changed, the trunk registers again" \
	lab_wait_for 10 "cp_reg_wan_changed" prov_lab_cp_log_has \
	"tenant lab: WAN address changed, registering the trunk again"
check "kamailio: REGISTER of $SIP_LAB_PILOT accepted from $LEASE with a Contact on it" \
	lab_wait_for 20 "trunk registered from the lease" kam_registered_from_lease
grep -E "LAB registered sip:$PILOT_RE@" "$SIP_LAB_KAM_LOG" | tail -n 1 |
	sed 's/.*<script>: /   kamailio: /'
check "kamailio: the ESG answered the digest challenge from $LEASE" \
	grep -Eq "LAB challenge REGISTER sip:$PILOT_RE@[^ ]* from $LEASE_RE:" "$SIP_LAB_KAM_LOG"
# every REGISTER kamailio received: from the leased address only
reg_sources() {
	grep -E '^.*LAB request REGISTER ' "$SIP_LAB_KAM_LOG" |
		sed -E 's/.* from ([^ ]*):[0-9]+ to-tag.*/\1/' | sort -u
}
check "kamailio: every REGISTER came from $LEASE ($(reg_sources | tr '\n' ' '))" \
	test "$(reg_sources)" = "$LEASE"
check "kamailio usrloc: the binding of $SIP_LAB_PILOT has a Contact on $LEASE" \
	lab_wait_for 5 "usrloc contact" sip_lab_kamailio_has_contact "$SIP_LAB_PILOT" "@$LEASE:"
echo "   usrloc: $(sip_lab_kamailio_contacts "$SIP_LAB_PILOT")"
# (kamailio traces every request it parsed: "LAB trace in SRC", then the
# message; its request line first)
options_from_lease() {
	awk -v src="LAB trace in $LEASE:" '
		prev && /^OPTIONS sip:/ { found = 1 }
		{ prev = index($0, src) > 0 }
		END { exit !found }' "$SIP_LAB_KAM_LOG"
}
check "OPTIONS keep-alive reaches the proxy from $LEASE" \
	lab_wait_for 15 "keep-alive from the lease" options_from_lease

# --- SIP on the leased address --------------------------------------------------------
# cp_sip_add: a listener on the leased address, answering OPTIONS
# (cp_sip_options.c); lib/sip_options.py checks the answer matches
check "OPTIONS from the WAN host to $LEASE:5060 answered 200" \
	lab_wait_for 10 "OPTIONS answered on the lease" \
	lab_sip_options "$LAB_NS_WAN" "$LEASE" 5060
echo "   $(lab_sip_options "$LAB_NS_WAN" "$LEASE" 5060 2>&1)"

cp_json() { "$LAB_CTL_BIN" --instance "$LAB_INSTANCE" "$1" --json; }
cp_sip_ok() {
	cp_json sip | jq -e --arg a "$LEASE:5060" '
		.registration.tenants[0].state == "registered" and
		any(.sip.listeners[]; .address == $a and .bound)' >/dev/null
}
check "esgctl sip: tenant registered, listener on $LEASE:5060 bound" \
	lab_wait_for 5 "esgctl sip" cp_sip_ok
cp_json sip | jq -c '{tenants: [.registration.tenants[] | {tenant, state}],
	listeners: .sip.listeners}' | sed 's/^/   /'

# --- a call LAN -> WAN over the leased address ---------------------------------------
legs_carry() {
	local j
	j=$(lab_legs_json) || return 1
	jq -e --argjson n "$1" '.in_use == 2 and (.legs | length == 2) and
		all(.legs[]; .rx_pkts >= $n and .fwd_pkts >= $n)' <<<"$j" >/dev/null
}
legs_gone() { [ "$(lab_legs_json | jq -r '.in_use')" = 0 ]; }
ua_rtp_from() {
	grep "incoming rtp for 'audio' established" "$(sip_lab_ua_dir "$1")/log" |
		tail -n 1 | sed 's/.*receiving from //'
}
ua_rtp_from_is() {
	local f
	f=$(ua_rtp_from "$1")
	echo "   $1 receives RTP from $f"
	case $f in "$2"*) return 0 ;; *) return 1 ;; esac
}

sip_lab_ua_up alice "$LAB_NS_LAN" 192.0.2.10 5060 \
	"<sip:$ALICE@$ESG_L4>;answermode=auto;regint=600"
sip_lab_ua_up bob "$LAB_NS_WAN" "$W4" 5070 \
	"<sip:$BOB@$W4>;auth_pass=$SIP_LAB_PASSWORD;answermode=auto;regint=600"
check "alice registers at the ESG's LAN registrar" sip_lab_ua_registered alice 10
check "bob registers at kamailio" sip_lab_ua_registered bob 10
echo "== call: alice (LAN) -> bob (WAN, through the trunk on $LEASE)"
sip_lab_ua_mark alice
sip_lab_ua_mark bob
if check "alice dials bob" sip_lab_ua_cmd alice dial "sip:$BOB@$ESG_L4" &&
	check "bob: the call arrives and is answered (CALL_ESTABLISHED)" \
		sip_lab_ua_wait bob CALL_ESTABLISHED 15 &&
	check "alice: CALL_ESTABLISHED" sip_lab_ua_wait alice CALL_ESTABLISHED 5; then
	check "kamailio: the INVITE came from $LEASE" \
		grep -Eq "LAB request INVITE sip:[^ ]* from $LEASE_RE:" "$SIP_LAB_KAM_LOG"
	check "alice: RTP arrives (CALL_RTPESTAB)" sip_lab_ua_seen alice CALL_RTPESTAB 10
	check "bob: RTP arrives (CALL_RTPESTAB)" sip_lab_ua_seen bob CALL_RTPESTAB 10
	check "bob gets RTP from the leased address (WAN media on $LEASE)" \
		ua_rtp_from_is bob "$LEASE:"
	check "alice gets RTP from the ESG's LAN address" ua_rtp_from_is alice "$ESG_L4:"
	check "esgctl legs: 2 legs, each received and forwarded >= 50 RTP packets" \
		lab_wait_for 5 "50 packets on both legs" legs_carry 50
	lab_legs_json | jq -c '.legs[] | {id, rx_pkts, fwd_pkts}' | sed 's/^/   leg /'
	check "alice hangs up" sip_lab_ua_cmd alice hangup
	check "bob: CALL_CLOSED" sip_lab_ua_wait bob CALL_CLOSED 5
	check "no leg left after the call" lab_wait_for 5 "legs gone" legs_gone
else
	skip_rest "call over the lease"
	sip_lab_ua_cmd alice hangup >/dev/null 2>&1
fi

# --- clean stop ------------------------------------------------------------------------
check "esg-controlplane still running" lab_alive "$LAB_CP_PID"
for u in alice bob; do sip_lab_ua_down "$u"; done
lab_stop_controlplane
rc=$?
check "esg-controlplane exits 0 on SIGTERM (rc $rc)" test "$rc" -eq 0
check "RELEASE at shutdown (RFC 2131 4.4.6)" \
	lab_wait_for 5 "kea release" grep -q "DHCP4_RELEASE" "$LAB_DIR/kea-dhcp4.log"

if [ $fails -ne 0 ]; then
	lab_tail "$LAB_CP_LOG" 40
	lab_tail "$LAB_DIR/kea-dhcp4.log" 10
	grep 'LAB ' "$SIP_LAB_KAM_LOG" | tail -n 20 >&2
	echo "$fails check(s) failed; files in $LAB_DIR"
	exit 1
fi
echo "all checks passed"
exit 0
