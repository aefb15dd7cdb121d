# shellcheck shell=bash
# SPDX-License-Identifier: BSD-3-Clause
#
# SIP peers for the lab: kamailio as the operator's registrar / P-CSCF,
# baresip user agents as PBX phones (LAN) and remote parties (WAN).
# Source it after tests/e2e/lib/lab.sh and lab_init, then:
#
#   sip_lab_init                  exit 77 without kamailio / baresip and
#                                 the baresip modules the lab uses
#   sip_lab_kamailio_block PILOT REGEX   (before _up) a trunk's number
#                                 block: a called number matching REGEX
#                                 without its own binding goes to PILOT's
#   sip_lab_kamailio_up NETNS ADDR4 ADDR6 [DOMAIN]   kamailio listening on
#                                 UDP ADDR4:5060 and [ADDR6]:5060
#   sip_lab_kamailio_registered USER   a binding of USER exists (ul.lookup)
#   sip_lab_kamailio_contacts USER     its contacts, one a line
#   sip_lab_up                    the whole lab with SIP (lab_up's steps):
#                                 the configuration's "sip" section
#                                 (conf/lab.json's, else sip_lab_default_sip;
#                                 SIP_LAB_CONF_FILTER: a jq filter applied
#                                 after), kamailio on the WAN host (the
#                                 proxy) before esg-controlplane starts;
#                                 sets SIP_LAB_DOMAIN, SIP_LAB_PILOT,
#                                 SIP_LAB_PROXY, SIP_LAB_PASSWORD
#   sip_lab_operator_up           only the kamailio part of it (after
#                                 lab_up: ci/demo)
#   sip_lab_ua_up NAME NETNS ADDR PORT ACCOUNT [CONFIG-LINE...]
#                                 a baresip bound to ADDR (SIP on PORT),
#                                 ACCOUNT its accounts line
#   sip_lab_ua_cmd NAME COMMAND [PARAMS]   one ctrl_tcp command; prints the
#                                 response data; fails unless ok
#   sip_lab_ua_mark NAME          events and stats before this are old
#   sip_lab_ua_wait NAME EVENT SECS   wait for EVENT after the mark; the
#                                 mark moves past it; the event JSON is in
#                                 sip_lab_ua_last NAME
#   sip_lab_ua_seen NAME EVENT SECS   the same, from where the last wait
#                                 (or mark) started; the mark stays (events
#                                 whose order is not fixed: CALL_RTPESTAB
#                                 may come before CALL_ESTABLISHED)
#   sip_lab_ua_no_event NAME EVENT SECS   EVENT does NOT come within SECS
#   sip_lab_ua_rtp NAME SECS      "TX RX" RTP packet counts of the UA's
#                                 last call after the mark (baresip prints
#                                 them when a call ends: rtp_stats)
#   sip_lab_ua_registered NAME SECS   the UA's account is registered
#   sip_lab_ua_down NAME          quit, bounded wait
#
# Every process is started in one of the lab's namespaces and its pid
# joins LAB_PIDS, so lab_cleanup (the EXIT trap) stops it; every wait is
# bounded. Files are under $LAB_DIR/sip (kept with the lab's logs when a
# test fails).
#
# baresip (Debian 1.0.0) in the lab: no sound card. audio_source is the
# ausine module (a sine tone, 48 kHz stereo resampled to the codec),
# audio_player the aubridge module's device "null" (nothing reads it: a
# sink), codecs PCMU/PCMA (g711). It is driven through ctrl_tcp (JSON in
# netstrings, one connection at a time): tests/e2e/lib/sip/bsctl.py holds
# that connection, takes commands from a FIFO and writes every response
# and event to a file, one JSON object a line. rtp_stats makes baresip
# print the call's RTP packet counts when the call ends.

SIP_LAB_LIB="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/sip"
SIP_LAB_PASSWORD=${SIP_LAB_PASSWORD-lab-secret}
SIP_LAB_BAMODS=/usr/lib/baresip/modules
SIP_LAB_KAMMODS=/usr/lib/x86_64-linux-gnu/kamailio/modules
SIP_LAB_KAM_PID=
SIP_LAB_KAM_BLOCKS=
SIP_LAB_UA_N=0
declare -A SIP_LAB_UA_PID SIP_LAB_UA_AGENT SIP_LAB_UA_FD

