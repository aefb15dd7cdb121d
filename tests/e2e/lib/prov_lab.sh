# shellcheck shell=bash
# SPDX-License-Identifier: BSD-3-Clause
#
# The provisioning lab (docs/provisioning.md "End-to-end tests"): the lab
# of lab.sh, plus in the WAN namespace the operator's provisioning servers:
# Debian's kea-dhcp4 (raw sockets on wan0) and kea-dhcp6, tftpd-hpa
# (in.tftpd, IPv4 and IPv6) serving a configuration file built by
# esg-cfgfile, and a syslog listener (UDP 514, both families,
# /usr/bin/python3). Source lab.sh first, then:
#
#   prov_lab_init            lab_init + kea-dhcp4 / in.tftpd present, else 77
#   prov_lab_need_kea6       kea-dhcp6 and scapy present, else 77
#   prov_lab_file DESC       build the served esg.cfg from an esg-cfgfile text
#   prov_lab_up MODE [PCAP [FILTER]]
#                            MODE dhcp4 | static | dhcp6 | dual | dhcp6-nokea
#                            (IPv6 servers without kea: the test starts its
#                            own DHCPv6 server): configuration, dataplane,
#                            hosts, servers, control plane (no wait for SIP)
#   prov_kea6_start DNS      kea-dhcp6 (lease file kept across restarts)
#   prov_kea6_stop           stop it (bounded)
#   PROV_KEA6_OPTS           more "option-data" entries (JSON) of kea-dhcp6's
#                            subnet (the softwire options: prov_v6_test.sh)
#   prov_lab_syslog_has RE   the syslog listener got a line matching RE
#   prov_lab_cp_log_has RE   the control plane logged RE
#   prov_snmptrapd_start C A...  snmptrapd (community C) on the WAN host
#   prov_lab_trapd_has RE    snmptrapd logged RE
#   PROV_TRAPD_ARGS          "C A...": prov_lab_up starts snmptrapd
#   PROV_CONF_EXTRA          jq filter added to the provisioning config
#   PROV_HTTP_PORT           prov_lab_up starts an HTTP server (prov_http_start)
#   PROV_LAB_BEFORE_CP       a command prov_lab_up runs after the servers,
#                            just before the control plane starts (the SIP
#                            lab's sip_lab_operator_up: prov_sip_test.sh)
#
# Addresses (TEST-NET, inside the lab's namespaces): the WAN host
# 198.51.100.254 / 2001:db8:2::fe is DHCP server, router, TFTP and syslog
# server; the pools are the one address PROV_LAB_LEASE / PROV_LAB_LEASE6.

PROV_LAB_LEASE=198.51.100.100
PROV_LAB_SERVER=198.51.100.254
PROV_LAB_LEASE6=2001:db8:2::100
PROV_LAB_SERVER6=2001:db8:2::fe

prov_lab_init() {
	lab_init
	PROV_KEA=${ESG_KEA_DHCP4:-/usr/sbin/kea-dhcp4}
	PROV_TFTPD=${ESG_TFTPD:-/usr/sbin/in.tftpd}
	[ -x "$PROV_KEA" ] || lab_skip "no kea-dhcp4 ($PROV_KEA; Debian kea-dhcp4-server)"
	[ -x "$PROV_TFTPD" ] || lab_skip "no in.tftpd ($PROV_TFTPD; Debian tftpd-hpa)"
	[ -x "$LAB_PY" ] || lab_skip "no $LAB_PY"
	PROV_CFGTOOL=${ESG_CFGFILE:-$LAB_BUILD/tests/tools/esg-cfgfile/esg-cfgfile}
	[ -x "$PROV_CFGTOOL" ] ||
		lab_die "esg-cfgfile not built ($PROV_CFGTOOL; meson -Dtests=true)"
	PROV_TFTP_DIR="$LAB_DIR/tftp"
	PROV_SYSLOG_OUT="$LAB_DIR/syslog.txt"
	mkdir -p "$PROV_TFTP_DIR"
	# in.tftpd drops to the tftp user: the files must be world-readable
	chmod 755 "$LAB_DIR" "$PROV_TFTP_DIR"
	: >"$PROV_SYSLOG_OUT"
}

prov_lab_need_kea6() {
	PROV_KEA6=${ESG_KEA_DHCP6:-/usr/sbin/kea-dhcp6}
	[ -x "$PROV_KEA6" ] || lab_skip "no kea-dhcp6 ($PROV_KEA6; Debian kea-dhcp6-server)"
	"$LAB_PY" -c 'import scapy.layers.dhcp6' 2>/dev/null ||
		lab_skip "no scapy for $LAB_PY (Debian python3-scapy)"
}

