/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * OPTIONS keep-alive toward the operator proxy (cp_reg.h): one OPTIONS
 * (RFC 3261 11) every options_interval_s; any response means the proxy is
 * up (even 4xx/5xx: it answered), no response within the transaction
 * (Timer F, 32 s on UDP) means down. A line is logged on each change;
 * the status (state, last RTT) is read with cp_reg_ka_status().
 */
#include <errno.h>
#include <string.h>

#include "cp_log.h"
#include "cp_reg_int.h"

static void send_options(struct cp_reg *reg);

static void
ka_tmr_h(void *arg)
{
	struct cp_reg *reg = arg;

	tmr_start(&reg->ka_tmr,
		  (uint64_t)reg->conf.sip.options_interval_s * 1000, ka_tmr_h,
		  reg);
	/* One in flight at a time: a slow proxy is not piled upon. */
	if (reg->ka_req == NULL)
		send_options(reg);
}

static void
resp_h(int err, const struct sip_msg *msg, void *arg)
{
	struct cp_reg *reg = arg;
	uint64_t now = tmr_jiffies();

	if (err == 0 && msg != NULL && msg->scode < 200)
		return;
	if (!cp_reg_ka_result(&reg->ka, reg->ka_sent_ms, now,
			      msg != NULL ? msg->scode : 0,
			      err != 0 ? err : (msg == NULL ? EPROTO : 0)))
		return;
	if (reg->ka.state == CP_REG_KA_UP)
		cp_notice("SIP: operator proxy %s is up (OPTIONS %u, rtt %u "
			  "ms)",
			  reg->conf.sip.proxy, reg->ka.last_code,
			  reg->ka.rtt_ms);
	else
		cp_warn("SIP: operator proxy %s is down (OPTIONS: %s)",
			reg->conf.sip.proxy, strerror(reg->ka.last_err));
}

static void
send_options(struct cp_reg *reg)
{
	const char *routev = reg->route;
	struct uri route;
	struct pl pl;
	int err;

	pl_set_str(&pl, routev);
	err = uri_decode(&route, &pl);
	if (err == 0) {
		reg->ka_sent_ms = tmr_jiffies();
		reg->ka.sent++;
		/* Out of dialog; Request-URI and To the proxy itself.
		 * sip_requestf() writes Max-Forwards itself: a second one
		 * (RFC 3261 7.3.1 allows none) makes kamailio refuse the
		 * OPTIONS. */
		err = sip_requestf(&reg->ka_req, reg->sip, true, "OPTIONS",
				   reg->conf.sip.proxy, &route, NULL, NULL,
				   resp_h, reg,
				   "To: <%s>\r\n"
				   "From: <sip:esg@%s>;tag=%s\r\n"
				   "Call-ID: %s\r\n"
				   "CSeq: %u OPTIONS\r\n"
				   "Accept: application/sdp\r\n"
				   "Content-Length: 0\r\n\r\n",
				   reg->conf.sip.proxy, reg->domain,
				   reg->ka_tag, reg->ka_callid, ++reg->ka_cseq);
	}
	if (err)
		resp_h(err, NULL, reg);
}

void
cp_reg_ka_start(struct cp_reg *reg)
{
	if (reg->conf.sip.options_interval_s == 0)
		return;
	/* One Call-ID for the keep-alive, CSeq increasing (RFC 3261
	 * 8.1.1.4/8.1.1.5: requests of one UAC to one target). */
	rand_str(reg->ka_callid, sizeof(reg->ka_callid));
	rand_str(reg->ka_tag, sizeof(reg->ka_tag));
	reg->ka_cseq = rand_u16();
	ka_tmr_h(reg);
}

void
cp_reg_ka_close(struct cp_reg *reg)
{
	tmr_cancel(&reg->ka_tmr);
	reg->ka_req = mem_deref(reg->ka_req);
}
