/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The UAS side: answers each new INVITE (RFC 3261 13.3): the offer is
 * checked (a bad one gets 488, RFC 3261 21.4.26), optionally a 180 first
 * (and ring_ms later) the 200 with an SDP answer (RFC 3264 6), which
 * libre's sipsess retransmits until the ACK (RFC 3261 13.3.1.4). The call
 * stays until the UAC's BYE arrives: bye_rcvd is the far end of the UAC's
 * bye_sent, so BYEs lost on the way show as bye_missing.
 */
#include <errno.h>
#include <string.h>

#include "cps.h"

struct scall {
	struct le le; /* in cps->uas */
	struct cps *cps;
	struct sipsess *sess;
	struct tmr ring;
	uint64_t n;
	bool answered;
	bool acked;
};

static void
scall_destructor(void *arg)
{
	struct scall *sc = arg;

	tmr_cancel(&sc->ring);
	list_unlink(&sc->le);
	sc->sess = mem_deref(sc->sess);
	sc->cps->c.uas_active--;
}

static int
answer_sdp(struct scall *sc, struct mbuf **mbp)
{
	struct cps *cps = sc->cps;
	uint16_t port = (uint16_t)(cps->conf.uas_media_port +
				   2 * (sc->n % cps->conf.media_ports));

	return cps_sdp_build(mbp, &cps->uas_laddr, port, true, sc->n);
}

static void
estab_h(const struct sip_msg *msg, void *arg)
{
	struct scall *sc = arg;

	(void)msg;
	sc->acked = true;
	sc->cps->c.acked++;
}

static void
close_h(int err, const struct sip_msg *msg, void *arg)
{
	struct scall *sc = arg;
	struct cps *cps = sc->cps;

	(void)msg;
	/* sipsess reports a received BYE (and a CANCEL, which can only come
	 * before our 200) as ECONNRESET */
	if (err == ECONNRESET && sc->answered)
		cps->c.bye_rcvd++;
	else
		cps->c.uas_closed++;
	mem_deref(sc);
}

static void
ring_h(void *arg)
{
	struct scall *sc = arg;
	struct mbuf *sdp = NULL;
	int err;

	err = answer_sdp(sc, &sdp);
	if (err == 0)
		err = sipsess_answer(sc->sess, 200, "OK", sdp, NULL);
	mem_deref(sdp);
	if (err) {
		sc->cps->c.uas_closed++;
		mem_deref(sc);
		return;
	}
	sc->answered = true;
	sc->cps->c.uas_answered++;
}

static int
offer_h(struct mbuf **descp, const struct sip_msg *msg, void *arg)
{
	/* no re-INVITE in this benchmark: refuse one (488) */
	(void)descp;
	(void)msg;
	(void)arg;
	return EPROTO;
}

/* sipsess_conn_h: a new INVITE on the UAS stack. */
void
cps_uas_conn_h(const struct sip_msg *msg, void *arg)
{
	struct cps *cps = arg;
	struct mbuf *sdp = NULL;
	struct scall *sc;
	char user[CPS_NUM_LEN];
	uint64_t n = cps->uas_seq++;
	int err;

	cps->c.invites++;
	if (cps_sdp_check(&cps->conf, msg->mb, &cps->uac_laddr,
			  cps->conf.uac_media_port) != 0) {
		cps->c.sdp_bad_uas++;
		(void)sip_treply(NULL, cps->uas_sip, msg, 488,
				 "Not Acceptable Here");
		return;
	}
	if (cps->conf.reject_every > 0 &&
	    (n + 1) % cps->conf.reject_every == 0) {
		cps->c.rejected++;
		(void)sip_treply(NULL, cps->uas_sip, msg, 486, "Busy Here");
		return;
	}
	sc = mem_zalloc(sizeof(*sc), scall_destructor);
	if (sc == NULL) {
		(void)sip_treply(NULL, cps->uas_sip, msg, 500, "No Memory");
		return;
	}
	sc->cps = cps;
	sc->n = n;
	tmr_init(&sc->ring);
	cps->c.uas_active++;
	list_append(&cps->uas, &sc->le, sc);
	(void)cps_numbers_print(&cps->conf.to, n, user, sizeof(user));
	if (!cps->conf.ringing) {
		err = answer_sdp(sc, &sdp);
		if (err)
			goto out;
		err = sipsess_accept(&sc->sess, cps->uas_sock, msg, 200, "OK",
				     user, "application/sdp", sdp, NULL, NULL,
				     false, offer_h, NULL, estab_h, NULL, NULL,
				     close_h, sc, NULL);
		if (err == 0) {
			sc->answered = true;
			cps->c.uas_answered++;
		}
		goto out;
	}
	err = sipsess_accept(&sc->sess, cps->uas_sock, msg, 180, "Ringing",
			     user, "application/sdp", NULL, NULL, NULL, false,
			     offer_h, NULL, estab_h, NULL, NULL, close_h, sc,
			     NULL);
	if (err == 0)
		tmr_start(&sc->ring, cps->conf.ring_ms, ring_h, sc);
out:
	mem_deref(sdp);
	if (err) {
		cps->c.uas_closed++;
		(void)sip_treply(NULL, cps->uas_sip, msg, 500,
				 "Internal Error");
		mem_deref(sc);
	}
}

/* The end of the drain: what is still open never saw its ACK or BYE. */
void
cps_uas_flush(struct cps *cps)
{
	struct le *le;

	while ((le = list_head(&cps->uas)) != NULL) {
		struct scall *sc = le->data;

		if (sc->acked)
			cps->c.bye_missing++;
		else
			cps->c.ack_missing++;
		mem_deref(sc);
	}
}
