/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * User numbers from a range: "+4930123400" with a count of 100 gives
 * +4930123400 .. +4930123499 (the same width, leading zeros kept), so the
 * ESG can route them to a tenant's number block.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cps.h"

int
cps_numbers_parse(struct cps_numbers *n, const char *first, unsigned int count)
{
	const char *p = first;
	uint64_t v = 0;
	size_t i, len;

	memset(n, 0, sizeof(*n));
	if (first == NULL || count == 0)
		return EINVAL;
	if (*p == '+') {
		n->plus = true;
		p++;
	}
	len = strlen(p);
	if (len == 0 || len > 19)
		return EINVAL;
	for (i = 0; i < len; i++) {
		if (p[i] < '0' || p[i] > '9')
			return EINVAL;
		v = v * 10 + (uint64_t)(p[i] - '0');
	}
	n->width = (unsigned int)len;
	n->first = v;
	n->count = count;
	/* the last number must keep the width */
	{
		uint64_t last = v + count - 1, lim = 1;

		for (i = 0; i < len; i++)
			lim *= 10;
		if (last >= lim)
			return ERANGE;
	}
	return 0;
}

int
cps_numbers_print(const struct cps_numbers *n, uint64_t i, char *buf,
		  size_t size)
{
	int r;

	r = snprintf(buf, size, "%s%0*llu", n->plus ? "+" : "", (int)n->width,
		     (unsigned long long)(n->first + i % n->count));
	return r < 0 || (size_t)r >= size ? ENAMETOOLONG : 0;
}
