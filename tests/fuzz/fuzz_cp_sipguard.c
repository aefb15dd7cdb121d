/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Fuzz target: the SIP input guard's look at a raw datagram
 * (controlplane/sip/cp_sipguard_msg.c). The first byte picks the size
 * limit (so oversized messages are met too), the rest is the datagram.
 * Invariants: the parse stays inside the buffer (ASan), a verdict is
 * consistent (an answer has a Via and a 400/513 code, a pass is OK or
 * STUN, nothing over the limit passes), and the reply the guard builds
 * is a well-formed response (at worst missing what the request missed).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <re.h>

#include "sip/cp_sipguard.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_reply(const struct cp_sipguard_msg *m)
{
	struct cp_sipguard_msg r;
	struct mbuf *mb = mbuf_alloc(512);

	if (mb == NULL)
		return;
	if (cp_sipguard_reply(mb, m, "fuzz") != 0)
		abort();
	/* Our reply is a well-formed response: at worst it lacks a header
	 * or a sound CSeq the request lacked too. */
	if (cp_sipguard_parse(mb->buf, mb->end, 65535, &r) != 0 &&
	    (r.request || r.answer ||
	     (r.why != CP_SIPGUARD_MISSING && r.why != CP_SIPGUARD_BAD_CSEQ)))
		abort();
	mem_deref(mb);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cp_sipguard_msg m;
	size_t max;
	int err;

	if (size < 1)
		return 0;
	max = 64 + (size_t)data[0] * 64;
	err = cp_sipguard_parse(data + 1, size - 1, max, &m);
	if (err == 0 && m.why != CP_SIPGUARD_OK && m.why != CP_SIPGUARD_STUN)
		abort();
	if (err == 0 && m.answer)
		abort();
	if (m.answer) {
		if (m.nb_via == 0 || !m.request ||
		    (m.scode != 400 && m.scode != 513) || m.reason[0] == '\0')
			abort();
		check_reply(&m);
	}
	if (size - 1 > max && err == 0)
		abort(); /* nothing over the limit passes */
	return 0;
}
