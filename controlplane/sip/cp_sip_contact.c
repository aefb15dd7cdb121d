/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Our Contact header in a request libre is about to send: its send
 * handler gives the transport and the local address libre chose.
 *
 * Over UDP that address is the listening socket. Over TCP and TLS it is
 * the connection's own ephemeral port, where nothing listens once the
 * connection is gone; the Contact must name where we can be reached
 * (RFC 3261 8.1.1.8, 18.2.1: new requests arrive at the listening port),
 * so the port is the stack's listener of that transport. The address
 * stays the one the request leaves from (the interface facing the peer).
 */
#include <re.h>

#include "cp_sip.h"

int
cp_sip_contact_print(struct mbuf *mb, struct sip *sip, enum sip_transp tp,
		     const struct sa *src, const struct sa *dst,
		     const char *user)
{
	struct sa c, la;

	if (mb == NULL || src == NULL)
		return EINVAL;
	c = *src;
	if (tp != SIP_TRANSP_UDP && sip != NULL &&
	    sip_transp_laddr(sip, &la, tp, dst) == 0)
		sa_set_port(&c, sa_port(&la));
	return mbuf_printf(mb, "Contact: <sip:%s%s%J%s>",
			   user != NULL ? user : "", user != NULL ? "@" : "",
			   &c, sip_transp_param(tp));
}
