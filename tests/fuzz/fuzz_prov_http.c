/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Fuzz target: the HTTP response parser of the configuration file
 * download (controlplane/prov/cp_http_msg.c). Any bytes, as a response
 * still open and as one the server closed, under three size limits: the
 * parser says complete, more (only while open), malformed or too big
 * with a reason, and writes out only when complete; a complete response
 * has its header section and identity body inside the bytes, a body
 * within the limit, and its body decodes into exactly body_len bytes.
 * Corpus: tests/fuzz/corpus/prov_http (good responses of the unit test).
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cp_http_fetch.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
one(const uint8_t *data, size_t size, bool eof, size_t max)
{
	struct cp_http_resp r, keep;
	char err[CP_HTTP_ERR_MAX];
	uint8_t *body;
	int rc;

	memset(&keep, 0xa5, sizeof(keep));
	r = keep;
	err[0] = '\0';
	rc = cp_http_resp_parse(data, size, eof, max, &r, err, sizeof(err));
	if (rc != 0) {
		if (memcmp(&r, &keep, sizeof(r)) != 0)
			abort();
		if (rc == EAGAIN && !eof)
			return;
		if ((rc != EBADMSG && rc != EFBIG) || err[0] == '\0')
			abort();
		return;
	}
	if (r.hdr_len > size || r.status < 200 || r.status > 599)
		abort();
	if (r.status >= 300 || r.status == 204 || r.status == 304) {
		if (r.body_len != 0)
			abort();
		return;
	}
	if (r.body_len > max || r.body_off != r.hdr_len)
		abort();
	if (!r.chunked && r.body_off + r.body_len > size)
		abort();
	body = malloc(r.body_len + 1);
	if (body == NULL)
		abort();
	if (cp_http_resp_body(data, size, &r, body, r.body_len) != 0)
		abort();
	free(body);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const size_t max[] = {0, 16, 1 << 20};
	size_t i;

	for (i = 0; i < sizeof(max) / sizeof(max[0]); i++) {
		one(data, size, false, max[i]);
		one(data, size, true, max[i]);
	}
	return 0;
}
