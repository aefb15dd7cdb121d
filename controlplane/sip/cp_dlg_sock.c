/* SPDX-License-Identifier: BSD-3-Clause */
/* The dialog sock of cp_dlg.h: request and stray-response routing. */
#include <string.h>

#include "cp_dlg_int.h"

/* Dialogs by Call-ID (buckets, a power of 2): every in-dialog request
 * and stray response scans one bucket. 100,000 concurrent calls are
 * 100,000 dialogs on each side's sock: 16,384 buckets (256 KiB) keep a
 * bucket at a few dialogs. */
#define CP_DLG_HASH 16384

static void
destructor(void *arg)
{
	struct cp_dlgsock *ds = arg;
	struct le *le;

	ds->lsnr_req = mem_deref(ds->lsnr_req);
	ds->lsnr_resp = mem_deref(ds->lsnr_resp);
	/* end what is left silently: the owner is going away */
	while ((le = list_head(&ds->invl)) != NULL)
		cp_inv_close(le->data);
	if (ds->ht != NULL) {
		uint32_t i;

		for (i = 0; i < CP_DLG_HASH; i++) {
			struct list *l = hash_list(ds->ht, i);

			while ((le = list_head(l)) != NULL)
				cp_dlg_terminate(le->data, CP_DLG_CLOSE_LOCAL,
						 0, NULL, false);
		}
	}
	ds->ht = mem_deref(ds->ht);
}

static uint32_t
default_rand(void *arg)
{
	(void)arg;
	return rand_u32();
}

static bool
method_is(const struct sip_msg *msg, const char *met)
{
	return pl_strcmp(&msg->met, met) == 0;
}

/* RFC 3261 15.1.2: BYE ends the dialog (a still unanswered INVITE of an
 * early UAS dialog gets 487, done by terminate). */
static void
bye_recv(struct cp_dlg *dlg, const struct sip_msg *msg)
{
	(void)sip_treply(NULL, dlg->ds->sip, msg, 200, "OK");
	if (dlg->uac && dlg->state == DLG_CONFIRMED && !dlg->acked)
		(void)cp_dlg_send_ack(dlg);
	cp_dlg_terminate(dlg, CP_DLG_CLOSE_BYE, 0, msg, true);
}

static void
dispatch(struct cp_dlg *dlg, const struct sip_msg *msg)
{
	struct cp_dlgsock *ds = dlg->ds;

	/* RFC 3261 12.2.2: a lower CSeq than the last one is out of order */
	if (!sip_dialog_rseq_valid(dlg->sdlg, msg)) {
		ds->c.bad_cseq++;
		(void)sip_treply(NULL, ds->sip, msg, 500,
				 "Server Internal Error");
		return;
	}
	if (method_is(msg, "BYE"))
		bye_recv(dlg, msg);
	else if (method_is(msg, "INVITE"))
		cp_dlg_mod_request(dlg, msg, false);
	else if (method_is(msg, "UPDATE"))
		cp_dlg_mod_request(dlg, msg, true);
	else if (method_is(msg, "PRACK"))
		cp_dlg_uas_prack(dlg, msg);
	else if (method_is(msg, "INFO") || method_is(msg, "REFER") ||
		 method_is(msg, "NOTIFY") || method_is(msg, "MESSAGE") ||
		 method_is(msg, "OPTIONS"))
		cp_dlg_req_recv(dlg, msg);
	else
		(void)sip_treplyf(NULL, NULL, ds->sip, msg, false, 405,
				  "Method Not Allowed",
				  "%sContent-Length: 0\r\n\r\n",
				  cp_dlg_allow(dlg));
}

bool
cp_dlgsock_request(struct cp_dlgsock *ds, const struct sip_msg *msg)
{
	struct cp_dlg *dlg;

	if (ds == NULL || msg == NULL || !msg->req)
		return false;
	if (!pl_isset(&msg->to.tag))
		return false; /* out of dialog: the caller's */
	dlg = cp_dlg_find(ds, msg);
	if (method_is(msg, "ACK")) {
		/* ACK of a 2xx (the strans layer keeps non-2xx ACKs) */
		if (dlg != NULL) {
			mem_ref(dlg);
			cp_dlg_uas_ack(dlg, msg);
			mem_deref(dlg);
		}
		return true; /* never answered (RFC 3261 17.1.1.3) */
	}
	if (dlg == NULL) {
		/* RFC 3261 12.2.2: no dialog for this request */
		ds->c.no_dialog++;
		(void)sip_treply(NULL, ds->sip, msg, 481,
				 "Call/Transaction Does Not Exist");
		return true;
	}
	mem_ref(dlg);
	dispatch(dlg, msg);
	mem_deref(dlg);
	return true;
}

