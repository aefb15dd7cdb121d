/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * esg-controlplane: loads the configuration, attaches to esg-dataplane's
 * segment (waiting for it, following its restarts), pushes the interface
 * addresses, and serves SIP on the own addresses: OPTIONS always, and with
 * a "sip" section the B2BUA (registration, admission, input guard, calls
 * with media anchored in the dataplane). One libre event loop, no EAL.
 * See docs/controlplane.md, docs/b2bua.md.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <re.h>

#include "cp_addrs.h"
#include "cp_dp.h"
#include "cp_log.h"
#include "cp_state.h"
#include "cp_status.h"
#include "dp_shm.h"
#include "esg_conf.h"
#include "media/cp_leg.h"
#include "prov/cp_prov_run.h"
#include "sip/cp_b2bua.h"
#include "sip/cp_cac.h"
#include "sip/cp_cdr.h"
#include "sip/cp_reg.h"
#include "sip/cp_route.h"
#include "sip/cp_sip.h"
#include "sip/cp_sipguard.h"

/*
 * The event ring is polled every millisecond: a RESULT or PONG waits at
 * most 1 ms, and 1000 wake-ups a second of a process that then reads one
 * ring index cost well under 1% of a core. An eventfd the dataplane
 * signals would remove the wake-ups; it is a later optimisation.
 */
#define CP_POLL_MS 1
#define CP_ATTACH_RETRY_MS 200
#define CP_RESULT_TIMEOUT_MS 2000
#define CP_SIP_RETRY_MS 1000

struct cp {
	struct esg_conf conf;
	struct cp_dp *dp;
	struct cp_leg_tbl *legs; /* media legs installed in the dataplane */
	struct cp_sip *sip;
	struct cp_sipguard *guard; /* in front of libre's SIP sockets */
	struct cp_cdr *cdr;	   /* call records */
	struct cp_reg *reg;	   /* registrations */
	struct cp_cac *cac;	   /* call admission */
	struct cp_b2bua *b2bua;	   /* calls */
	struct cp_prov_run *prov;  /* WAN provisioning (docs/provisioning.md) */
	struct cp_status *status;  /* the document esgctl reads */
	struct cp_addrs_watch *addrs; /* leased own addresses (cp_addrs.h) */
	/* a leased WAN address whose SIP listener is not bound yet: the
	 * trunk registers again once it is (sip_bound_h) */
	bool reg_waiting;
	struct sa reg_wait;
	struct tmr poll;
	int exit_code;
};

static volatile sig_atomic_t cp_signal;
static volatile sig_atomic_t cp_hup; /* SIGHUP seen: reopen the records */

static void
usage(FILE *f)
{
	fprintf(f, "usage: esg-controlplane -c CONF.json [--instance NAME] "
		   "[--check]\n"
		   "  -c, --config FILE   the configuration (JSON)\n"
		   "  -i, --instance NAME segment /dev/shm/esg.NAME (default: "
		   "the configuration's \"instance\")\n"
		   "  -n, --check         validate the configuration and exit\n"
		   "  -h, --help          this text\n"
		   "exit codes: 0 ok, 1 runtime failure, 2 bad usage or "
		   "configuration\n");
}

static void
attach_h(struct cp_dp *dp, uint64_t epoch, uint64_t now_ns, void *arg)
{
	struct cp *cp = arg;

	cp_state_push(dp, &cp->conf, now_ns);
	/* A new dataplane starts empty: every live leg goes in again
	 * (ARCHITECTURE.md restart rules). */
	if (cp->legs != NULL)
		cp_leg_attach(cp->legs, epoch, now_ns);
	/* the first attach starts provisioning, later ones re-apply it */
	if (cp->prov != NULL)
		cp_prov_run_attach(cp->prov, dp, now_ns);
}

static void
poll_h(void *arg)
{
	struct cp *cp = arg;
	uint64_t now_ns = dp_shm_now_ns();
	int err;

	/* Log rotation (docs/admission.md): the handler only sets the
	 * flag; the file is reopened here, in the event loop. */
	if (cp_hup) {
		cp_hup = 0;
		if (cp->cdr != NULL)
			(void)cp_cdr_reopen(cp->cdr);
	}
	err = cp_dp_poll(cp->dp, now_ns);
	if (!err)
		cp_leg_poll(cp->legs, now_ns);
	if (err) {
		cp_err("stopping: %s", strerror(err));
		cp->exit_code = 1;
		re_cancel();
		return;
	}
	tmr_start(&cp->poll, CP_POLL_MS, poll_h, cp);
}

/* libre calls this from the signal handler itself: only async-signal-safe
 * work here (re_cancel() clears a flag); the logging happens after
 * re_main() returns. */
