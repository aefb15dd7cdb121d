/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Error mapping of the B2BUA (cp_b2bua.h, docs/b2bua.md "Error mapping"):
 * what side A hears when side B's INVITE fails. A response that means
 * the same to A passes with its code; one that only concerns the hop
 * between the ESG and B (credentials, transport, extensions, loops) is
 * not A's business and becomes the code that describes the outcome. The
 * class stays (RFC 3261 21: 4xx request failure, 5xx server failure, 6xx
 * global failure), except 3xx: the ESG does not hand the other side's
 * Contact to A (topology hiding), so a redirect is a 480.
 */
#include <errno.h>

#include "cp_b2bua.h"

struct code_map {
	uint16_t in;
	uint16_t out;
	const char *reason;
};

static const struct code_map map[] = {
	/* 4xx end to end */
	{403, 403, "Forbidden"},
	{404, 404, "Not Found"},
	{410, 410, "Gone"},
	{480, 480, "Temporarily Unavailable"},
	{484, 484, "Address Incomplete"},
	{485, 485, "Ambiguous"},
	{486, 486, "Busy Here"},
	{487, 487, "Request Terminated"},
	{488, 488, "Not Acceptable Here"},
	{606, 606, "Not Acceptable"},
	{600, 600, "Busy Everywhere"},
	{603, 603, "Decline"},
	{604, 604, "Does Not Exist Anywhere"},
	/* the trunk's credentials failed (cp_dlg retried once, RFC 3261
	 * 22.2): the ESG's account is refused, not A's */
	{401, 403, "Forbidden"},
	{407, 403, "Forbidden"},
	/* RFC 3261 21.4.8: no response in time, end to end */
	{408, 408, "Request Timeout"},
	/* hop-by-hop: what the ESG sent was not understood by B */
	{400, 500, "Server Internal Error"},
	{413, 500, "Server Internal Error"},
	{414, 500, "Server Internal Error"},
	{415, 500, "Server Internal Error"},
	{416, 500, "Server Internal Error"},
	{420, 500, "Server Internal Error"},
	{421, 500, "Server Internal Error"},
	{422, 500, "Server Internal Error"}, /* cp_dlg retried with Min-SE */
	{423, 500, "Server Internal Error"},
	{481, 500, "Server Internal Error"},
	{482, 500, "Server Internal Error"}, /* a loop of the operator's */
	{483, 500, "Server Internal Error"},
	{491, 500, "Server Internal Error"},
	/* 5xx: the same where it says the same to A */
	{500, 500, "Server Internal Error"},
	{502, 502, "Bad Gateway"},
	{503, 503, "Service Unavailable"},
	{504, 504, "Server Time-out"},
};

uint16_t
cp_b2bua_map_final(uint16_t scode, int err, const char **reasonp)
{
	const char *reason;
	uint16_t out;
	size_t i;

	if (err != 0 || scode == 0) {
		/* no response at all (transport error, Timer B) */
		out = 408;
		reason = "Request Timeout";
		goto out;
	}
	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		if (map[i].in == scode) {
			out = map[i].out;
			reason = map[i].reason;
			goto out;
		}
	}
	if (scode >= 300 && scode < 400) {
		out = 480; /* the Contact of a redirect is not passed */
		reason = "Temporarily Unavailable";
	} else if (scode >= 400 && scode < 500) {
		out = 480; /* an unknown 4xx: RFC 3261 8.1.3.2 treats it as
			    * 400; to A it means "not reached" */
		reason = "Temporarily Unavailable";
	} else if (scode >= 600 && scode < 700) {
		out = 600;
		reason = "Busy Everywhere";
	} else {
		out = 500; /* 5xx unknown and anything out of range */
		reason = "Server Internal Error";
	}
out:
	if (reasonp != NULL)
		*reasonp = reason;
	return out;
}