static bool
request_h(const struct sip_msg *msg, void *arg)
{
	struct cp_dlgsock *ds = arg;

	if (cp_dlgsock_request(ds, msg))
		return true;
	if (ds->connh != NULL && method_is(msg, "INVITE")) {
		ds->connh(msg, ds->arg);
		return true;
	}
	return false;
}

/* Responses libre's client transactions no longer hold: 2xx
 * retransmissions and 2xx of other forks (RFC 3261 13.2.2.4). */
static bool
response_h(const struct sip_msg *msg, void *arg)
{
	struct cp_dlgsock *ds = arg;

	if (msg->scode < 200 || msg->scode >= 300 ||
	    pl_strcmp(&msg->cseq.met, "INVITE") != 0)
		return false;
	return cp_dlg_uac_stray(ds, msg);
}

int
cp_dlgsock_alloc(struct cp_dlgsock **dsp, struct sip *sip, cp_dlg_conn_h *connh,
		 void *arg)
{
	struct cp_dlgsock *ds;
	int err;

	if (dsp == NULL || sip == NULL)
		return EINVAL;
	ds = mem_zalloc(sizeof(*ds), destructor);
	if (ds == NULL)
		return ENOMEM;
	ds->sip = sip;
	ds->connh = connh;
	ds->arg = arg;
	ds->randh = default_rand;
	list_init(&ds->invl);
	cp_dlgsock_set_timers(ds, NULL);
	err = hash_alloc(&ds->ht, CP_DLG_HASH);
	if (err)
		goto out;
	err = sip_listen(&ds->lsnr_resp, sip, false, response_h, ds);
	if (err)
		goto out;
	if (connh != NULL) {
		err = sip_listen(&ds->lsnr_req, sip, true, request_h, ds);
		if (err)
			goto out;
	}
	*dsp = ds;
	return 0;
out:
	mem_deref(ds);
	return err;
}

void
cp_dlgsock_set_timers(struct cp_dlgsock *ds, const struct cp_dlg_timers *t)
{
	struct cp_dlg_timers d = {0};

	if (ds == NULL)
		return;
	if (t != NULL)
		d = *t;
	ds->t.t1_ms = d.t1_ms != 0 ? d.t1_ms : SIP_T1;
	ds->t.t2_ms = d.t2_ms != 0 ? d.t2_ms : SIP_T2;
	ds->t.sec_ms = d.sec_ms != 0 ? d.sec_ms : 1000;
	ds->t.answer_wait_ms =
		d.answer_wait_ms != 0 ? d.answer_wait_ms : 64 * SIP_T1;
	ds->t.linger_ms = d.linger_ms != 0 ? d.linger_ms : 64 * ds->t.t1_ms;
}

void
cp_dlgsock_set_rand(struct cp_dlgsock *ds, uint32_t (*randh)(void *arg),
		    void *arg)
{
	if (ds == NULL)
		return;
	ds->randh = randh != NULL ? randh : default_rand;
	ds->rarg = arg;
}

const struct cp_dlg_counters *
cp_dlgsock_counters(const struct cp_dlgsock *ds)
{
	return &ds->c;
}

static bool
count_h(struct le *le, void *arg)
{
	uint32_t *n = arg;

	(void)le;
	(*n)++;
	return false;
}

uint32_t
cp_dlgsock_count(const struct cp_dlgsock *ds)
{
	uint32_t n = 0;

	if (ds != NULL)
		(void)hash_apply(ds->ht, count_h, &n);
	return n;
}

void
cp_dlgsock_live(const struct cp_dlgsock *ds, struct cp_dlg_live *live)
{
	if (ds != NULL)
		*live = ds->live;
	else
		memset(live, 0, sizeof(*live));
}
