# shellcheck shell=bash
# SPDX-License-Identifier: BSD-3-Clause
#
# The call of ci/demo: sourced by ci/demo after tests/e2e/lib/lab.sh and
# tests/e2e/lib/sip_lab.sh, run while esg-controlplane is up (lab_up with
# conf/lab.json's "sip" section). Uses ci/demo's say and record.
#
#   demo_sip_call   kamailio on the WAN host (the operator), a LAN phone
#                   (baresip, IPv4) registered at the ESG, a WAN party
#                   (baresip, IPv6) registered at kamailio; the LAN phone
#                   calls the WAN party through the ESG, they talk for a
#                   few seconds, the WAN party hangs up; prints who called
#                   whom, the families of each side, packets relayed each
#                   way (esgctl legs), the duration and how it ended (the
#                   ESG's call record)

DEMO_CALL_TALK_S=${DEMO_CALL_TALK_S:-4}

demo_sip_call() {
	local miss alice=+4930123401 bob=+4940999000 w6=2001:db8:2::fe
	miss=$(sip_lab_missing)
	if [ -n "$miss" ]; then
		record "SIP call through the ESG" "FAIL ($(head -n 1 <<<"$miss"))"
		return
	fi
	if ! jq -e '.sip' "$LAB_CONF" >/dev/null 2>&1; then
		record "SIP call through the ESG" "FAIL (no sip section in the configuration)"
		return
	fi
	SIP_LAB_DIR="$LAB_DIR/sip"
	mkdir -p "$SIP_LAB_DIR"
	sip_lab_operator_up
	echo "  operator   kamailio [$w6]:5060 and 198.51.100.254:5060, domain $SIP_LAB_DOMAIN (registrar, P-CSCF)"
	if lab_wait_for 30 "trunk registration" \
		sip_lab_kamailio_has_contact "$SIP_LAB_PILOT" "2001:db8:2::1"; then
		echo "  trunk      $SIP_LAB_PILOT registered by the ESG: $(sip_lab_kamailio_contacts "$SIP_LAB_PILOT")"
		record "trunk $SIP_LAB_PILOT registered at the operator" ok
	else
		record "trunk $SIP_LAB_PILOT registered at the operator" FAIL
	fi
	sip_lab_ua_up alice "$LAB_NS_LAN" 192.0.2.10 5060 \
		"<sip:$alice@192.0.2.1>;answermode=auto;regint=600"
	sip_lab_ua_up bob "$LAB_NS_WAN" "$w6" 5070 \
		"<sip:$bob@[$w6]>;auth_pass=$SIP_LAB_PASSWORD;answermode=auto;regint=600"
	if sip_lab_ua_registered alice 10 && sip_lab_ua_registered bob 10; then
		echo "  phones     alice $alice 192.0.2.10 (LAN, IPv4) registered at the ESG;" \
			"bob $bob [$w6]:5070 (WAN, IPv6) registered at the operator"
	else
		record "SIP call through the ESG" "FAIL (phones did not register)"
		return
	fi

	echo "  alice dials sip:$bob@192.0.2.1 ..."
	sip_lab_ua_mark alice
	sip_lab_ua_mark bob
	sip_lab_ua_cmd alice dial "sip:$bob@192.0.2.1" >/dev/null
	if ! sip_lab_ua_wait bob CALL_ESTABLISHED 15 >/dev/null ||
		! sip_lab_ua_wait alice CALL_ESTABLISHED 5 >/dev/null; then
		record "SIP call through the ESG" "FAIL (not answered: $(sip_lab_ua_since alice))"
		sip_lab_ua_cmd alice hangup >/dev/null 2>&1
		return
	fi
	sip_lab_ua_seen alice CALL_RTPESTAB 5 >/dev/null
	sip_lab_ua_seen bob CALL_RTPESTAB 5 >/dev/null
	echo "  answered; talking for ${DEMO_CALL_TALK_S}s"
	sleep "$DEMO_CALL_TALK_S"
	# the legs' figures at hang-up (a deleted leg's slot is not kept
	# for the call's figures: the record has the final ones)
	local ids j
	j=$(lab_legs_json)
	ids=$(jq -r '[.legs[].id] | join(" ")' <<<"$j")
	echo "  legs in use during the call: ${ids:-none}"
	echo "  bob hangs up"
	sip_lab_ua_cmd bob hangup >/dev/null
	sip_lab_ua_wait alice CALL_CLOSED 5 >/dev/null
	local closed ua_a ua_b
	closed=$(sip_lab_ua_last alice | jq -r '.param')
	ua_a=$(sip_lab_ua_rtp alice 5)
	ua_b=$(sip_lab_ua_rtp bob 5)
	lab_wait_for 5 "legs gone" eval '[ "$(lab_legs_json | jq .in_use)" = 0 ]'

	# which leg is which side: the control plane logs where each latched
	local id lan_leg="" wan_leg=""
	for id in $ids; do
		if grep -qE "leg $id: latched to 192\.0\.2\." "$LAB_CP_LOG"; then
			lan_leg=$id
		else
			wan_leg=$id
		fi
	done
	local rec
	rec=$(demo_call_record)

	say "the call"
	if [ -n "$rec" ]; then
		jq -r '"  who        \(.caller) (LAN phone alice) called \(.callee) (WAN party bob), tenant \(.tenant), \(.direction)",
			"  families   LAN side: signalling \(.lan.signalling), media \(.lan.media); WAN side: signalling \(.wan.signalling), media \(.wan.media)",
			"  duration   \(.duration_s * 10 | round / 10) s answered (setup \(.setup_ms) ms)",
			"  ended      \(.disposition), SIP \(.sip_code) \(.sip_reason), hung up by the \(.hangup_by) side",
			(.streams[] | "  record     \(.kind): LAN->WAN \(.lan_to_wan.fwd_pkts) packets, WAN->LAN \(.wan_to_lan.fwd_pkts) packets")' \
			<<<"$rec"
	else
		echo "  (no call record found in the control plane log)"
	fi
	local l2w w2l
	l2w=$(jq -r --argjson i "${lan_leg:-0}" '.legs[] | select(.id == $i) | .fwd_pkts' <<<"$j")
	w2l=$(jq -r --argjson i "${wan_leg:-0}" '.legs[] | select(.id == $i) | .fwd_pkts' <<<"$j")
	echo "  relayed    LAN->WAN ${l2w:-?} packets (leg ${lan_leg:-?}), WAN->LAN ${w2l:-?} packets (leg ${wan_leg:-?}) (esgctl legs at hang-up)"
	jq -c '.legs[] | {id, rx_pkts, fwd_pkts, rtcp_pkts, lost, latches}' <<<"$j" |
		sed 's/^/             /'
	echo "  at the UAs alice sent/received ${ua_a/ /\/}, bob sent/received ${ua_b/ /\/}; alice: \"$closed\""

	if [ -n "$rec" ] && jq -e '.disposition == "answered" and .hangup_by == "wan"' \
		<<<"$rec" >/dev/null; then
		record "SIP call LAN IPv4 -> WAN IPv6 through the ESG" \
			"ok ($(jq -r '"\(.duration_s * 10 | round / 10) s, ended by the WAN side"' <<<"$rec"))"
	else
		record "SIP call LAN IPv4 -> WAN IPv6 through the ESG" "FAIL (record: ${rec:-none})"
	fi
	if [ "${l2w:-0}" -ge 100 ] && [ "${w2l:-0}" -ge 100 ]; then
		record "call media relayed both ways (esgctl legs)" \
			"ok (LAN->WAN $l2w, WAN->LAN $w2l packets)"
	else
		record "call media relayed both ways (esgctl legs)" \
			"FAIL (LAN->WAN ${l2w:-?}, WAN->LAN ${w2l:-?} packets)"
	fi
	sip_lab_ua_down alice
	sip_lab_ua_down bob
}

# The ESG's record of the last call: the records file of the
# configuration, else the control plane log's "call record" line.
demo_call_record() {
	local f
	f=$(jq -r '.sip.records // ""' "$LAB_CONF")
	if [ -n "$f" ] && [ -s "$f" ]; then
		tail -n 1 "$f"
	else
		grep -o 'call record {.*}' "$LAB_CP_LOG" | tail -n 1 | sed 's/^call record //'
	fi
}
