/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * esg-legctl's command language (docs/controlplane.md "esg-legctl"): one
 * command per line or per argument group, turned into the LEG_* message
 * of the contract. Parsing needs no dataplane; interface names are
 * resolved afterwards against the attached dataplane's port table.
 * Functions return 0 or -EINVAL with the reason in err (one line).
 */
#ifndef LEGCTL_H
#define LEGCTL_H

#include <stddef.h>
#include <stdint.h>

#include "dp_msg.h"
#include "dp_stats.h"

#define LEGCTL_ERR_LEN 160
#define LEGCTL_MAX_ARGS 24
#define LEGCTL_LINE_MAX 1024

enum legctl_verb {
	LEGCTL_LEG,   /* a LEG_* command: msg */
	LEGCTL_SLEEP, /* wait sleep_ms (answering PINGs, printing events) */
};

struct legctl_cmd {
	enum legctl_verb verb;
	union dp_msg msg; /* type and body; seq and len: at send */
	char ifname[DP_IFNAME_LEN * 4]; /* LEG_ADD, LEG_BULK_DEL: to
					 * resolve; "" none */
	uint32_t sleep_ms;
	unsigned int line; /* 1-based line of a script; 0: arguments */
};

/* Split a line into words (blanks; '#' starts a comment). Returns the
 * number of words, or -EINVAL (too many words). line is modified. */
int legctl_split(char *line, char **argv, int max);
/* Parse one command: argv[0] is the verb. */
int legctl_parse(int argc, char **argv, struct legctl_cmd *cmd, char *err,
		 size_t errlen);
/* Interface name -> port index: the port's configured name, its kernel
 * exception interface, the iface= of its device ("lan0" of
 * "net_tap0,iface=lan0") or its index. */
int legctl_resolve(struct legctl_cmd *cmd, const struct dp_stats *st, char *err,
		   size_t errlen);
/* "EEXIST" for EEXIST (positive), or "E<n>". */
const char *legctl_errno_name(int err, char *buf, size_t len);

#endif