# prov_lab_file DESC.txt: esg.cfg for the TFTP server.
prov_lab_file() {
	"$PROV_CFGTOOL" build "$1" "$PROV_TFTP_DIR/esg.cfg" ||
		lab_die "esg-cfgfile build $1"
	chmod 644 "$PROV_TFTP_DIR/esg.cfg"
}

# The ESG's configuration for a mode: conf/lab.json without the sip
# section (these tests are about provisioning), with a provisioning one.
prov_lab_config() {
	local mode=$1 filter
	lab_config
	case $mode in
	dhcp4)
		# spec 000 8.1.3 / 001 6.1: DHCPv4 gives the WAN IPv4 address;
		# the static one (and its gateway) go.
		filter='del(.sip)
		| .interfaces |= map(if .role == "wan"
			then del(.ipv4) | del(.gateway4) else . end)
		| .provisioning = {"mode": "dhcp", "stack": "ipv4"}'
		;;
	static)
		# spec 000 8.1.3: fully preconfigured, no DHCP at all
		filter='del(.sip)
		| .provisioning = {"mode": "static",
			"config_file": {"server": "198.51.100.254",
				"file": "esg.cfg"},
			"dns": ["198.51.100.53"],
			"syslog": "198.51.100.254"}'
		;;
	dhcp6 | dhcp6-nokea)
		# spec 001 6.3.4.3: DHCPv6 gives the WAN IPv6 address; the
		# static one goes. ipv6_prefix_len: the lab's on-link /64
		# (DHCPv6 carries no prefix length, RFC 5942)
		filter='del(.sip)
		| .interfaces |= map(if .role == "wan"
			then del(.ipv6) | del(.gateway6) else . end)
		| .provisioning = {"mode": "dhcp", "stack": "ipv6",
			"ipv6_prefix_len": 64}'
		;;
	dual)
		# spec 000 8.1.3: dual stack, both families from DHCP; the
		# file and syslog from the IPv6 lease (management_family's
		# default)
		filter='del(.sip)
		| .interfaces |= map(if .role == "wan"
			then del(.ipv4) | del(.gateway4) | del(.ipv6)
			| del(.gateway6) else . end)
		| .provisioning = {"mode": "dhcp", "stack": "dual",
			"ipv6_prefix_len": 64}'
		;;
	*) lab_die "prov_lab_config: dhcp4, static, dhcp6, dual, not $mode" ;;
	esac
	# a test's additions to the provisioning section (a jq filter)
	[ -n "${PROV_CONF_EXTRA:-}" ] && filter="$filter | $PROV_CONF_EXTRA"
	jq "$filter" "$LAB_CONF" >"$LAB_CONF.new" ||
		lab_die "cannot write the $mode configuration"
	mv "$LAB_CONF.new" "$LAB_CONF" || lab_die "mv $LAB_CONF.new"
}

# kea-dhcp4 on wan0 (raw sockets: the ESG has no address yet), one
# subnet, one address; siaddr/file (spec 000 8.1.3), routers, DNS, log
# servers (option 7: the syslog server of eUE-24) and CableLabs option
# 122 (RFC 3495 sub-option 1, the TSP's primary DHCP server).
prov_kea_start() {
	local conf="$LAB_DIR/kea-dhcp4.json"
	cat >"$conf" <<EOF
{
"Dhcp4": {
	"interfaces-config": { "interfaces": [ "wan0" ], "dhcp-socket-type": "raw" },
	"lease-database": { "type": "memfile", "persist": false },
	"valid-lifetime": 600, "renew-timer": 300, "rebind-timer": 525,
	"option-def": [ { "name": "cablelabs-client-conf", "code": 122,
		"space": "dhcp4", "type": "binary" } ],
	"subnet4": [ {
		"id": 1,
		"subnet": "198.51.100.0/24",
		"pools": [ { "pool": "$PROV_LAB_LEASE - $PROV_LAB_LEASE" } ],
		"next-server": "$PROV_LAB_SERVER",
		"boot-file-name": "esg.cfg",
		"option-data": [
			{ "name": "routers", "data": "$PROV_LAB_SERVER" },
			{ "name": "domain-name-servers", "data": "198.51.100.53" },
			{ "name": "log-servers", "data": "$PROV_LAB_SERVER" },
			{ "name": "cablelabs-client-conf", "code": 122,
			  "csv-format": false, "always-send": true,
			  "data": "0104C63364FE" }
		]
	} ],
	"loggers": [ { "name": "kea-dhcp4",
		"output_options": [ { "output": "$LAB_DIR/kea-dhcp4.log" } ],
		"severity": "INFO" } ]
}
}
EOF
	# -t checks the interfaces too: in the namespace that has wan0
	KEA_PIDFILE_DIR=$LAB_DIR KEA_LOCKFILE_DIR=$LAB_DIR \
		ip netns exec "$LAB_NS_WAN" "$PROV_KEA" -t "$conf" \
		>"$LAB_DIR/kea-check.log" 2>&1 || {
		lab_tail "$LAB_DIR/kea-check.log"
		lab_die "kea-dhcp4 refuses its configuration"
	}
	KEA_PIDFILE_DIR=$LAB_DIR KEA_LOCKFILE_DIR=$LAB_DIR \
		ip netns exec "$LAB_NS_WAN" "$PROV_KEA" -c "$conf" \
		>"$LAB_DIR/kea-dhcp4.out" 2>&1 </dev/null &
	PROV_KEA_PID=$!
	LAB_PIDS+=("$PROV_KEA_PID")
	lab_wait_for 10 "kea-dhcp4 on UDP 67" prov_wan_listening 67 || {
		lab_tail "$LAB_DIR/kea-dhcp4.out"
		lab_die "kea-dhcp4 did not start"
	}
}

