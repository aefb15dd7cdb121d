/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Fuzz target: the SDP parser and writer (controlplane/sip/cp_sdp*.c).
 * Any bytes: the parser accepts them or names a reason (EBADMSG); what it
 * accepts is rewritten toward a side with anchors drawn from the input
 * (IPv4 or IPv6, rtcp-mux or not, an RTCP port apart, rejected streams,
 * an origin of the other family); the writer's output must parse again,
 * with as many m= lines, and rewriting that output with the same anchors
 * must give it back byte for byte (the writer is idempotent: nothing of
 * the first side survives to be rewritten again). The one refusal the
 * writer may give is EOVERFLOW (the output would pass the parser's
 * limits).
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <re.h>

#include "sip/cp_sdp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
anchors_make(struct cp_sdp_anchor *a, unsigned int n, struct cp_sdp_origin *o,
	     const uint8_t *data, size_t size)
{
	uint8_t k = size > 0 ? data[size - 1] : 0;
	const char *addr = (k & 1) != 0 ? "2001:db8:2::1" : "198.51.100.1";
	unsigned int i;

	memset(o, 0, sizeof(*o));
	o->sess_id = size;
	o->sess_ver = k;
	o->user = (k & 4) != 0 ? "sbc" : NULL;
	/* the origin in the other family: every stream gets its own c= */
	if (sa_set_str(&o->addr, (k & 2) != 0 ? "192.0.2.1" : addr, 0) != 0)
		abort();
	memset(a, 0, n * sizeof(*a));
	for (i = 0; i < n; i++) {
		if (sa_set_str(&a[i].addr, addr, 0) != 0)
			abort();
		a[i].rtp_port = (uint16_t)(20000 + 4 * i);
		a[i].rtcp_port = (i + k) % 3 == 0 ? 0 : (uint16_t)(21000 + i);
		a[i].rtcp_mux = ((i + (k >> 3)) & 1) != 0;
		a[i].rejected = (i + k) % 5 == 3;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cp_sdp_anchor a[CP_SDP_MAX_MEDIA];
	struct cp_sdp *sdp = NULL, *again = NULL;
	struct mbuf *mb = NULL, *mb2 = NULL;
	struct cp_sdp_origin o;
	char why[CP_SDP_WHY_LEN];
	unsigned int n;
	int err;

	why[0] = '\0';
	err = cp_sdp_parse(&sdp, data, size, why, sizeof(why));
	if (err) {
		if (err != EBADMSG || why[0] == '\0' || sdp != NULL)
			abort(); /* a refusal must say why */
		return 0;
	}
	n = cp_sdp_media_count(sdp);
	if (n > CP_SDP_MAX_MEDIA)
		abort();
	anchors_make(a, n, &o, data, size);
	err = cp_sdp_rewrite(&mb, sdp, a, n, &o);
	if (err == EOVERFLOW)
		goto out;
	if (err)
		abort();
	if (cp_sdp_parse(&again, mb->buf, mb->end, why, sizeof(why)) != 0)
		abort(); /* what the ESG sends must parse */
	if (cp_sdp_media_count(again) != n)
		abort();
	if (cp_sdp_rewrite(&mb2, again, a, n, &o) != 0)
		abort();
	if (mb2->end != mb->end || memcmp(mb2->buf, mb->buf, mb->end) != 0)
		abort();
out:
	mem_deref(mb2);
	mem_deref(again);
	mem_deref(mb);
	mem_deref(sdp);
	return 0;
}