# sip_lab_missing: prints what the SIP lab lacks (nothing: all there)
sip_lab_missing() {
	local m
	command -v kamailio >/dev/null || echo "no kamailio (Debian package kamailio)"
	command -v kamcmd >/dev/null || echo "no kamcmd (Debian package kamailio)"
	command -v baresip >/dev/null || echo "no baresip (Debian package baresip-core)"
	for m in g711 ausine aubridge account menu ctrl_tcp; do
		[ -f "$SIP_LAB_BAMODS/$m.so" ] ||
			echo "baresip module $m.so missing in $SIP_LAB_BAMODS"
	done
	for m in tm sl rr usrloc registrar auth ctl xlog sanity; do
		[ -f "$SIP_LAB_KAMMODS/$m.so" ] ||
			echo "kamailio module $m.so missing in $SIP_LAB_KAMMODS"
	done
}

sip_lab_init() {
	local miss
	[ "$(id -u)" -eq 0 ] || lab_skip "needs root (network namespaces)"
	miss=$(sip_lab_missing)
	[ -z "$miss" ] || lab_skip "$(head -n 1 <<<"$miss")"
	[ -n "${LAB_DIR:-}" ] || lab_die "sip_lab_init: call lab_init first"
	SIP_LAB_DIR="$LAB_DIR/sip"
	mkdir -p "$SIP_LAB_DIR" || lab_die "mkdir $SIP_LAB_DIR"
}

# --- kamailio ------------------------------------------------------------------

sip_lab_kamailio_block() {
	SIP_LAB_KAM_BLOCKS+="$1|$2"$'\n'
}

