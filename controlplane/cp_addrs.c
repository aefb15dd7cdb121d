/* SPDX-License-Identifier: BSD-3-Clause */
/* Own addresses learned at run time (cp_addrs.h). */
#include <errno.h>
#include <string.h>

#include "cp_addrs.h"

struct ent {
	unsigned int iface;
	struct sa a; /* port 0 */
	uint8_t plen;
};

struct cp_addrs_watch {
	struct le le;
	cp_addrs_change_h *h;
	void *arg;
};

static struct ent tbl[CP_ADDRS_MAX];
static unsigned int nb;
static struct list watchers;

static bool
same(const struct sa *x, const struct sa *y)
{
	return sa_af(x) == sa_af(y) && sa_cmp(x, y, SA_ADDR);
}

static void
tell(unsigned int iface, const struct sa *a, bool added)
{
	struct le *le = list_head(&watchers);

	/* a watcher may stop watching from its handler */
	while (le != NULL) {
		struct cp_addrs_watch *w = le->data;

		le = le->next;
		w->h(iface, a, added, w->arg);
	}
}

static int
find(unsigned int iface, const struct sa *a)
{
	unsigned int i;

	for (i = 0; i < nb; i++)
		if (tbl[i].iface == iface && same(&tbl[i].a, a))
			return (int)i;
	return -1;
}

int
cp_addrs_add(unsigned int iface, const struct sa *a, uint8_t plen)
{
	struct ent *e;

	if (a == NULL)
		return EINVAL;
	if (sa_af(a) != AF_INET && sa_af(a) != AF_INET6)
		return EAFNOSUPPORT;
	if (plen > (sa_af(a) == AF_INET ? 32 : 128))
		return EINVAL;
	if (find(iface, a) >= 0)
		return EALREADY; /* re-applied after a dataplane attach */
	if (nb == CP_ADDRS_MAX)
		return ENOSPC;
	e = &tbl[nb++];
	memset(e, 0, sizeof(*e));
	e->iface = iface;
	sa_cpy(&e->a, a);
	sa_set_port(&e->a, 0);
	e->plen = plen;
	tell(iface, &e->a, true);
	return 0;
}

int
cp_addrs_del(unsigned int iface, const struct sa *a)
{
	struct sa gone;
	int i = a != NULL ? find(iface, a) : -1;

	if (i < 0)
		return ENOENT;
	gone = tbl[i].a;
	memmove(&tbl[i], &tbl[i + 1],
		(nb - (unsigned int)i - 1) * sizeof(*tbl));
	nb--;
	tell(iface, &gone, false);
	return 0;
}

int
cp_addrs_find(const struct sa *a, unsigned int *ifacep)
{
	unsigned int i;

	for (i = 0; a != NULL && i < nb; i++) {
		if (same(&tbl[i].a, a)) {
			*ifacep = tbl[i].iface;
			return 0;
		}
	}
	return ENOENT;
}

int
cp_addrs_first(unsigned int iface, int af, struct sa *out)
{
	unsigned int i;

	for (i = 0; i < nb; i++) {
		if (tbl[i].iface == iface && sa_af(&tbl[i].a) == af) {
			*out = tbl[i].a;
			return 0;
		}
	}
	return ENOENT;
}

/* Are the first plen bits of x and y equal? */
static bool
prefix_eq(const uint8_t *x, const uint8_t *y, unsigned int plen)
{
	unsigned int i;

	for (i = 0; i < plen / 8; i++)
		if (x[i] != y[i])
			return false;
	if (plen % 8 == 0)
		return true;
	return ((x[i] ^ y[i]) & (uint8_t)(0xff << (8 - plen % 8))) == 0;
}

static void
bytes_of(const struct sa *a, uint8_t *b)
{
	uint32_t v;

	if (sa_af(a) == AF_INET) {
		v = htonl(sa_in(a));
		memcpy(b, &v, 4);
	} else {
		sa_in6(a, b);
	}
}

bool
cp_addrs_prefix_has(unsigned int iface, const struct sa *a)
{
	uint8_t x[16], y[16];
	unsigned int i;

	if (a == NULL || (sa_af(a) != AF_INET && sa_af(a) != AF_INET6))
		return false;
	bytes_of(a, x);
	for (i = 0; i < nb; i++) {
		if (tbl[i].iface != iface || sa_af(&tbl[i].a) != sa_af(a))
			continue;
		bytes_of(&tbl[i].a, y);
		if (prefix_eq(x, y, tbl[i].plen))
			return true;
	}
	return false;
}

int
cp_addrs_get(unsigned int i, unsigned int *ifacep, struct sa *a, uint8_t *plenp)
{
	if (i >= nb)
		return ENOENT;
	*ifacep = tbl[i].iface;
	*a = tbl[i].a;
	*plenp = tbl[i].plen;
	return 0;
}

static void
watch_destructor(void *arg)
{
	struct cp_addrs_watch *w = arg;

	list_unlink(&w->le);
}

int
cp_addrs_watch(struct cp_addrs_watch **wp, cp_addrs_change_h *h, void *arg)
{
	struct cp_addrs_watch *w;

	if (wp == NULL || h == NULL)
		return EINVAL;
	w = mem_zalloc(sizeof(*w), watch_destructor);
	if (w == NULL)
		return ENOMEM;
	w->h = h;
	w->arg = arg;
	list_append(&watchers, &w->le, w);
	*wp = w;
	return 0;
}

void
cp_addrs_clear(void)
{
	nb = 0;
	memset(tbl, 0, sizeof(tbl));
}