# kea-dhcp6 on wan0 (RFC 8415: the ESG solicits from its link-local
# address to ff02::1:2): one subnet with the one address PROV_LAB_LEASE6,
# DNS (23) = $1, and the CableLabs vendor options (17, enterprise 4491,
# Kea's built-in "vendor-4491" space): CL_OPTION_TFTP_SERVERS (32),
# CL_OPTION_CONFIG_FILE_NAME (33), CL_OPTION_SYSLOG_SERVERS (34) (spec 000
# 8.1.3, spec 001 6.3.4.3 eUE-2/eUE-4). T1 from PROV_KEA6_T1 (default
# 300 s), T2 = 1.6 T1, preferred 3 T1, valid 4 T1. The lease file stays
# in $LAB_DIR, so a restarted kea knows the lease (RENEW).
prov_kea6_start() {
	local dns=$1 conf="$LAB_DIR/kea-dhcp6.json" t1=${PROV_KEA6_T1:-300}
	cat >"$conf" <<EOF
{
"Dhcp6": {
	"interfaces-config": { "interfaces": [ "wan0" ] },
	"server-id": { "type": "LL", "persist": false },
	"lease-database": { "type": "memfile", "persist": true,
		"name": "$LAB_DIR/kea-leases6.csv", "lfc-interval": 0 },
	"renew-timer": $t1, "rebind-timer": $((t1 * 16 / 10)),
	"preferred-lifetime": $((t1 * 3)), "valid-lifetime": $((t1 * 4)),
	"subnet6": [ {
		"id": 1,
		"subnet": "2001:db8:2::/64",
		"interface": "wan0",
		"pools": [ { "pool": "$PROV_LAB_LEASE6 - $PROV_LAB_LEASE6" } ],
		"option-data": [
			{ "name": "dns-servers", "data": "$dns" },
			{ "name": "vendor-opts", "data": "4491" },
			{ "name": "tftp-servers", "space": "vendor-4491",
			  "data": "$PROV_LAB_SERVER6", "always-send": true },
			{ "name": "config-file", "space": "vendor-4491",
			  "data": "esg.cfg", "always-send": true },
			{ "name": "syslog-servers", "space": "vendor-4491",
			  "data": "$PROV_LAB_SERVER6", "always-send": true }${PROV_KEA6_OPTS:+,
			$PROV_KEA6_OPTS}
		]
	} ],
	"loggers": [ { "name": "kea-dhcp6",
		"output_options": [ { "output": "$LAB_DIR/kea-dhcp6.log" } ],
		"severity": "INFO" } ]
}
}
EOF
	# kea binds the link-local address of wan0: wait out its DAD
	lab_wait_for 10 "wan0 link-local address usable" prov_wan_ll_ready || {
		ip -n "$LAB_NS_WAN" -6 addr show dev wan0
		lab_die "wan0 has no usable link-local address"
	}
	KEA_PIDFILE_DIR=$LAB_DIR KEA_LOCKFILE_DIR=$LAB_DIR \
		ip netns exec "$LAB_NS_WAN" "$PROV_KEA6" -t "$conf" \
		>"$LAB_DIR/kea6-check.log" 2>&1 || {
		lab_tail "$LAB_DIR/kea6-check.log"
		lab_die "kea-dhcp6 refuses its configuration"
	}
	KEA_PIDFILE_DIR=$LAB_DIR KEA_LOCKFILE_DIR=$LAB_DIR \
		ip netns exec "$LAB_NS_WAN" "$PROV_KEA6" -c "$conf" \
		>>"$LAB_DIR/kea-dhcp6.out" 2>&1 </dev/null &
	PROV_KEA6_PID=$!
	LAB_PIDS+=("$PROV_KEA6_PID")
	lab_wait_for 10 "kea-dhcp6 on UDP 547" prov_wan_listening 547 || {
		lab_tail "$LAB_DIR/kea-dhcp6.out"
		lab_die "kea-dhcp6 did not start"
	}
}

