#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# The foundation test again with the other port kind of the lab:
# net_af_packet on veth pairs instead of net_tap (see tests/e2e/lib/lab.sh).
# Here the dataplane's port reads a veth end that stays in the ESG
# namespace (its kernel stack silenced) instead of a tap whose kernel end
# was moved away: both lab variants are kept working.
export ESG_LAB_PORTS=af_packet
exec bash "$(dirname "$0")/foundation_test.sh" "$@"
