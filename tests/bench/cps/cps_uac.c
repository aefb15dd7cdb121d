/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The UAC side: one INVITE with an SDP offer per call (RFC 3261 13.2.1,
 * RFC 3264 5), ACK by libre's sipsess on the 2xx, BYE when the hold time
 * is over (RFC 3261 15.1.1: sipsess sends it when the session is freed),
 * CANCEL when no final answer came in time (RFC 3261 9.1).
 *
 * Every attempt ends in exactly one outcome: answered, failed (by status),
 * timeout or error; an answered call ends in a hang-up of ours (bye_sent)
 * or, counted as a failure, one of the far side (remote_bye).
 */
#include <errno.h>
#include <string.h>

#include "cps.h"

struct ucall {
	struct le le; /* in cps->pending, then cps->held */
	struct cps *cps;
	struct sipsess *sess;
	uint64_t start_us;
	uint64_t answer_ms;
	uint16_t media_port;
	bool prov;
	bool answered;
};

static void
ucall_destructor(void *arg)
{
	struct ucall *uc = arg;

	list_unlink(&uc->le);
	/* an established session sends its BYE here */
	uc->sess = mem_deref(uc->sess);
	uc->cps->c.uac_active--;
}

static void
ucall_end(struct ucall *uc)
{
	struct cps *cps = uc->cps;

	if (uc->answered) {
		cps->c.current--;
		cps->c.bye_sent++;
	}
	mem_deref(uc);
}

static int
answer_h(const struct sip_msg *msg, void *arg)
{
	struct ucall *uc = arg;
	struct cps *cps = uc->cps;

	if (cps_sdp_check(&cps->conf, msg->mb, &cps->uas_laddr,
			  cps->conf.uas_media_port) != 0) {
		cps->c.sdp_bad_uac++;
		return EPROTO; /* sipsess ends the call: an error below */
	}
	return 0;
}

static void
progr_h(const struct sip_msg *msg, void *arg)
{
	struct ucall *uc = arg;

	if (msg->scode > 100 && !uc->prov) {
		uc->prov = true;
		uc->cps->c.prov++;
	}
}

static void
estab_h(const struct sip_msg *msg, void *arg)
{
	struct ucall *uc = arg;
	struct cps *cps = uc->cps;
	uint64_t now = cps_now_us();

	(void)msg;
	uc->answered = true;
	uc->answer_ms = now / 1000;
	cps->c.answered++;
	cps->c.current++;
	if (cps->c.current > cps->c.max_current)
		cps->c.max_current = cps->c.current;
	(void)cps_lat_add(&cps->lat, now - uc->start_us);
	list_unlink(&uc->le);
	list_append(&cps->held, &uc->le, uc);
}

static void
close_h(int err, const struct sip_msg *msg, void *arg)
{
	struct ucall *uc = arg;
	struct cps *cps = uc->cps;

	if (uc->answered) {
		/* a BYE from the far side before our hang-up */
		cps->c.remote_bye++;
		cps->c.current--;
	} else if (msg != NULL && msg->scode >= 300) {
		cps->c.failed++;
		if (msg->scode < CPS_MAX_STATUS)
			cps->c.status[msg->scode]++;
	} else if (err == ETIMEDOUT) {
		cps->c.timeouts++;
	} else {
		cps->c.errors++;
	}
	/* the session is terminated: freeing it sends nothing more */
	mem_deref(uc);
}

static int
ucall_connect(struct cps *cps, struct ucall *uc, uint64_t n)
{
	char from[CPS_NUM_LEN], to[CPS_NUM_LEN];
	char to_uri[160], from_uri[160];
	struct mbuf *sdp = NULL;
	int err;

	err = cps_numbers_print(&cps->conf.from, n, from, sizeof(from));
	err |= cps_numbers_print(&cps->conf.to, n, to, sizeof(to));
	if (err)
		return EINVAL;
	/* RFC 3261 19.1.1: the request URI and To name the called user at
	 * the target; the request goes to the target's address and port */
	if (re_snprintf(to_uri, sizeof(to_uri), "sip:%s@%J", to, &cps->target) <
		    0 ||
	    re_snprintf(from_uri, sizeof(from_uri), "sip:%s@%s", from,
			cps->domain) < 0)
		return ENAMETOOLONG;
	uc->media_port = (uint16_t)(cps->conf.uac_media_port +
				    2 * (n % cps->conf.media_ports));
	err = cps_sdp_build(&sdp, &cps->uac_laddr, uc->media_port, false, n);
	if (err)
		return err;
	err = sipsess_connect(&uc->sess, cps->uac_sock, to_uri, NULL, from_uri,
			      from, NULL, 0, "application/sdp", sdp, NULL, NULL,
			      false, NULL, answer_h, progr_h, estab_h, NULL,
			      NULL, close_h, uc, NULL);
	mem_deref(sdp);
	return err;
}

/* Place one call (the token bucket allowed it). */
int
cps_uac_place(struct cps *cps)
{
	struct ucall *uc;
	uint64_t n = cps->seq++;
	int err;

	uc = mem_zalloc(sizeof(*uc), ucall_destructor);
	if (uc == NULL)
		return ENOMEM;
	uc->cps = cps;
	uc->start_us = cps_now_us();
	cps->c.attempted++;
	cps->c.uac_active++;
	list_append(&cps->pending, &uc->le, uc);
	err = ucall_connect(cps, uc, n);
	if (err) {
		cps->c.errors++;
		mem_deref(uc);
	}
	return err;
}

/* Hang up the held calls whose time is over (answer order is expiry
 * order: the head is the oldest). When releasing, hang up regardless of
 * the hold time, at most budget calls per tick (paced at the call rate so
 * the BYEs do not arrive as one burst). */
void
cps_uac_hangups(struct cps *cps, uint64_t now_ms)
{
	unsigned int budget = 0;
	struct le *le;

	if (cps->releasing) {
		budget = (unsigned int)cps->rel_tokens;
		cps->rel_tokens -= budget;
	}
	while ((le = list_head(&cps->held)) != NULL) {
		struct ucall *uc = le->data;
		bool due = !cps->conf.hold_forever &&
			   uc->answer_ms + cps->conf.hold_ms <= now_ms;

		if (!due) {
			if (!cps->releasing || budget == 0)
				break;
			budget--;
		}
		ucall_end(uc);
	}
}

/* Calls without a final answer after setup_timeout_ms: freeing the
 * session CANCELs the INVITE (after a provisional, RFC 3261 9.1) or stops
 * its retransmissions. */
void
cps_uac_timeouts(struct cps *cps, uint64_t now_ms)
{
	uint64_t limit = (uint64_t)cps->conf.setup_timeout_ms * 1000;
	struct le *le;

	(void)now_ms;
	while ((le = list_head(&cps->pending)) != NULL) {
		struct ucall *uc = le->data;

		if (cps_now_us() - uc->start_us < limit)
			break;
		cps->c.timeouts++;
		mem_deref(uc);
	}
}

/* The end: whatever is left (only after the drain deadline). */
void
cps_uac_flush(struct cps *cps)
{
	struct le *le;

	while ((le = list_head(&cps->held)) != NULL)
		ucall_end(le->data);
	while ((le = list_head(&cps->pending)) != NULL) {
		cps->c.timeouts++;
		mem_deref(le->data);
	}
}
