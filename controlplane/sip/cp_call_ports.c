/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * RTP/RTCP port pairs of one interface (cp_call_media.h): a bitmap of
 * pairs, an even RTP port and the next one for RTCP (RFC 3550 11), handed
 * out round robin.
 */
#include <errno.h>
#include <string.h>

#include "cp_call_media.h"

struct cp_ports {
	uint16_t min;	 /* first even port of the pool */
	uint32_t npairs; /* pairs min, min + 2, ... */
	uint32_t next;	 /* round robin cursor (a pair index) */
	unsigned int used;
	uint64_t map[]; /* bit per pair: in use */
};

int
cp_ports_alloc(struct cp_ports **pp, uint16_t min, uint16_t max)
{
	struct cp_ports *p;
	uint32_t npairs, words;

	if (pp == NULL || min > max)
		return EINVAL;
	min = (uint16_t)((min + 1u) & ~1u); /* even */
	if (min == 0 || (uint32_t)min + 1 > max)
		return EINVAL;
	npairs = ((uint32_t)max - min + 1) / 2;
	words = (npairs + 63) / 64;
	p = mem_zalloc(sizeof(*p) + words * sizeof(uint64_t), NULL);
	if (p == NULL)
		return ENOMEM;
	p->min = min;
	p->npairs = npairs;
	*pp = p;
	return 0;
}

static bool
pair_used(const struct cp_ports *p, uint32_t i)
{
	return (p->map[i / 64] >> (i % 64)) & 1;
}

int
cp_ports_get(struct cp_ports *p, uint16_t lo, uint16_t hi, uint16_t *rtpp)
{
	uint32_t first, last, span, k, i;

	if (p == NULL || rtpp == NULL)
		return EINVAL;
	if (lo == 0 && hi == 0) {
		first = 0;
		last = p->npairs - 1;
	} else {
		/* The slice's pairs that lie inside the pool. */
		if (lo < p->min)
			lo = p->min;
		if (hi < lo + 1u)
			return ENOSPC;
		first = ((uint32_t)lo - p->min + 1) / 2;
		last = ((uint32_t)hi - p->min - 1) / 2;
		if (last >= p->npairs)
			last = p->npairs - 1;
		if (first > last)
			return ENOSPC;
	}
	span = last - first + 1;
	for (k = 0; k < span; k++) {
		i = first + (p->next + k) % span;
		if (pair_used(p, i))
			continue;
		p->map[i / 64] |= 1ULL << (i % 64);
		p->used++;
		p->next = (i - first + 1) % span;
		*rtpp = (uint16_t)(p->min + 2 * i);
		return 0;
	}
	return ENOSPC;
}

void
cp_ports_put(struct cp_ports *p, uint16_t rtp)
{
	uint32_t i;

	if (p == NULL || rtp < p->min || (rtp - p->min) % 2 != 0)
		return;
	i = (uint32_t)(rtp - p->min) / 2;
	if (i >= p->npairs || !pair_used(p, i))
		return;
	p->map[i / 64] &= ~(1ULL << (i % 64));
	p->used--;
}

unsigned int
cp_ports_used(const struct cp_ports *p)
{
	return p != NULL ? p->used : 0;
}