prov_kea6_stop() {
	[ -n "${PROV_KEA6_PID:-}" ] || return 0
	lab_stop_pid "$PROV_KEA6_PID" 10
	PROV_KEA6_PID=
	lab_wait_for 10 "UDP 547 closed" prov_wan_closed 547
}

prov_wan_closed() { ! prov_wan_listening "$1"; }

prov_wan_ll_ready() {
	ip -n "$LAB_NS_WAN" -6 addr show dev wan0 scope link | grep -q fe80 &&
		! ip -n "$LAB_NS_WAN" -6 addr show dev wan0 tentative | grep -q fe80 &&
		! ip -n "$LAB_NS_WAN" -6 addr show dev wan0 dadfailed | grep -q fe80
}

prov_wan_listening() {
	ip netns exec "$LAB_NS_WAN" ss -Hlun "sport = :$1" | grep -q .
}

# prov_tftpd_start [6]: in.tftpd on the WAN host's IPv4 (or IPv6) address
prov_tftpd_start() {
	local fam=${1:-4} addr="$PROV_LAB_SERVER:69" opt=-4
	if [ "$fam" = 6 ]; then
		addr="[$PROV_LAB_SERVER6]:69"
		opt=-6
	fi
	ip netns exec "$LAB_NS_WAN" "$PROV_TFTPD" -L "$opt" -s "$PROV_TFTP_DIR" \
		-a "$addr" >"$LAB_DIR/tftpd$fam.out" 2>&1 </dev/null &
	LAB_PIDS+=("$!")
	lab_wait_for 10 "in.tftpd on $addr" prov_wan_tftpd "$fam" || {
		lab_tail "$LAB_DIR/tftpd$fam.out"
		lab_die "in.tftpd did not start on $addr"
	}
}

prov_wan_tftpd() {
	ip netns exec "$LAB_NS_WAN" ss -Hlun -"$1" "sport = :69" | grep -q .
}

# A syslog receiver (RFC 5426: one message per UDP datagram, port 514,
# IPv4 and IPv6): every datagram a line "SOURCE MESSAGE" in
# $PROV_SYSLOG_OUT (IPv4 sources without the ::ffff: of the mapping).
prov_syslog_start() {
	ip netns exec "$LAB_NS_WAN" "$LAB_PY" -u -c '
import socket, sys
s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
s.bind(("::", 514))
out = open(sys.argv[1], "a")
while True:
    data, src = s.recvfrom(4096)
    a = src[0][7:] if src[0].startswith("::ffff:") else src[0]
    out.write("%s %s\n" % (a, data.decode("utf-8", "replace")))
    out.flush()
' "$PROV_SYSLOG_OUT" >"$LAB_DIR/syslog.err" 2>&1 </dev/null &
	PROV_SYSLOG_PID=$!
	LAB_PIDS+=("$PROV_SYSLOG_PID")
	lab_wait_for 10 "syslog listener on UDP 514" prov_wan_listening 514 ||
		lab_die "the syslog listener did not start"
}

# prov_snmptrapd_start COMMUNITY ADDR...: Debian's snmptrapd in the WAN
# namespace on the given transport addresses ("udp:198.51.100.254:162"),
# accepting SNMPv2c INFORMs of COMMUNITY (it answers them with a
# Response), logging every notification with numeric OIDs to
# $PROV_TRAPD_LOG; its persistent files in the lab directory, no MIBs, no
# other configuration file (-C).
prov_snmptrapd_start() {
	local community=$1 addrs
	shift
	addrs=$(
		IFS=,
		echo "$*"
	)
	PROV_TRAPD=${ESG_SNMPTRAPD:-/usr/sbin/snmptrapd}
	[ -x "$PROV_TRAPD" ] || lab_skip "no snmptrapd ($PROV_TRAPD; Debian snmptrapd)"
	PROV_TRAPD_LOG="$LAB_DIR/snmptrapd.log"
	mkdir -p "$LAB_DIR/snmp"
	echo "authCommunity log $community" >"$LAB_DIR/snmptrapd.conf"
	ip netns exec "$LAB_NS_WAN" env SNMP_PERSISTENT_DIR="$LAB_DIR/snmp" \
		MIBS= "$PROV_TRAPD" -f -Lo -C -c "$LAB_DIR/snmptrapd.conf" -On \
		-n "$addrs" >"$PROV_TRAPD_LOG" 2>&1 </dev/null &
	PROV_TRAPD_PID=$!
	LAB_PIDS+=("$PROV_TRAPD_PID")
	lab_wait_for 10 "snmptrapd started" \
		grep -q "NET-SNMP version" "$PROV_TRAPD_LOG" || {
		lab_tail "$PROV_TRAPD_LOG"
		lab_die "snmptrapd did not start on $addrs"
	}
}