sip_lab_kamailio_cfg() {
	local addr4=$1 addr6=$2 domain=$3 listen="" blocks="" pilot re
	[ -n "$addr4" ] && listen+="listen=udp:$addr4:5060"$'\n'
	[ -n "$addr6" ] && listen+="listen=udp:[$addr6]:5060"$'\n'
	while IFS='|' read -r pilot re; do
		[ -n "$pilot" ] || continue
		blocks+="	if (\$var(called) =~ \"$re\") {
		if (lookup(\"location\", \"sip:$pilot@$domain\")) {
			xlog(\"L_NOTICE\", \"LAB block \$var(called) via pilot $pilot\\n\");
			\$rU = \$var(called);
			route(RELAY);
			exit;
		}
	}
"
	done <<<"$SIP_LAB_KAM_BLOCKS"
	# the template's @...@ words; awk, not sed: the values hold / | &
	awk -v listen="$listen" -v domain="$domain" -v rundir="$SIP_LAB_DIR" \
		-v password="$SIP_LAB_PASSWORD" -v blocks="$blocks" '
		$0 == "@LISTEN@" { printf "%s", listen; next }
		$0 == "@BLOCKS@" { printf "%s", blocks; next }
		{
			gsub(/@DOMAIN@/, domain)
			gsub(/@RUNDIR@/, rundir)
			gsub(/@PASSWORD@/, password)
			print
		}' "$SIP_LAB_LIB/kamailio.cfg.in"
}

# sip_lab_kamailio_up NETNS ADDR4 ADDR6 [DOMAIN]: DOMAIN (default ADDR4 or
# ADDR6) is what the bindings' AORs carry; the registrar ignores it
# (usrloc without use_domain), the number blocks' pilot lookups use it.
sip_lab_kamailio_up() {
	local ns=$1 addr4=$2 addr6=$3 domain=${4:-${2:-$3}}
	SIP_LAB_KAM_NS=$ns
	SIP_LAB_KAM_CFG="$SIP_LAB_DIR/kamailio.cfg"
	SIP_LAB_KAM_LOG="$SIP_LAB_DIR/kamailio.log"
	SIP_LAB_KAM_CTL="unix:$SIP_LAB_DIR/kamailio_ctl"
	sip_lab_kamailio_cfg "$addr4" "$addr6" "$domain" >"$SIP_LAB_KAM_CFG" ||
		lab_die "cannot write $SIP_LAB_KAM_CFG"
	if ! kamailio -c -f "$SIP_LAB_KAM_CFG" -L "$SIP_LAB_KAMMODS" \
		>"$SIP_LAB_DIR/kamailio-check.log" 2>&1; then
		lab_tail "$SIP_LAB_DIR/kamailio-check.log"
		lab_die "kamailio refuses $SIP_LAB_KAM_CFG"
	fi
	# -DD: the main process stays in the foreground (its children are
	# its own), -E: log to stderr; small memory pools
	ip netns exec "$ns" kamailio -f "$SIP_LAB_KAM_CFG" -DD -E -m 32 -M 8 \
		-P "$SIP_LAB_DIR/kamailio.pid" >"$SIP_LAB_KAM_LOG" 2>&1 </dev/null &
	SIP_LAB_KAM_PID=$!
	LAB_PIDS+=("$SIP_LAB_KAM_PID")
	lab_wait_for 15 "kamailio answering on its control socket" \
		sip_lab_kamailio_ready || {
		lab_tail "$SIP_LAB_KAM_LOG"
		lab_die "kamailio did not come up"
	}
	lab_debug "kamailio pid $SIP_LAB_KAM_PID in $ns on $addr4 $addr6"
}

sip_lab_kamailio_ready() {
	lab_alive "$SIP_LAB_KAM_PID" || return 1
	sip_lab_kamcmd core.version >/dev/null
}

sip_lab_kamcmd() {
	ip netns exec "$SIP_LAB_KAM_NS" kamcmd -s "$SIP_LAB_KAM_CTL" "$@"
}

# (kamcmd exits 0 on an error reply too: look at the contacts)
sip_lab_kamailio_registered() {
	[ -n "$(sip_lab_kamailio_contacts "$1")" ]
}

# sip_lab_kamailio_has_contact USER TEXT: a contact of USER contains TEXT
sip_lab_kamailio_has_contact() {
	local c
	c=$(sip_lab_kamailio_contacts "$1")
	grep -qF -- "$2" <<<"$c"
}

# (s: keeps kamcmd from taking "+4930123400" for a number)
sip_lab_kamailio_contacts() {
	sip_lab_kamcmd ul.lookup location "s:$1" 2>/dev/null |
		sed -n 's/^[[:space:]]*Address: //p'
}

# --- the lab with the ESG ------------------------------------------------------

# The "sip" section used when conf/lab.json has none: the operator's
# proxy is kamailio on the WAN host's IPv6 address (so a LAN phone on IPv4
# makes a family-crossing call), one tenant "acme" on the LAN in mode
# "trunk" with its PBX at the LAN host, the number block
# +4930123400-+4930123499 with the pilot +4930123400 as the trunk AOR.
sip_lab_default_sip() {
	cat <<EOF
{
	"operator": {
		"interface": "wan",
		"proxy": "sip:[2001:db8:2::fe]:5060",
		"domain": "operator.example",
		"options_interval_s": 10,
		"reg_retry_min_s": 2,
		"reg_retry_max_s": 10
	},
	"timers": { "media_timeout_s": 60, "no_answer_s": 60 },
	"tenants": [
		{
			"name": "acme",
			"interface": "lan",
			"registration": "trunk",
			"pbx": "192.0.2.10:5060",
			"numbers": [ "+4930123400-+4930123499" ],
			"trunk": { "username": "+4930123400", "password": "$SIP_LAB_PASSWORD", "expires_s": 600 }
		}
	]
}
EOF
}

# A kamailio regex for one "numbers" entry: "+4930123400-+4930123499"
# -> ^[+]?49301234[0-9]{2}$ (the common prefix, then digits: a lab
# approximation of the range), "+4930555" -> ^[+]?4930555$.
sip_lab_number_re() {
	local a=${1%%-*} b=${1#*-} i=0
	[ "$1" = "$b" ] && b=$a
	a=${a#+}
	b=${b#+}
	while [ $i -lt ${#a} ] && [ "${a:i:1}" = "${b:i:1}" ]; do
		i=$((i + 1))
	done
	if [ $i -eq ${#a} ]; then
		echo "^[+]?$a\$"
	else
		echo "^[+]?${a:0:i}[0-9]{$((${#a} - i))}\$"
	fi
}

sip_lab_up() {
	lab_config
	if ! jq -e '.sip' "$LAB_CONF" >/dev/null 2>&1; then
		jq --argjson s "$(sip_lab_default_sip)" '.sip = $s' "$LAB_CONF" \
			>"$LAB_CONF.tmp" && mv "$LAB_CONF.tmp" "$LAB_CONF" ||
			lab_die "cannot add the sip section to $LAB_CONF"
		SIP_LAB_CONF_FROM="sip_lab_default_sip"
	else
		SIP_LAB_CONF_FROM="conf/lab.json"
	fi
	if [ -n "${SIP_LAB_CONF_FILTER:-}" ]; then
		jq "$SIP_LAB_CONF_FILTER" "$LAB_CONF" >"$LAB_CONF.tmp" &&
			mv "$LAB_CONF.tmp" "$LAB_CONF" ||
			lab_die "SIP_LAB_CONF_FILTER failed: $SIP_LAB_CONF_FILTER"
	fi
	lab_topology
	lab_start_dataplane
	[ "$LAB_PORTS" = tap ] && lab_move_taps
	lab_hosts
	sip_lab_operator_up
	lab_start_controlplane
	lab_exception_up
	lab_wait_for 20 "control plane listening on 5060" \
		lab_esg_listening 5060 || {
		lab_tail "$LAB_CP_LOG"
		lab_die "esg-controlplane does not listen on UDP 5060"
	}
}

# sip_lab_operator_up: kamailio on the WAN host as the "sip" section of
# $LAB_CONF wants it (the proxy's address and domain, the first tenant's
# trunk password, every tenant's number block routed to its pilot).
# sip_lab_up calls it before esg-controlplane starts; after lab_up (the
# demo) the trunk registration gets there on its retry.
sip_lab_operator_up() {
	local host t n re pilot l4=198.51.100.254 l6=2001:db8:2::fe
	SIP_LAB_PROXY=$(jq -er '.sip.operator.proxy' "$LAB_CONF") ||
		lab_die "no sip.operator.proxy in $LAB_CONF"
	host=${SIP_LAB_PROXY#sip:}
	case $host in
	\[*)
		host=${host#[}
		host=${host%%]*}
		;;
	*) host=${host%%:*} ;;
	esac
	SIP_LAB_DOMAIN=$(jq -r --arg h "$host" '.sip.operator.domain // $h' "$LAB_CONF")
	SIP_LAB_PILOT=$(jq -r '.sip.tenants[0].trunk.username // empty' "$LAB_CONF")
	SIP_LAB_PASSWORD=$(jq -r '.sip.tenants[0].trunk.password // ""' "$LAB_CONF")
	n=$(jq '.sip.tenants | length' "$LAB_CONF")
	for ((t = 0; t < n; t++)); do
		pilot=$(jq -r ".sip.tenants[$t].trunk.username // empty" "$LAB_CONF")
		[ -n "$pilot" ] || continue
		while read -r re; do
			[ -n "$re" ] && sip_lab_kamailio_block "$pilot" "$re"
		done < <(jq -r ".sip.tenants[$t].numbers[]?" "$LAB_CONF" |
			while read -r num; do sip_lab_number_re "$num"; done)
	done
	# kamailio on the WAN host's addresses, and on the proxy's address
	# when the configuration names another one
	case $host in
	"$l4" | "$l6") ;;
	*:*)
		ip -n "$LAB_NS_WAN" -6 addr add "$host/64" dev wan0 nodad
		l6=$host
		;;
	*[!0-9.]*) ;;
	*)
		ip -n "$LAB_NS_WAN" addr add "$host/24" dev wan0
		l4=$host
		;;
	esac
	sip_lab_kamailio_up "$LAB_NS_WAN" "$l4" "$l6" "$SIP_LAB_DOMAIN"
}

# --- baresip -------------------------------------------------------------------

# sip_lab_ua_up NAME NETNS ADDR PORT ACCOUNT [CONFIG-LINE...]
# ADDR: the one address the UA uses (SIP and media, one family); PORT its
# SIP port; ACCOUNT a line of baresip's accounts file, e.g.
#   "<sip:bob@[2001:db8:2::fe]>;auth_pass=x;answermode=auto;regint=600"
# Extra CONFIG-LINEs ("key value") are appended to its config.
sip_lab_ua_up() {
	local name=$1 ns=$2 addr=$3 port=$4 account=$5 hostport dir n fd
	shift 5
	dir="$SIP_LAB_DIR/ua-$name"
	[ -e "$dir" ] && lab_die "sip_lab_ua_up: UA $name exists already"
	mkdir -p "$dir" || lab_die "mkdir $dir"
	n=$SIP_LAB_UA_N
	SIP_LAB_UA_N=$((n + 1))
	case $addr in
	*:*) hostport="[$addr]:$port" ;;
	*) hostport="$addr:$port" ;;
	esac
	{
		printf '%s\t%s\n' \
			poll_method epoll \
			sip_listen "$hostport" \
			net_interface "$addr" \
			call_local_timeout 120 \
			call_max_calls 4 \
			audio_source "ausine,$((440 + 110 * n))" \
			audio_player aubridge,null \
			audio_alert aubridge,null \
			ausrc_srate 48000 \
			ausrc_channels 2 \
			rtp_ports "$((41000 + 200 * n))-$((41199 + 200 * n))" \
			rtcp_mux no \
			rtp_stats yes \
			rtp_timeout 0 \
			module_path "$SIP_LAB_BAMODS" \
			module g711.so \
			module ausine.so \
			module aubridge.so \
			module_app account.so \
			module_app menu.so \
			module_app ctrl_tcp.so \
			ctrl_tcp_listen "127.0.0.1:$((4444 + n))"
		local l
		for l in "$@"; do echo "$l"; done
	} >"$dir/config"
	echo "$account" >"$dir/accounts"
	: >"$dir/contacts"
	: >"$dir/events"
	echo 0 >"$dir/mark"
	echo 0 >"$dir/step"
	echo 0 >"$dir/rtpmark"
	echo 0 >"$dir/seq"
	mkfifo "$dir/cmd" || lab_die "mkfifo $dir/cmd"
	# -s: every SIP message in the log (what the UA saw)
	ip netns exec "$ns" baresip -f "$dir" -s >"$dir/log" 2>&1 </dev/null &
	SIP_LAB_UA_PID[$name]=$!
	LAB_PIDS+=("$!")
	ip netns exec "$ns" "$LAB_PY" "$SIP_LAB_LIB/bsctl.py" agent \
		--port $((4444 + n)) --fifo "$dir/cmd" --out "$dir/events" \
		--connect-timeout 10 2>"$dir/agent.err" &
	SIP_LAB_UA_AGENT[$name]=$!
	LAB_PIDS+=("$!")
	exec {fd}>"$dir/cmd"
	SIP_LAB_UA_FD[$name]=$fd
	lab_wait_for 12 "baresip $name on $hostport" \
		grep -q '"agent": "connected"' "$dir/events" || {
		lab_tail "$dir/log"
		lab_tail "$dir/agent.err"
		lab_die "baresip $name did not come up"
	}
	lab_debug "baresip $name pid ${SIP_LAB_UA_PID[$name]} in $ns on $hostport"
}

sip_lab_ua_dir() { echo "$SIP_LAB_DIR/ua-$1"; }

# sip_lab_ua_cmd NAME COMMAND [PARAMS]: prints the response's data.
# The token counter is a file: callers run this in subshells too.
sip_lab_ua_cmd() {
	local name=$1 cmd=$2 params=${3:-} dir seq tok res
	dir=$(sip_lab_ua_dir "$name")
	[ -n "${SIP_LAB_UA_FD[$name]:-}" ] || {
		echo "no UA named $name"
		return 1
	}
	lab_alive "${SIP_LAB_UA_AGENT[$name]}" || {
		echo "the control agent of $name is gone: $(tail -n 2 "$dir/agent.err")"
		return 1
	}
	seq=$(($(cat "$dir/seq") + 1))
	echo "$seq" >"$dir/seq"
	tok="$name-$seq"
	echo "$tok $cmd${params:+ $params}" >&"${SIP_LAB_UA_FD[$name]}"
	lab_wait_for 10 "$name: response to '$cmd'" \
		sip_lab_ua_response "$dir" "$tok" || {
		echo "$name: no response to '$cmd $params'"
		return 1
	}
	res=$(sip_lab_ua_response "$dir" "$tok")
	jq -r '.data' <<<"$res" | sed '/^[[:space:]]*$/d; s/^/   /'
	jq -e '.ok' <<<"$res" >/dev/null
}

# The response with token $2 (bsctl.py writes json.dumps lines).
sip_lab_ua_response() {
	local r
	r=$(grep -F "\"token\": \"$2\"" "$1/events" | grep -F '"response": true')
	[ -n "$r" ] || return 1
	tail -n 1 <<<"$r"
}

sip_lab_ua_mark() {
	local dir
	dir=$(sip_lab_ua_dir "$1")
	wc -l <"$dir/events" >"$dir/mark"
	cp "$dir/mark" "$dir/step"
	grep -c '^packets:' "$dir/log" >"$dir/rtpmark"
}

# The first EVENT after the mark: its line number in found.line, its JSON
# in found (bsctl.py writes json.dumps lines: "type": "X", "event": true).
sip_lab_ua_find() {
	local dir=$1 ev=$2 from=${3:-mark}
	awk -v m="$(cat "$dir/$from")" -v t="\"type\": \"$ev\"" \
		-v lf="$dir/found.line" \
		'NR > m && index($0, "\"event\": true") && index($0, t) {
			print NR > lf; print; exit
		}' "$dir/events" >"$dir/found"
	[ -s "$dir/found" ]
}

sip_lab_ua_wait() {
	local name=$1 ev=$2 secs=$3 dir
	dir=$(sip_lab_ua_dir "$name")
	if ! lab_wait_for "$secs" "$name: event $ev" sip_lab_ua_find "$dir" "$ev"; then
		echo "   $name: no $ev within ${secs}s; events since the mark: $(sip_lab_ua_since "$name")"
		: >"$dir/last"
		return 1
	fi
	cp "$dir/found" "$dir/last"
	# the step (what sip_lab_ua_seen searches) starts where this wait
	# started: an event of unfixed order may have come before this one
	cp "$dir/mark" "$dir/step"
	cp "$dir/found.line" "$dir/mark"
	return 0
}

# sip_lab_ua_seen NAME EVENT SECS: like sip_lab_ua_wait, but the mark
# stays: for events whose order against others is not fixed (baresip
# reports RTP established when the first packet comes, which can be
# before or after the call event of the same response).
sip_lab_ua_seen() {
	local name=$1 ev=$2 secs=$3 dir
	dir=$(sip_lab_ua_dir "$name")
	if ! lab_wait_for "$secs" "$name: event $ev" sip_lab_ua_find "$dir" "$ev" step; then
		echo "   $name: no $ev within ${secs}s; events since the mark: $(sip_lab_ua_since "$name")"
		: >"$dir/last"
		return 1
	fi
	cp "$dir/found" "$dir/last"
}

# the event types after the mark, on one line
sip_lab_ua_since() {
	local dir mark
	dir=$(sip_lab_ua_dir "$1")
	mark=$(cat "$dir/mark")
	tail -n +"$((mark + 1))" "$dir/events" |
		jq -r 'select(.event == true) | .type' 2>/dev/null | tr '\n' ' '
}

sip_lab_ua_last() { cat "$(sip_lab_ua_dir "$1")/last"; }

sip_lab_ua_no_event() {
	local name=$1 ev=$2 secs=$3 dir end
	dir=$(sip_lab_ua_dir "$name")
	end=$((SECONDS + secs))
	while [ $SECONDS -lt "$end" ]; do
		if sip_lab_ua_find "$dir" "$ev"; then
			echo "   $name: unexpected $ev: $(cat "$dir/found")"
			return 1
		fi
		sleep 0.2
	done
}

# sip_lab_ua_rtp NAME SECS: "TX RX", the RTP packets the UA sent and
# received in its last call that ended after the mark.
sip_lab_ua_rtp() {
	local dir
	dir=$(sip_lab_ua_dir "$1")
	lab_wait_for "$2" "$1: RTP statistics of the call" \
		sip_lab_ua_rtp_new "$dir" || return 1
	grep '^packets:' "$dir/log" | tail -n 1 | awk '{ print $2, $3 }'
}

sip_lab_ua_rtp_new() {
	[ "$(grep -c '^packets:' "$1/log")" -gt "$(cat "$1/rtpmark")" ]
}

# sip_lab_ua_registered NAME SECS: baresip's reginfo says OK.
sip_lab_ua_registered() {
	lab_wait_for "$2" "$1 registered" sip_lab_ua_reg_ok "$1"
}

sip_lab_ua_reg_ok() {
	local out
	out=$(sip_lab_ua_cmd "$1" reginfo) || return 1
	grep -q 'OK' <<<"$out"
}

# sip_lab_ua_reginfo NAME: the account's registration line (colours off)
sip_lab_ua_reginfo() {
	sip_lab_ua_cmd "$1" reginfo | sed 's/\x1b\[[0-9;]*m//g' | grep -F 'sip:'
}

sip_lab_ua_down() {
	local name=$1 fd
	[ -n "${SIP_LAB_UA_PID[$name]:-}" ] || return 0
	sip_lab_ua_cmd "$name" quit >/dev/null 2>&1
	lab_stop_pid_wait "${SIP_LAB_UA_PID[$name]}" 5
	lab_stop_pid "${SIP_LAB_UA_AGENT[$name]}" 3
	fd=${SIP_LAB_UA_FD[$name]}
	exec {fd}>&-
	unset "SIP_LAB_UA_PID[$name]" "SIP_LAB_UA_FD[$name]"
}
