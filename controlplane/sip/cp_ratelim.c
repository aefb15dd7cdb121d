/* SPDX-License-Identifier: BSD-3-Clause */
/* Token buckets, and one per source address (cp_ratelim.h). */
#include <errno.h>
#include <string.h>

#include "cp_ratelim.h"

#define NS 1000000000ull

void
cp_ratelim_tb_init(struct cp_ratelim_tb *tb, uint32_t rate, uint64_t now_ns)
{
	tb->rate = rate;
	tb->level = (uint64_t)rate * NS;
	tb->last_ns = now_ns;
}

bool
cp_ratelim_tb_peek(struct cp_ratelim_tb *tb, uint64_t now_ns)
{
	uint64_t cap = (uint64_t)tb->rate * NS, dt;

	if (tb->rate == 0)
		return true;
	if (now_ns < tb->last_ns) {
		/* a clock that went back: start counting from here */
		tb->last_ns = now_ns;
	}
	dt = now_ns - tb->last_ns;
	tb->last_ns = now_ns;
	/* One second refills a bucket whose burst is one second's rate;
	 * below that, dt * rate < 1e9 * 1e6 cannot overflow. */
	if (dt >= NS)
		tb->level = cap;
	else
		tb->level += dt * tb->rate;
	if (tb->level > cap)
		tb->level = cap;
	return tb->level >= NS;
}

void
cp_ratelim_tb_take(struct cp_ratelim_tb *tb)
{
	if (tb->rate != 0 && tb->level >= NS)
		tb->level -= NS;
}

struct rl_src {
	struct le he;  /* in the hash, by address */
	struct le lru; /* most recent at the head */
	struct sa addr;
	struct cp_ratelim_tb tb;
};

struct cp_ratelim {
	struct hash *ht;
	struct list lru;
	struct rl_src *pool; /* max_sources entries, never reallocated */
	uint32_t used;
	uint32_t max;
	uint32_t rps;
	struct cp_ratelim_counters c;
};

static void
destructor(void *arg)
{
	struct cp_ratelim *rl = arg;

	hash_clear(rl->ht); /* entries live in the pool */
	list_clear(&rl->lru);
	rl->ht = mem_deref(rl->ht);
	rl->pool = mem_deref(rl->pool);
}

int
cp_ratelim_alloc(struct cp_ratelim **rlp, uint32_t rps, uint32_t max_sources)
{
	struct cp_ratelim *rl;
	uint32_t buckets = 16;
	int err;

	if (rlp == NULL || max_sources == 0)
		return EINVAL;
	rl = mem_zalloc(sizeof(*rl), destructor);
	if (rl == NULL)
		return ENOMEM;
	rl->rps = rps;
	rl->max = max_sources;
	while (buckets < max_sources && buckets < (1u << 20))
		buckets <<= 1;
	err = hash_alloc(&rl->ht, buckets);
	if (err)
		goto out;
	rl->pool = mem_zalloc((size_t)max_sources * sizeof(*rl->pool), NULL);
	if (rl->pool == NULL) {
		err = ENOMEM;
		goto out;
	}
	list_init(&rl->lru);
	*rlp = rl;
	return 0;
out:
	mem_deref(rl);
	return err;
}

static bool
addr_eq_h(struct le *le, void *arg)
{
	const struct rl_src *s = le->data;

	return sa_cmp(&s->addr, arg, SA_ADDR);
}

/* The entry of src, a new one (the oldest reused when the table is
 * full), moved to the head of the LRU list. */
static struct rl_src *
src_get(struct cp_ratelim *rl, const struct sa *src, uint32_t h,
	uint64_t now_ns)
{
	struct rl_src *s;
	struct le *le;

	le = hash_lookup(rl->ht, h, addr_eq_h, (void *)src);
	if (le != NULL) {
		s = le->data;
		list_unlink(&s->lru);
		list_prepend(&rl->lru, &s->lru, s);
		return s;
	}
	if (rl->used < rl->max) {
		s = &rl->pool[rl->used++];
	} else {
		s = list_tail(&rl->lru)->data;
		hash_unlink(&s->he);
		list_unlink(&s->lru);
		rl->c.evicted++;
	}
	memset(s, 0, sizeof(*s));
	s->addr = *src;
	cp_ratelim_tb_init(&s->tb, rl->rps, now_ns);
	hash_append(rl->ht, h, &s->he, s);
	list_prepend(&rl->lru, &s->lru, s);
	return s;
}

int
cp_ratelim_check(struct cp_ratelim *rl, const struct sa *src, uint64_t now_ns)
{
	struct rl_src *s;

	if (rl == NULL || src == NULL)
		return EINVAL;
	rl->c.checked++;
	if (rl->rps == 0) {
		rl->c.passed++;
		return 0;
	}
	s = src_get(rl, src, sa_hash(src, SA_ADDR), now_ns);
	rl->c.sources = rl->used;
	if (!cp_ratelim_tb_peek(&s->tb, now_ns)) {
		rl->c.limited++;
		return EBUSY;
	}
	cp_ratelim_tb_take(&s->tb);
	rl->c.passed++;
	return 0;
}

const struct cp_ratelim_counters *
cp_ratelim_counters(const struct cp_ratelim *rl)
{
	return &rl->c;
}
