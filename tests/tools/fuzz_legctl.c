/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Fuzz target: esg-legctl's command language (tests/tools/legctl_parse.c).
 * The input is a script: each line is split into words, parsed, and its
 * interface resolved against a fixed two-port dataplane. Whatever the
 * bytes, nothing reads out of bounds, a refusal has a reason, and a
 * command that is accepted is one the contract accepts (dp_msg_validate)
 * with a resolved interface inside the port table.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "legctl.h"

static struct dp_stats st;

static void
ports(void)
{
	if (st.nb_ports != 0)
		return;
	st.nb_ports = 2;
	memcpy(st.port[0].name, "lan", 4);
	memcpy(st.port[0].exception, "esg-lan", 8);
	memcpy(st.port[0].device, "net_tap0,iface=lan0", 20);
	memcpy(st.port[1].name, "wan", 4);
	memcpy(st.port[1].exception, "esg-wan", 8);
	memcpy(st.port[1].device, "net_af_packet1,iface=wan0,qpairs=1", 35);
}

static void
one_line(char *line)
{
	char *argv[LEGCTL_MAX_ARGS], err[LEGCTL_ERR_LEN];
	struct legctl_cmd cmd;
	int argc = legctl_split(line, argv, LEGCTL_MAX_ARGS);

	if (argc <= 0)
		return;
	err[0] = '\0';
	if (legctl_parse(argc, argv, &cmd, err, sizeof(err)) != 0) {
		if (err[0] == '\0')
			abort(); /* a refusal always says why */
		return;
	}
	if (cmd.verb == LEGCTL_SLEEP)
		return;
	if (dp_msg_validate(&cmd.msg, DP_DIR_CMD) != 0)
		abort();
	err[0] = '\0';
	if (legctl_resolve(&cmd, &st, err, sizeof(err)) != 0) {
		if (err[0] == '\0')
			abort();
		return;
	}
	if (cmd.msg.hdr.type == DP_MSG_LEG_ADD && cmd.msg.leg_add.port >= 2)
		abort();
	if (cmd.msg.hdr.type == DP_MSG_LEG_BULK_DEL &&
	    cmd.msg.leg_bulk_del.port >= 2 &&
	    cmd.msg.leg_bulk_del.port != 0xffff)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char line[LEGCTL_LINE_MAX + 1];
	size_t i = 0, n;

	ports();
	while (i < size) {
		n = 0;
		/* a line, NUL bytes and all, cut at the tool's line limit */
		while (i < size && data[i] != '\n' && n < LEGCTL_LINE_MAX)
			line[n++] = (char)data[i++];
		if (i < size && data[i] == '\n')
			i++;
		line[n] = '\0';
		one_line(line);
	}
	return 0;
}