# prov_http_start PORT: /usr/bin/python3 -m http.server on the WAN host's
# IPv4 address serving $PROV_TFTP_DIR; its access log in $LAB_DIR/http.log
prov_http_start() {
	ip netns exec "$LAB_NS_WAN" "$LAB_PY" -m http.server --bind "$PROV_LAB_SERVER" \
		--directory "$PROV_TFTP_DIR" "$1" >"$LAB_DIR/http.log" 2>&1 </dev/null &
	LAB_PIDS+=("$!")
	lab_wait_for 10 "http.server on $1" prov_wan_tcp_listening "$1" || {
		lab_tail "$LAB_DIR/http.log"
		lab_die "http.server did not start"
	}
}

prov_wan_tcp_listening() {
	ip netns exec "$LAB_NS_WAN" ss -Hltn "sport = :$1" | grep -q .
}

# prov_lab_trapd_has RE: snmptrapd logged a line matching RE
prov_lab_trapd_has() { grep -Eq "$1" "$PROV_TRAPD_LOG"; }

# prov_lab_up MODE [CAPTURE_FILE [FILTER]]: everything; with CAPTURE_FILE,
# tshark records FILTER (default DHCPv4) on the WAN host's wan0 from before
# the control plane starts (PROV_CAPTURE_S seconds, bounded by -a
# duration).
prov_lab_up() {
	local mode=$1 capture=${2:-} filter=${3:-"udp port 67 or udp port 68"}
	prov_lab_config "$mode"
	lab_topology
	lab_start_dataplane
	[ "$LAB_PORTS" = tap ] && lab_move_taps
	lab_hosts
	case $mode in
	dhcp4 | static) prov_tftpd_start 4 ;;
	dhcp6 | dhcp6-nokea) prov_tftpd_start 6 ;;
	dual)
		prov_tftpd_start 4
		prov_tftpd_start 6
		;;
	esac
	prov_syslog_start
	# PROV_TRAPD_ARGS="COMMUNITY ADDR...": an SNMP receiver on the WAN host
	# shellcheck disable=SC2086
	[ -n "${PROV_TRAPD_ARGS:-}" ] && prov_snmptrapd_start $PROV_TRAPD_ARGS
	# PROV_HTTP_PORT: python3 -m http.server serving the TFTP directory
	[ -n "${PROV_HTTP_PORT:-}" ] && prov_http_start "$PROV_HTTP_PORT"
	case $mode in dhcp4 | dual) prov_kea_start ;; esac
	case $mode in dhcp6 | dual) prov_kea6_start 2001:db8:2::53 ;; esac
	if [ -n "$capture" ]; then
		ip netns exec "$LAB_NS_WAN" tshark -q -n -i wan0 \
			-a "duration:${PROV_CAPTURE_S:-15}" \
			-f "$filter" -w "$capture" \
			>"$LAB_DIR/tshark.out" 2>&1 </dev/null &
		PROV_TSHARK_PID=$!
		LAB_PIDS+=("$PROV_TSHARK_PID")
		lab_wait_for 10 "tshark capturing" \
			grep -q "Capture started" "$LAB_DIR/tshark.out" ||
			lab_die "tshark did not start"
	fi
	# PROV_LAB_BEFORE_CP: more servers the control plane finds up
	if [ -n "${PROV_LAB_BEFORE_CP:-}" ]; then
		# shellcheck disable=SC2086
		$PROV_LAB_BEFORE_CP || lab_die "PROV_LAB_BEFORE_CP failed: $PROV_LAB_BEFORE_CP"
	fi
	lab_start_controlplane
}

prov_lab_syslog_has() { grep -Eq "$1" "$PROV_SYSLOG_OUT"; }
prov_lab_cp_log_has() { grep -Eq "$1" "$LAB_CP_LOG"; }

# The ESG's WAN exception interface carries addr (from the lease).
prov_lab_esg_has_addr() {
	ip -n "$LAB_NS_ESG" -o addr show dev esg-wan | grep -q " $1/"
}