static void
signal_h(int sig)
{
	cp_signal = sig;
	re_cancel();
}

/* SIGHUP (logrotate): libre's re_main() does not handle it, and its
 * default action would end the process. Async-signal-safe: a flag. */
static void
hup_h(int sig)
{
	(void)sig;
	cp_hup = 1;
}

/* TCP or TLS toward the operator (sip.operator.transport): a stream
 * listener on the WAN interface's addresses of its stack, next to UDP
 * (docs/b2bua.md "Transport toward the operator"). */
static int
sip_trunk_transport(struct cp *cp)
{
	const struct esg_conf_sip *s = &cp->conf.sip;
	struct tls *tls = NULL;
	int err;

	switch (s->transport) {
	case ESG_SIP_UDP:
		return 0;
	case ESG_SIP_TCP:
		return cp_sip_stream(cp->sip, (unsigned int)s->wan_iface,
				     SIP_TRANSP_TCP, NULL);
	case ESG_SIP_TLS:
		break;
	}
	err = cp_sip_tls_alloc(&tls, s);
	if (!err)
		err = cp_sip_stream(cp->sip, (unsigned int)s->wan_iface,
				    SIP_TRANSP_TLS, tls);
	mem_deref(tls);
	return err;
}

static int
sip_start(struct cp *cp)
{
	struct sa addrs[CP_SIP_MAX_ADDRS];
	unsigned int grp[CP_SIP_MAX_ADDRS];
	unsigned int i, j, n = 0;
	int err;

	memset(addrs, 0, sizeof(addrs)); /* sa_set_in6 sets no flowinfo */
	for (i = 0; i < cp->conf.nb_ifaces; i++) {
		const struct esg_conf_iface *ifc = &cp->conf.iface[i];

		/* one libre stack per interface (cp_sip.h) */
		for (j = 0; j < ifc->nb_addr4 && n < CP_SIP_MAX_ADDRS; j++) {
			grp[n] = i;
			sa_set_in(&addrs[n++], ntohl(ifc->addr4[j].u.v4.s_addr),
				  0);
		}
		for (j = 0; j < ifc->nb_addr6 && n < CP_SIP_MAX_ADDRS; j++) {
			grp[n] = i;
			sa_set_in6(&addrs[n++], ifc->addr6[j].u.v6.s6_addr, 0);
		}
	}
	err = cp_sip_alloc_groups(&cp->sip, addrs, grp, n, cp->conf.cp.sip_port,
				  CP_SIP_RETRY_MS);
	/* a stack for every interface, also one whose address provisioning
	 * leases later: the B2BUA and registration take them now */
	for (i = 0; !err && i < cp->conf.nb_ifaces; i++)
		err = cp_sip_group_open(cp->sip, i);
	if (!err && cp->conf.sip.enabled)
		err = sip_trunk_transport(cp);
	return err;
}

/* Issue 5 hand-off (spec 000 8.1.3): a leased own address (cp_prov_run
 * -> cp_addrs) gets a SIP listener; routing and media read it through
 * cp_route; the trunk registers again when the WAN side's address in the
 * signalling family changes (spec 001 6.3.5). */
static void
addrs_h(unsigned int iface, const struct sa *a, bool added, void *arg)
{
	struct cp *cp = arg;
	bool wan_sig;
	int err, af;

	if (cp->sip == NULL || iface >= CP_SIP_MAX_GROUPS)
		return;
	af = cp_route_sig_af(&cp->conf.sip);
	wan_sig = cp->reg != NULL && (int)iface == cp->conf.sip.wan_iface &&
		  (af == AF_UNSPEC || af == sa_af(a));
	/* A REGISTER from an address with no listener yet fails at once
	 * (libre finds no transport) and waits for the back-off: register
	 * when the listener is bound, which may be inside cp_sip_add. */
	if (added && wan_sig) {
		cp->reg_wait = *a;
		cp->reg_waiting = true;
	}
	err = added ? cp_sip_add(cp->sip, a, iface)
		    : cp_sip_del(cp->sip, a, iface);
	if (err && err != EALREADY && err != ENOENT) {
		char txt[64];

		re_snprintf(txt, sizeof(txt), "%j", a);
		cp_err("SIP: leased address %s: %s", txt, strerror(err));
	}
	if (!wan_sig)
		return;
	/* Added and listening now or soon: sip_bound_h registers (it may
	 * have done so inside cp_sip_add). Removed, already listening, or
	 * failed: register now (a failure is retried by the registration's
	 * own back-off). */
	if (added && !err)
		return;
	cp->reg_waiting = false;
	cp_reg_wan_changed(cp->reg);
}

/* Every SIP request: the guard learns the socket (and drops its own
 * probe), then the B2BUA; what it leaves, the OPTIONS responder. */
