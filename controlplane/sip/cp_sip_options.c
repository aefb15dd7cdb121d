/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The OPTIONS responder (cp_sip.h): what the SIP endpoint answers while
 * it serves no dialogs yet. libre has parsed the request (a malformed one
 * never gets here) and absorbs retransmissions in its server transaction.
 */
#include <string.h>

#include "cp_log.h"
#include "cp_sip.h"

/* Methods we serve; grows with the B2BUA (issue 4). */
#define CP_SIP_ALLOW "OPTIONS"

/* Methods of RFC 3261 and its extensions: a request with one of these is
 * recognised but not allowed (405); any other method is unknown (501). */
static const char *const known_methods[] = {
	"INVITE",    /* RFC 3261 */
	"BYE",	     /* RFC 3261 */
	"REGISTER",  /* RFC 3261 */
	"PRACK",     /* RFC 3262 */
	"SUBSCRIBE", /* RFC 6665 */
	"NOTIFY",    /* RFC 6665 */
	"PUBLISH",   /* RFC 3903 */
	"INFO",	     /* RFC 6086 */
	"REFER",     /* RFC 3515 */
	"MESSAGE",   /* RFC 3428 */
	"UPDATE",    /* RFC 3311 */
};

static bool
method_known(const struct pl *met)
{
	size_t i;

	for (i = 0; i < sizeof(known_methods) / sizeof(known_methods[0]); i++)
		if (pl_strcmp(met, known_methods[i]) == 0)
			return true;
	return false;
}

static void
reply_done(int err, const struct sip_msg *msg, uint16_t scode,
	   struct cp_sip_counters *c)
{
	char src[64];

	/* cp_log() is printf-like; libre's own conversions (%J) only in
	 * re_snprintf(). */
	re_snprintf(src, sizeof(src), "%J", &msg->src);
	if (err) {
		c->reply_err++;
		cp_warn("SIP: cannot answer %.*s from %s: %s", (int)msg->met.l,
			msg->met.p, src, strerror(err));
		return;
	}
	cp_debug("SIP: %.*s from %s (Call-ID %.*s): %u", (int)msg->met.l,
		 msg->met.p, src, (int)msg->callid.l, msg->callid.p, scode);
}

void
cp_sip_options_handle(struct sip *sip, const struct sip_msg *msg,
		      struct cp_sip_counters *c, const char *allow)
{
	const struct sip_hdr *req;
	int err;

	if (allow == NULL)
		allow = CP_SIP_ALLOW;

	c->requests++;
	/* RFC 3261 17.1.1.3: an ACK is never answered. */
	if (pl_strcmp(&msg->met, "ACK") == 0) {
		c->acks++;
		return;
	}
	/* RFC 3261 9.2: a CANCEL that matches no server transaction gets
	 * 481; we hold no INVITE transactions yet. */
	if (pl_strcmp(&msg->met, "CANCEL") == 0) {
		c->no_trans++;
		err = sip_treply(NULL, sip, msg, 481,
				 "Call/Transaction Does Not Exist");
		reply_done(err, msg, 481, c);
		return;
	}
	/* RFC 3261 8.2.2.3: we support no extension; a Require names one. */
	req = sip_msg_hdr(msg, SIP_HDR_REQUIRE);
	if (req != NULL) {
		c->bad_ext++;
		err = sip_treplyf(NULL, NULL, sip, msg, false, 420,
				  "Bad Extension",
				  "Unsupported: %r\r\n"
				  "Content-Length: 0\r\n\r\n",
				  &req->val);
		reply_done(err, msg, 420, c);
		return;
	}
	if (pl_strcmp(&msg->met, "OPTIONS") == 0) {
		/* RFC 3261 11.2: the answer is the one an INVITE would get,
		 * with Allow, Accept, Accept-Encoding and Accept-Language. */
		c->options++;
		err = sip_treplyf(NULL, NULL, sip, msg, false, 200, "OK",
				  "Allow: %s\r\n"
				  "Accept: application/sdp\r\n"
				  "Accept-Encoding: identity\r\n"
				  "Accept-Language: en\r\n"
				  "Content-Length: 0\r\n\r\n",
				  allow);
		reply_done(err, msg, 200, c);
		return;
	}
	if (method_known(&msg->met)) {
		/* RFC 3261 8.2.1: 405 carries the Allow header field. */
		c->not_allowed++;
		err = sip_treplyf(NULL, NULL, sip, msg, false, 405,
				  "Method Not Allowed",
				  "Allow: %s\r\n"
				  "Content-Length: 0\r\n\r\n",
				  allow);
		reply_done(err, msg, 405, c);
		return;
	}
	/* RFC 3261 21.5.2: 501 for a method the server does not recognise. */
	c->not_impl++;
	err = sip_treplyf(NULL, NULL, sip, msg, false, 501, "Not Implemented",
			  "Allow: %s\r\n"
			  "Content-Length: 0\r\n\r\n",
			  allow);
	reply_done(err, msg, 501, c);
}
