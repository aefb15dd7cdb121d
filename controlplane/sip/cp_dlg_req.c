/* SPDX-License-Identifier: BSD-3-Clause */
/* In-dialog INFO, REFER, NOTIFY, MESSAGE and OPTIONS of cp_dlg.h, both
 * ways, answered asynchronously by the owner. */
#include <string.h>

#include "cp_dlg_int.h"

struct req_ctx {
	struct sip *sip; /* the dialog's stack (outlives the request) */
	char *cuser;
	sip_resp_h *resph;
	void *arg;
};

static void
sreq_destructor(void *arg)
{
	struct cp_dlg_sreq *sreq = arg;

	list_unlink(&sreq->le);
	mem_deref(sreq->st);
	mem_deref(sreq->msg);
}

/* Requests the owner has not answered when the dialog ends: 481. */
void
cp_dlg_fail_sreqs(struct cp_dlg *dlg)
{
	struct le *le;

	while ((le = list_head(&dlg->sreql)) != NULL) {
		struct cp_dlg_sreq *sreq = le->data;

		if (sreq->st != NULL)
			(void)sip_treply(&sreq->st, dlg->ds->sip, sreq->msg,
					 481,
					 "Call/Transaction Does Not Exist");
		mem_deref(sreq);
	}
}

void
cp_dlg_req_recv(struct cp_dlg *dlg, const struct sip_msg *msg)
{
	struct sip *sip = dlg->ds->sip;
	struct cp_dlg_sreq *sreq;

	if (dlg->h->sreqh == NULL) {
		if (pl_strcmp(&msg->met, "OPTIONS") == 0)
			(void)sip_treplyf(NULL, NULL, sip, msg, false, 200,
					  "OK", "%sContent-Length: 0\r\n\r\n",
					  cp_dlg_allow(dlg));
		else
			(void)sip_treply(NULL, sip, msg, 501,
					 "Not Implemented");
		return;
	}
	sreq = mem_zalloc(sizeof(*sreq), sreq_destructor);
	if (sreq == NULL ||
	    sip_strans_alloc(&sreq->st, sip, msg, NULL, NULL) != 0) {
		mem_deref(sreq);
		(void)sip_treply(NULL, sip, msg, 500, "Server Internal Error");
		return;
	}
	sreq->dlg = dlg;
	sreq->msg = mem_ref((void *)msg);
	list_append(&dlg->sreql, &sreq->le, sreq);
	dlg->h->sreqh(dlg, sreq, msg, dlg->arg);
}

int
cp_dlg_sreq_reply(struct cp_dlg_sreq *sreq, uint16_t scode, const char *reason,
		  const char *ctype, const struct pl *body)
{
	int err;

	if (sreq == NULL || scode < 200 || scode > 699 || reason == NULL ||
	    (body != NULL && body->l > 0 && ctype == NULL))
		return EINVAL;
	if (body != NULL && body->l > 0)
		err = sip_treplyf(&sreq->st, NULL, sreq->dlg->ds->sip,
				  sreq->msg, false, scode, reason,
				  "Content-Type: %s\r\n"
				  "Content-Length: %zu\r\n\r\n%r",
				  ctype, body->l, body);
	else
		err = sip_treplyf(&sreq->st, NULL, sreq->dlg->ds->sip,
				  sreq->msg, false, scode, reason,
				  "Content-Length: 0\r\n\r\n");
	mem_deref(sreq);
	return err;
}

static void
ctx_destructor(void *arg)
{
	struct req_ctx *ctx = arg;

	mem_deref(ctx->cuser);
}

static int
ctx_send_h(enum sip_transp tp, const struct sa *src, const struct sa *dst,
	   struct mbuf *mb, void *arg)
{
	struct req_ctx *ctx = arg;
	int err;

	err = cp_sip_contact_print(mb, ctx->sip, tp, src, dst, ctx->cuser);
	return err ? err : mbuf_write_str(mb, "\r\n");
}

static void
ctx_resp_h(int err, const struct sip_msg *msg, void *arg)
{
	struct req_ctx *ctx = arg;

	if (msg != NULL && msg->scode < 200)
		return;
	if (ctx->resph != NULL)
		ctx->resph(err, msg, ctx->arg);
	mem_deref(ctx);
}

static bool
method_ok(const char *m)
{
	return strcmp(m, "INFO") == 0 || strcmp(m, "REFER") == 0 ||
	       strcmp(m, "NOTIFY") == 0 || strcmp(m, "MESSAGE") == 0 ||
	       strcmp(m, "OPTIONS") == 0;
}

int
cp_dlg_request(struct cp_dlg *dlg, const char *method, const char *hdrs,
	       const char *ctype, const struct pl *body, sip_resp_h *resph,
	       void *arg)
{
	struct req_ctx *ctx;
	int err;

	if (dlg == NULL || method == NULL || !method_ok(method) ||
	    (body != NULL && body->l > 0 && ctype == NULL))
		return EINVAL;
	if (dlg->state == DLG_TERMINATED)
		return ENOTCONN;
	ctx = mem_zalloc(sizeof(*ctx), ctx_destructor);
	if (ctx == NULL)
		return ENOMEM;
	ctx->sip = dlg->ds->sip;
	ctx->resph = resph;
	ctx->arg = arg;
	if (dlg->cuser != NULL && str_dup(&ctx->cuser, dlg->cuser) != 0) {
		mem_deref(ctx);
		return ENOMEM;
	}
	if (body != NULL && body->l > 0)
		err = sip_drequestf(NULL, dlg->ds->sip, true, method, dlg->sdlg,
				    0, NULL, ctx_send_h, ctx_resp_h, ctx,
				    "%sContent-Type: %s\r\n"
				    "Content-Length: %zu\r\n\r\n%r",
				    hdrs != NULL ? hdrs : "", ctype, body->l,
				    body);
	else
		err = sip_drequestf(NULL, dlg->ds->sip, true, method, dlg->sdlg,
				    0, NULL, ctx_send_h, ctx_resp_h, ctx,
				    "%sContent-Length: 0\r\n\r\n",
				    hdrs != NULL ? hdrs : "");
	if (err)
		mem_deref(ctx);
	return err;
}