static bool
sip_req_h(const struct sip_msg *msg, void *arg)
{
	struct cp *cp = arg;

	if (cp->guard != NULL && cp_sipguard_learn(cp->guard, msg))
		return true;
	return cp_b2bua_request(cp->b2bua, msg);
}

static void
sip_bound_h(const struct sa *addr, void *arg)
{
	struct cp *cp = arg;

	if (cp->guard != NULL)
		(void)cp_sipguard_probe(cp->guard, addr);
	if (cp->reg_waiting && sa_cmp(addr, &cp->reg_wait, SA_ADDR)) {
		cp->reg_waiting = false;
		cp_reg_wan_changed(cp->reg);
	}
}

static int
b2bua_start(struct cp *cp)
{
	struct cp_b2bua_cfg bc;
	unsigned int i;
	int err;

	memset(&bc, 0, sizeof(bc));
	for (i = 0; i < cp->conf.nb_ifaces && i < ESG_CONF_MAX_IFACES; i++)
		bc.sip[i] = cp_sip_stack_of(cp->sip, i);
	err = cp_sipguard_alloc(&cp->guard, &cp->conf.sip);
	if (err)
		return err;
	err = cp_cdr_alloc(&cp->cdr, cp->conf.sip.records);
	if (err)
		return err;
	/* Registration: a REGISTER is answered by the stack it came in on
	 * (its retransmissions are absorbed there), the operator is
	 * talked to from the WAN interface's stack. */
	err = cp_reg_alloc_stacks(&cp->reg, bc.sip, &cp->conf,
				  cp->conf.cp.sip_port);
	if (err)
		return err;
	err = cp_cac_alloc(&cp->cac, &cp->conf.sip, tmr_jiffies() * 1000000ULL);
	if (err)
		return err;
	bc.conf = &cp->conf;
	bc.legs = cp->legs;
	bc.reg = cp->reg;
	bc.cac = cp->cac;
	bc.cdr = cp->cdr;
	bc.dp = cp->dp;
	err = cp_b2bua_alloc(&cp->b2bua, &bc);
	if (err)
		return err;
	cp_sip_set_handler(cp->sip, sip_req_h, sip_bound_h, cp, CP_B2BUA_ALLOW);
	return cp_reg_start(cp->reg);
}

/* The status document for esgctl (docs/esgctl.md): not being able to
 * write it costs the operator a view, not the calls. */
static void
status_start(struct cp *cp)
{
	struct cp_status_src src = {
		.conf = &cp->conf,
		.sip = cp->sip,
		.guard = cp->guard,
		.reg = cp->reg,
		.cac = cp->cac,
		.b2bua = cp->b2bua,
		.prov = cp->prov != NULL ? cp_prov_run_prov(cp->prov) : NULL,
	};
	int err = cp_status_alloc(&cp->status, &src);

	if (err)
		cp_warn("status file: %s (esgctl sip/calls/prov unavailable)",
			strerror(err));
}

static int
dp_start(struct cp *cp)
{
	struct cp_dp_cfg cfg;
	unsigned int i;

	memset(&cfg, 0, sizeof(cfg));
	snprintf(cfg.instance, sizeof(cfg.instance), "%s", cp->conf.instance);
	cfg.attach_timeout_ns =
		(uint64_t)cp->conf.cp.attach_timeout_s * 1000000000ULL;
	cfg.retry_ns = CP_ATTACH_RETRY_MS * 1000000ULL;
	cfg.dead_ns = (uint64_t)cp->conf.cp.dp_dead_ms * 1000000ULL;
	cfg.ping_interval_ns =
		(uint64_t)cp->conf.cp.ping_interval_ms * 1000000ULL;
	cfg.result_timeout_ns = CP_RESULT_TIMEOUT_MS * 1000000ULL;
	for (i = 0; i < cp->conf.nb_ifaces && i < DP_MAX_PORTS; i++)
		snprintf(cfg.port_name[i], CP_DP_NAME_LEN, "%s",
			 cp->conf.iface[i].name);
	return cp_dp_alloc(&cp->dp, &cfg, dp_shm_now_ns(), attach_h, cp);
}

