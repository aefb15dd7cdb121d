/* SPDX-License-Identifier: BSD-3-Clause */
/* The state pushed to every dataplane epoch (cp_state.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "cp_log.h"
#include "cp_state.h"

void
cp_state_if_addr(union dp_msg *m, uint16_t port, const struct esg_conf_addr *a)
{
	memset(m, 0, sizeof(*m));
	m->hdr.type = DP_MSG_IF_ADDR_ADD;
	m->if_addr.port = port;
	m->if_addr.family = (uint8_t)a->family;
	m->if_addr.prefixlen = a->prefixlen;
	if (a->family == AF_INET)
		memcpy(m->if_addr.addr, &a->u.v4, 4);
	else
		memcpy(m->if_addr.addr, &a->u.v6, 16);
}

static void
addr_result_h(const union dp_msg *cmd, int status, void *arg)
{
	const struct esg_conf *conf = arg;
	const struct dp_msg_if_addr *ia = &cmd->if_addr;
	char addr[INET6_ADDRSTRLEN] = "?";
	const char *name =
		ia->port < conf->nb_ifaces ? conf->iface[ia->port].name : "?";

	inet_ntop(ia->family, ia->addr, addr, sizeof(addr));
	if (status == 0)
		cp_info("%s: address %s/%u installed in the dataplane", name,
			addr, ia->prefixlen);
	else if (status == -EEXIST)
		/* IF_ADDR_ADD means "make it present": it is. */
		cp_info("%s: address %s/%u already present in the dataplane",
			name, addr, ia->prefixlen);
	else if (status == -ETIMEDOUT)
		cp_err("%s: address %s/%u not confirmed by the dataplane (no "
		       "RESULT)",
		       name, addr, ia->prefixlen);
	else
		cp_err("%s: address %s/%u refused by the dataplane: %s", name,
		       addr, ia->prefixlen, strerror(-status));
}

static int
push_list(struct cp_dp *dp, const struct esg_conf *conf, uint16_t port,
	  const struct esg_conf_addr *a, unsigned int n, uint64_t now_ns)
{
	union dp_msg m;
	unsigned int i;
	int err, first = 0;

	for (i = 0; i < n; i++) {
		cp_state_if_addr(&m, port, &a[i]);
		err = cp_dp_send(dp, &m, now_ns, addr_result_h, (void *)conf);
		if (err) {
			cp_err("%s: cannot send IF_ADDR_ADD: %s",
			       conf->iface[port].name, strerror(err));
			if (first == 0)
				first = err;
		}
	}
	return first;
}

int
cp_state_push(struct cp_dp *dp, const struct esg_conf *conf, uint64_t now_ns)
{
	unsigned int i;
	int err, first = 0;

	/* The port index of the contract is the interface's position in
	 * the configuration: the dataplane opens its ports in that order. */
	for (i = 0; i < conf->nb_ifaces && i < DP_MAX_PORTS; i++) {
		const struct esg_conf_iface *ifc = &conf->iface[i];

		err = push_list(dp, conf, (uint16_t)i, ifc->addr4,
				ifc->nb_addr4, now_ns);
		if (err && first == 0)
			first = err;
		err = push_list(dp, conf, (uint16_t)i, ifc->addr6,
				ifc->nb_addr6, now_ns);
		if (err && first == 0)
			first = err;
	}
	return first;
}
