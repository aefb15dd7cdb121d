#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# The RTP relay test again with the other port kind of the lab:
# net_af_packet on veth pairs instead of net_tap (tests/e2e/lib/lab.sh),
# as foundation_afpacket_test.sh does for the foundation test.
export ESG_LAB_PORTS=af_packet
exec bash "$(dirname "$0")/relay_test.sh" "$@"
