/* SPDX-License-Identifier: BSD-3-Clause */
/* Fuzz target: message validation on both rings, and the segment header
 * check on any bytes (a peer or a stale file can hold anything). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dp_shm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct dp_shm_hdr h;
	union dp_msg m;
	char why[128];

	memset(&m, 0, sizeof(m));
	memcpy(&m, data, size < sizeof(m) ? size : sizeof(m));
	if (dp_msg_validate(&m, DP_DIR_CMD) == 0 &&
	    m.hdr.len != dp_msg_size(m.hdr.type))
		abort();
	(void)dp_msg_validate(&m, DP_DIR_EVT);
	(void)dp_msg_name(m.hdr.type);

	/* Only the header itself: region checks must not read past it when
	 * the claimed file size is just the header. */
	memset(&h, 0, sizeof(h));
	memcpy(&h, data, size < sizeof(h) ? size : sizeof(h));
	(void)dp_shm_check_hdr(&h, size < sizeof(h) ? size : sizeof(h), why,
			       sizeof(why));
	return 0;
}
