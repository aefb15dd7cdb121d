/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The EAL command line, built from the configuration so that an operator
 * never writes one: the main lcore and the workers, memory with or without
 * hugepages, the PCI devices to take, a file prefix per instance, and last
 * the configuration's own eal_args (which may override any of these).
 * Virtual devices are probed after EAL init (dp_port.c) so that a failure
 * names its interface.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "dp_state.h"

bool
dp_dev_is_vdev(const char *device)
{
	return strncmp(device, "net_", 4) == 0;
}

static int add(struct dp_eal_args *ea, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int
add(struct dp_eal_args *ea, const char *fmt, ...)
{
	size_t room = sizeof(ea->buf) - ea->used;
	va_list ap;
	int n;

	if (ea->argc >= DP_EAL_MAX_ARGS)
		return -E2BIG;
	va_start(ap, fmt);
	n = vsnprintf(ea->buf + ea->used, room, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= room)
		return -E2BIG;
	ea->argv[ea->argc++] = ea->buf + ea->used;
	ea->argv[ea->argc] = NULL;
	ea->used += (size_t)n + 1;
	return 0;
}

/* "-l main,workers": the workers are worker_cpus, or the CPUs after the
 * main one. */
static int
add_lcores(struct dp_eal_args *ea, const struct esg_conf_dataplane *dc)
{
	char list[256];
	size_t off;
	unsigned int i;
	int err;

	off = (size_t)snprintf(list, sizeof(list), "%u", dc->main_lcore);
	if (dc->workers > 0 && dc->worker_cpus[0] != '\0') {
		snprintf(list + off, sizeof(list) - off, ",%s",
			 dc->worker_cpus);
	} else {
		for (i = 1; i <= dc->workers && off < sizeof(list); i++)
			off += (size_t)snprintf(list + off, sizeof(list) - off,
						",%u", dc->main_lcore + i);
	}
	err = add(ea, "-l");
	if (!err)
		err = add(ea, "%s", list);
	if (!err)
		err = add(ea, "--main-lcore=%u", dc->main_lcore);
	return err;
}

int
dp_eal_args_build(const struct esg_conf *c, const char *instance,
		  const char *prog, struct dp_eal_args *ea, char *err,
		  size_t errlen)
{
	const struct esg_conf_dataplane *dc = &c->dp;
	unsigned int i, nb_pci = 0;
	int rc;

	memset(ea, 0, sizeof(*ea));
	rc = add(ea, "%s", prog);
	if (!rc)
		rc = add_lcores(ea, dc);
	if (!rc)
		rc = add(ea, "--file-prefix=esg-%s", instance);
	if (!rc)
		rc = add(ea, "--proc-type=primary");
	if (!rc)
		rc = add(ea, "-m");
	if (!rc)
		rc = add(ea, "%u", dc->memory_mb);
	if (!rc && dc->no_huge)
		rc = add(ea, "--no-huge");
	/* EAL chatter at notice; eal_args can raise it. */
	if (!rc)
		rc = add(ea, "--log-level=notice");
	for (i = 0; !rc && i < c->nb_ifaces; i++) {
		if (dp_dev_is_vdev(c->iface[i].device))
			continue;
		nb_pci++;
		rc = add(ea, "-a");
		if (!rc)
			rc = add(ea, "%s", c->iface[i].device);
	}
	if (!rc && nb_pci == 0)
		rc = add(ea, "--no-pci");
	for (i = 0; !rc && i < dc->nb_eal_args; i++)
		rc = add(ea, "%s", dc->eal_args[i]);
	if (rc)
		snprintf(err, errlen, "EAL arguments: too many or too long");
	return rc;
}
