# shellcheck shell=bash
# SPDX-License-Identifier: BSD-3-Clause
#
# The provisioning lab (docs/provisioning.md "End-to-end tests"): the lab
# of lab.sh, plus in the WAN namespace the operator's provisioning servers:
# Debian's kea-dhcp4 (raw sockets on wan0), tftpd-hpa (in.tftpd) serving a
# configuration file built by esg-cfgfile, and a syslog listener (UDP 514,
# /usr/bin/python3). Source lab.sh first, then:
#
#   prov_lab_init            lab_init + kea-dhcp4 / in.tftpd present, else 77
#   prov_lab_file DESC       build the served esg.cfg from an esg-cfgfile text
#   prov_lab_up MODE         MODE dhcp4 | static: configuration, dataplane,
#                            hosts, servers, control plane (no wait for SIP)
#   prov_lab_syslog_has RE   the syslog listener got a line matching RE
#   prov_lab_cp_log_has RE   the control plane logged RE
#
# Addresses (TEST-NET, inside the lab's namespaces): the WAN host
# 198.51.100.254 is DHCP server, router, TFTP and syslog server; the pool
# is the one address PROV_LAB_LEASE.

PROV_LAB_LEASE=198.51.100.100
PROV_LAB_SERVER=198.51.100.254

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
	*) lab_die "prov_lab_config: dhcp4 or static, not $mode" ;;
	esac
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

prov_wan_listening() {
	ip netns exec "$LAB_NS_WAN" ss -Hlun "sport = :$1" | grep -q .
}

prov_tftpd_start() {
	ip netns exec "$LAB_NS_WAN" "$PROV_TFTPD" -L -s "$PROV_TFTP_DIR" \
		-a "$PROV_LAB_SERVER:69" >"$LAB_DIR/tftpd.out" 2>&1 </dev/null &
	PROV_TFTPD_PID=$!
	LAB_PIDS+=("$PROV_TFTPD_PID")
	lab_wait_for 10 "in.tftpd on UDP 69" prov_wan_listening 69 || {
		lab_tail "$LAB_DIR/tftpd.out"
		lab_die "in.tftpd did not start"
	}
}

# A syslog receiver (RFC 5426: one message per UDP datagram, port 514):
# every datagram a line in $PROV_SYSLOG_OUT.
prov_syslog_start() {
	ip netns exec "$LAB_NS_WAN" "$LAB_PY" -u -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("0.0.0.0", 514))
out = open(sys.argv[1], "a")
while True:
    data, src = s.recvfrom(4096)
    out.write("%s %s\n" % (src[0], data.decode("utf-8", "replace")))
    out.flush()
' "$PROV_SYSLOG_OUT" >"$LAB_DIR/syslog.err" 2>&1 </dev/null &
	PROV_SYSLOG_PID=$!
	LAB_PIDS+=("$PROV_SYSLOG_PID")
	lab_wait_for 10 "syslog listener on UDP 514" prov_wan_listening 514 ||
		lab_die "the syslog listener did not start"
}

# prov_lab_up MODE [CAPTURE_FILE]: everything; with CAPTURE_FILE, tshark
# records DHCP on the WAN host's wan0 from before the control plane starts
# (PROV_CAPTURE_S seconds, bounded by -a duration).
prov_lab_up() {
	local mode=$1 capture=${2:-}
	prov_lab_config "$mode"
	lab_topology
	lab_start_dataplane
	[ "$LAB_PORTS" = tap ] && lab_move_taps
	lab_hosts
	prov_tftpd_start
	prov_syslog_start
	[ "$mode" = dhcp4 ] && prov_kea_start
	if [ -n "$capture" ]; then
		ip netns exec "$LAB_NS_WAN" tshark -q -n -i wan0 \
			-a "duration:${PROV_CAPTURE_S:-15}" \
			-f "udp port 67 or udp port 68" -w "$capture" \
			>"$LAB_DIR/tshark.out" 2>&1 </dev/null &
		PROV_TSHARK_PID=$!
		LAB_PIDS+=("$PROV_TSHARK_PID")
		lab_wait_for 10 "tshark capturing" \
			grep -q "Capture started" "$LAB_DIR/tshark.out" ||
			lab_die "tshark did not start"
	fi
	lab_start_controlplane
}

prov_lab_syslog_has() { grep -Eq "$1" "$PROV_SYSLOG_OUT"; }
prov_lab_cp_log_has() { grep -Eq "$1" "$LAB_CP_LOG"; }

# The ESG's WAN exception interface carries addr (from the lease).
prov_lab_esg_has_addr() {
	ip -n "$LAB_NS_ESG" -o -4 addr show dev esg-wan | grep -q " $1/"
}