static int
run(struct cp *cp)
{
	struct sigaction sa;
	int err;

	err = libre_init();
	if (err) {
		cp_err("libre_init: %s", strerror(err));
		return 1;
	}
	tmr_init(&cp->poll);
	if (cp->conf.prov.enabled) {
		err = cp_prov_run_alloc(&cp->prov, &cp->conf);
		if (err) {
			cp_err("provisioning: %s", strerror(err));
			cp->exit_code = 1;
			goto out;
		}
	}
	err = dp_start(cp);
	if (err) {
		cp_err("dataplane link: %s", strerror(err));
		cp->exit_code = 1;
		goto out;
	}
	err = cp_leg_tbl_alloc(&cp->legs, cp->dp, cp->conf.dp.max_legs);
	if (err) {
		cp_err("media legs: %s", strerror(err));
		cp->exit_code = 1;
		goto out;
	}
	if (cp->conf.cp.sip_port != 0) {
		err = sip_start(cp);
		if (err) {
			cp_err("SIP: %s", strerror(err));
			cp->exit_code = 1;
			goto out;
		}
		if (cp->conf.sip.enabled) {
			err = b2bua_start(cp);
			if (err) {
				cp_err("B2BUA: %s", strerror(err));
				cp->exit_code = 1;
				goto out;
			}
		}
	}
	if (cp->sip != NULL) {
		err = cp_addrs_watch(&cp->addrs, addrs_h, cp);
		if (err) {
			cp_err("own addresses: %s", strerror(err));
			cp->exit_code = 1;
			goto out;
		}
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = hup_h;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	(void)sigaction(SIGHUP, &sa, NULL);
	status_start(cp);
	tmr_start(&cp->poll, 0, poll_h, cp);
	cp_notice("started (instance %s, %u interfaces, SIP port %u)",
		  cp->conf.instance, cp->conf.nb_ifaces, cp->conf.cp.sip_port);
	err = re_main(signal_h);
	if (cp_signal != 0)
		cp_notice("signal %d: shutting down", (int)cp_signal);
	if (err) {
		cp_err("event loop: %s", strerror(err));
		cp->exit_code = 1;
	}
	cp_dp_log_counters(cp->dp);
	if (cp->sip != NULL)
		cp_sip_log_counters(cp->sip);
	if (cp->b2bua != NULL)
		cp_b2bua_log_counters(cp->b2bua);
	if (cp->reg != NULL)
		cp_reg_log_status(cp->reg);
	if (cp->guard != NULL)
		cp_sipguard_log_counters(cp->guard);
	/* the lease given back below changes no listener or registration */
	cp->addrs = mem_deref(cp->addrs);
	cp_prov_run_stop(cp->prov); /* RELEASE while the link is up */
out:
	cp->status = mem_deref(cp->status); /* removes the file */
	cp->addrs = mem_deref(cp->addrs);
	tmr_cancel(&cp->poll);
	/* Legs stay in the dataplane: media flows on until the next control
	 * plane takes over (the table sends nothing once closed, so the
	 * calls freed next delete none). The link goes first (it points to
	 * the table). */
	if (cp->legs != NULL)
		cp_leg_tbl_close(cp->legs);
	cp->b2bua = mem_deref(cp->b2bua);
	cp->reg = mem_deref(cp->reg);
	cp->cac = mem_deref(cp->cac);
	cp->cdr = mem_deref(cp->cdr);
	cp->sip = mem_deref(cp->sip);
	cp->guard = mem_deref(cp->guard);
	cp->prov = mem_deref(cp->prov);
	cp->dp = mem_deref(cp->dp); /* detaches */
	cp->legs = mem_deref(cp->legs);
	libre_close();
	cp_notice("stopped");
	return cp->exit_code;
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"config", required_argument, NULL, 'c'},
		{"instance", required_argument, NULL, 'i'},
		{"check", no_argument, NULL, 'n'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *path = NULL, *instance = NULL;
	char err_buf[ESG_CONF_ERR_LEN], shm_path[64];
	static struct cp cp; /* large (the configuration): not on the stack */
	bool check = false;
	int o, err;

	while ((o = getopt_long(argc, argv, "c:i:nh", opts, NULL)) != -1) {
		switch (o) {
		case 'c':
			path = optarg;
			break;
		case 'i':
			instance = optarg;
			break;
		case 'n':
			check = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (path == NULL || optind != argc) {
		usage(stderr);
		return 2;
	}
	err = esg_conf_load(path, &cp.conf, err_buf);
	if (err) {
		fprintf(stderr, "esg-controlplane: %s: %s\n", path, err_buf);
		return 2;
	}
	if (instance != NULL) {
		if (dp_shm_path(instance, shm_path, sizeof(shm_path)) != 0) {
			fprintf(stderr,
				"esg-controlplane: bad instance name '%s' "
				"(letters, digits, '-', '_'; at most 32)\n",
				instance);
			return 2;
		}
		snprintf(cp.conf.instance, sizeof(cp.conf.instance), "%s",
			 instance);
	}
	if (check) {
		printf("configuration OK: %u interfaces\n", cp.conf.nb_ifaces);
		return 0;
	}
	cp_log_init(cp.conf.log_level, cp.conf.log_syslog);
	err = run(&cp);
	cp_log_close();
	return err;
}
