/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The shared-memory segment (dp_shm.h): create, attach, check, rings.
 *
 * Trust: each side copies a message out of the ring before validating it,
 * and checks the ring header (size, mask, capacity) against what it set up
 * or checked at attach before every burst, so a peer that writes garbage
 * into slots or ring headers is counted and refused, never followed out of
 * bounds. All four rings are single-producer / single-consumer: the
 * dataplane side is its main lcore only, so no side ever waits on an index
 * the other side wrote (the multi-producer tail wait of rte_ring would let
 * a broken peer stall us).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <rte_ring.h>
#include <rte_ring_elem.h>

#include "dp_shm.h"

#define SHM_ALIGN 128
/*
 * The legs region starts and ends on a 2 MiB boundary of the file (and the
 * mapping, which the kernel aligns to a huge page for tmpfs): with
 * transparent huge pages on the tmpfs (mount option huge=advise, or
 * within_size/always) it is mapped with 2 MiB pages. The workers prefetch
 * one leg's counters per packet at random; on 4 kB pages every prefetch of
 * a million legs' region waits for a page walk (docs/real-nics.md). The gap
 * before it is never written, so tmpfs allocates nothing for it.
 */
#define SHM_HUGE (2ull << 20)

struct dp_shm {
	void *base;
	uint64_t size;
	bool owner;
	char path[PATH_MAX];
	dev_t dev;
	ino_t ino;
	uint64_t epoch;
	struct rte_ring *ring[DP_SHM_R_STATS];
	uint32_t count[DP_SHM_R_STATS];
	struct dp_shm_side_stats st;
};

static const char *const ring_names[DP_SHM_R_STATS] = {
	[DP_SHM_R_CMD] = "esg_cmd",
	[DP_SHM_R_EVT] = "esg_evt",
	[DP_SHM_R_PUNT] = "esg_punt",
	[DP_SHM_R_INJECT] = "esg_inject",
};

static uint64_t
align_up(uint64_t v, uint64_t a)
{
	return (v + a - 1) & ~(a - 1);
}

uint64_t
dp_shm_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

int
dp_shm_path(const char *instance, char *buf, size_t len)
{
	size_t i;
	int n;

	if (instance == NULL || instance[0] == '\0' || strlen(instance) > 32)
		return -EINVAL;
	for (i = 0; instance[i] != '\0'; i++) {
		char c = instance[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '-' || c == '_'))
			return -EINVAL;
	}
	n = snprintf(buf, len, "%s/esg.%s", DP_SHM_DIR, instance);
	if (n < 0 || (size_t)n >= len)
		return -ENAMETOOLONG;
	return 0;
}

static void
fill_sizes(struct dp_shm_sizes *s)
{
	uint16_t t;

	memset(s, 0, sizeof(*s));
	s->hdr = sizeof(struct dp_shm_hdr);
	s->msg_slot = sizeof(union dp_msg);
	s->pkt_slot = sizeof(struct dp_pkt_msg);
	s->stats = sizeof(struct dp_stats);
	s->stats_port = sizeof(struct dp_stats_port);
	s->stats_lcore = sizeof(struct dp_stats_lcore);
	s->leg_stats = sizeof(struct dp_leg_stats);
	s->nb_msg = DP_MSG_MAX;
	for (t = 0; t < DP_MSG_MAX; t++)
		s->msg[t] = (uint16_t)dp_msg_size(t);
}
_Static_assert(DP_MSG_MAX <= 32, "size table too small");

static bool
pow2(uint32_t v)
{
	return v >= 2 && (v & (v - 1)) == 0 && v <= (1u << 20);
}

/* Lay out the regions for the given ring sizes; returns the total size. */
static uint64_t
layout(struct dp_shm_region r[DP_SHM_R_MAX], const struct dp_shm_params *p)
{
	const uint32_t counts[DP_SHM_R_STATS] = {
		p->cmd_count, p->evt_count, p->punt_count, p->inject_count};
	const uint32_t esizes[DP_SHM_R_STATS] = {
		sizeof(union dp_msg), sizeof(union dp_msg),
		sizeof(struct dp_pkt_msg), sizeof(struct dp_pkt_msg)};
	uint64_t off = align_up(sizeof(struct dp_shm_hdr), SHM_ALIGN);
	int i;

	for (i = 0; i < DP_SHM_R_STATS; i++) {
		ssize_t sz = rte_ring_get_memsize_elem(esizes[i], counts[i]);

		if (sz < 0)
			return 0;
		r[i].off = off;
		r[i].size = align_up((uint64_t)sz, SHM_ALIGN);
		r[i].count = counts[i];
		r[i].esize = esizes[i];
		off += r[i].size;
	}
	r[DP_SHM_R_STATS].off = off;
	r[DP_SHM_R_STATS].size = align_up(sizeof(struct dp_stats), SHM_ALIGN);
	r[DP_SHM_R_STATS].count = 0;
	r[DP_SHM_R_STATS].esize = 0;
	off += r[DP_SHM_R_STATS].size;
	off = align_up(off, SHM_HUGE);
	r[DP_SHM_R_LEGS].off = off;
	r[DP_SHM_R_LEGS].size = align_up(
		(uint64_t)p->max_legs * sizeof(struct dp_leg_stats), SHM_HUGE);
	r[DP_SHM_R_LEGS].count = p->max_legs;
	r[DP_SHM_R_LEGS].esize = sizeof(struct dp_leg_stats);
	off += r[DP_SHM_R_LEGS].size;
	return align_up(off, 4096);
}

static void
bind_rings(struct dp_shm *shm)
{
	const struct dp_shm_hdr *h = shm->base;
	int i;

	for (i = 0; i < DP_SHM_R_STATS; i++) {
		shm->ring[i] = (struct rte_ring *)((uint8_t *)shm->base +
						   h->region[i].off);
		shm->count[i] = h->region[i].count;
	}
}

/*
 * Ask for huge pages on the legs region (honoured when the tmpfs allows
 * them: huge=advise or more) and fault it in now, while nothing is timed:
 * otherwise each new leg's first counter update faults on a worker. Both
 * are advice: an older kernel (MADV_POPULATE_WRITE is Linux 5.14) or a
 * full tmpfs leaves the pages to be faulted in on first use, as before.
 */
static void
legs_huge(void *base, const struct dp_shm_region *r)
{
	uint8_t *p = (uint8_t *)base + r->off;

#ifdef MADV_HUGEPAGE
	(void)madvise(p, r->size, MADV_HUGEPAGE);
#endif
#ifdef MADV_POPULATE_WRITE
	(void)madvise(p, r->size, MADV_POPULATE_WRITE);
#endif
}

/*
 * Map the segment at a 2 MiB-aligned address, so that the legs region (2
 * MiB-aligned in the file) is too: a huge page maps only an aligned range
 * of both. The kernel aligns a tmpfs mapping itself only when the tmpfs
 * has huge pages on; reserve a larger range and map into its aligned part.
 */
static void *
map_huge_aligned(int fd, uint64_t size)
{
	uint8_t *raw, *al;
	void *p;

	raw = mmap(NULL, size + SHM_HUGE, PROT_NONE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (raw == MAP_FAILED)
		return MAP_FAILED;
	al = (uint8_t *)align_up((uintptr_t)raw, SHM_HUGE);
	p = mmap(al, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, fd,
		 0);
	if (p == MAP_FAILED) {
		munmap(raw, size + SHM_HUGE);
		return MAP_FAILED;
	}
	/* give back the reserve on either side */
	if (al > raw)
		munmap(raw, (size_t)(al - raw));
	if (al + size < raw + size + SHM_HUGE)
		munmap(al + size, (size_t)(raw + SHM_HUGE - al));
	return p;
}

/* Is there a live dataplane behind an existing segment file? */
static bool
segment_owned_by_live_dp(const char *path)
{
	struct dp_shm_hdr h;
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	n = pread(fd, &h, sizeof(h), 0);
	close(fd);
	if (n != (ssize_t)sizeof(h) || h.magic != DP_SHM_MAGIC ||
	    h.dp_pid == 0 || h.dp_pid == (uint32_t)getpid())
		return false;
	return kill((pid_t)h.dp_pid, 0) == 0 || errno == EPERM;
}

int
dp_shm_create(const char *instance, const struct dp_shm_params *p,
	      struct dp_shm **shmp)
{
	char tmp[PATH_MAX + 16];
	struct dp_shm_hdr *h;
	struct dp_shm *shm;
	struct timespec rt;
	struct stat sb;
	uint64_t total;
	int fd = -1, err, i;

	if (p == NULL || shmp == NULL)
		return -EINVAL;
	if (!pow2(p->cmd_count) || !pow2(p->evt_count) ||
	    !pow2(p->punt_count) || !pow2(p->inject_count) ||
	    p->max_legs == 0 || p->max_legs > DP_SHM_MAX_LEGS)
		return -EINVAL;

	shm = calloc(1, sizeof(*shm));
	if (shm == NULL)
		return -ENOMEM;
	shm->owner = true;
	err = dp_shm_path(instance, shm->path, sizeof(shm->path));
	if (err)
		goto out;
	if (segment_owned_by_live_dp(shm->path)) {
		err = -EEXIST;
		goto out;
	}

	{
		struct dp_shm_region r[DP_SHM_R_MAX];

		total = layout(r, p);
		if (total == 0) {
			err = -EINVAL;
			goto out;
		}
		/* Build under a temporary name, then rename: an attacher
		 * never sees a half-built segment at the real path. */
		snprintf(tmp, sizeof(tmp), "%s.%d.tmp", shm->path,
			 (int)getpid());
		fd = open(tmp, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		if (fd < 0) {
			err = -errno;
			goto out;
		}
		if (ftruncate(fd, (off_t)total) < 0) {
			err = -errno;
			goto out_unlink;
		}
		shm->base = map_huge_aligned(fd, total);
		if (shm->base == MAP_FAILED) {
			shm->base = NULL;
			err = -errno;
			goto out_unlink;
		}
		shm->size = total;
		h = shm->base;
		memcpy(h->region, r, sizeof(r));
		legs_huge(shm->base, &r[DP_SHM_R_LEGS]);
	}

	h->version = DP_API_VERSION;
	h->state = DP_SHM_STATE_INIT;
	h->total_size = total;
	fill_sizes(&h->sizes);
	if (getrandom(&h->epoch, sizeof(h->epoch), 0) != sizeof(h->epoch))
		h->epoch = dp_shm_now_ns();
	h->epoch |= 1; /* never 0: 0 means "no epoch seen yet" */
	shm->epoch = h->epoch;
	h->dp_pid = (uint32_t)getpid();
	clock_gettime(CLOCK_REALTIME, &rt);
	h->started_ns =
		(uint64_t)rt.tv_sec * 1000000000ULL + (uint64_t)rt.tv_nsec;
	h->heartbeat_ns = dp_shm_now_ns();

	bind_rings(shm);
	for (i = 0; i < DP_SHM_R_STATS; i++) {
		if (rte_ring_init(shm->ring[i], ring_names[i], shm->count[i],
				  RING_F_SP_ENQ | RING_F_SC_DEQ) != 0) {
			err = -EINVAL;
			goto out_unlink;
		}
	}
	dp_stats_init(dp_shm_stats(shm));
	dp_shm_stats(shm)->max_legs = p->max_legs;

	if (fstat(fd, &sb) < 0) {
		err = -errno;
		goto out_unlink;
	}
	shm->dev = sb.st_dev;
	shm->ino = sb.st_ino;
	__atomic_store_n(&h->state, DP_SHM_STATE_RUNNING, __ATOMIC_RELAXED);
	/* Magic last, with release: whoever sees it sees everything above. */
	__atomic_store_n(&h->magic, DP_SHM_MAGIC, __ATOMIC_RELEASE);
	if (rename(tmp, shm->path) < 0) {
		err = -errno;
		goto out_unlink;
	}
	close(fd);
	*shmp = shm;
	return 0;

out_unlink:
	unlink(tmp);
out:
	if (fd >= 0)
		close(fd);
	if (shm->base != NULL)
		munmap(shm->base, shm->size);
	free(shm);
	return err;
}

void
dp_shm_destroy(struct dp_shm *shm)
{
	struct dp_shm_hdr *h;
	struct stat sb;

	if (shm == NULL)
		return;
	h = shm->base;
	__atomic_store_n(&h->state, DP_SHM_STATE_STOPPING, __ATOMIC_RELAXED);
	__atomic_store_n(&h->magic, 0, __ATOMIC_RELEASE);
	/* Unlink only our own file: a newer dataplane may have replaced it. */
	if (stat(shm->path, &sb) == 0 && sb.st_dev == shm->dev &&
	    sb.st_ino == shm->ino)
		unlink(shm->path);
	munmap(shm->base, shm->size);
	free(shm);
}

static int why_set(char *why, size_t len, int err, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int
why_set(char *why, size_t len, int err, const char *fmt, ...)
{
	va_list ap;

	if (why != NULL && len > 0) {
		va_start(ap, fmt);
		vsnprintf(why, len, fmt, ap);
		va_end(ap);
	}
	return err;
}

int
dp_shm_check_hdr(const struct dp_shm_hdr *h, uint64_t file_size, char *why,
		 size_t whylen)
{
	struct dp_shm_sizes want;
	uint64_t end = align_up(sizeof(struct dp_shm_hdr), SHM_ALIGN);
	int i;

	if (file_size < sizeof(*h))
		return why_set(why, whylen, -EBADF,
			       "segment is %llu bytes, smaller than its header",
			       (unsigned long long)file_size);
	if (__atomic_load_n(&h->magic, __ATOMIC_ACQUIRE) != DP_SHM_MAGIC)
		return why_set(why, whylen, -EAGAIN,
			       "segment not ready (bad or cleared magic)");
	if (h->version != DP_API_VERSION)
		return why_set(why, whylen, -EPROTO,
			       "contract version %u, this build speaks %u",
			       h->version, DP_API_VERSION);
	if (h->total_size != file_size)
		return why_set(why, whylen, -EBADF,
			       "header says %llu bytes, file has %llu",
			       (unsigned long long)h->total_size,
			       (unsigned long long)file_size);
	fill_sizes(&want);
	if (memcmp(&want, &h->sizes, sizeof(want)) != 0) {
		const uint32_t *a = (const uint32_t *)&want;
		const uint32_t *b = (const uint32_t *)&h->sizes;
		size_t k;

		for (k = 0; k < sizeof(want) / 4; k++)
			if (a[k] != b[k])
				break;
		return why_set(why, whylen, -EPROTO,
			       "size table differs at word %zu (peer %u, "
			       "this build %u): built from another contract",
			       k, b[k], a[k]);
	}
	for (i = 0; i < DP_SHM_R_MAX; i++) {
		const struct dp_shm_region *r = &h->region[i];
		uint32_t esize = i < DP_SHM_R_STATS
					 ? (i <= DP_SHM_R_EVT
						    ? sizeof(union dp_msg)
						    : sizeof(struct dp_pkt_msg))
					 : 0;

		if (r->off < end || r->off % SHM_ALIGN != 0 ||
		    r->size > file_size || r->off > file_size - r->size)
			return why_set(why, whylen, -EBADF,
				       "region %d out of bounds", i);
		end = r->off + r->size;
		if (i == DP_SHM_R_STATS) {
			if (r->size < sizeof(struct dp_stats))
				return why_set(why, whylen, -EBADF,
					       "stats region too small");
			continue;
		}
		if (i == DP_SHM_R_LEGS) {
			if (r->count == 0 || r->count > DP_SHM_MAX_LEGS ||
			    r->esize != sizeof(struct dp_leg_stats) ||
			    (uint64_t)r->count * r->esize > r->size)
				return why_set(why, whylen, -EBADF,
					       "legs region: bad count %u or "
					       "slot %u",
					       r->count, r->esize);
			continue;
		}
		if (!pow2(r->count) || r->esize != esize ||
		    (uint64_t)rte_ring_get_memsize_elem(esize, r->count) >
			    r->size)
			return why_set(why, whylen, -EBADF,
				       "ring %d: bad count %u or slot %u", i,
				       r->count, r->esize);
		{
			const struct rte_ring *ring =
				(const void *)((const uint8_t *)h + r->off);

			if (ring->size != r->count ||
			    ring->mask != r->count - 1 ||
			    ring->capacity != r->count - 1)
				return why_set(why, whylen, -EBADF,
					       "ring %d header inconsistent",
					       i);
		}
	}
	return 0;
}

int
dp_shm_attach(const char *instance, struct dp_shm **shmp, char *why,
	      size_t whylen)
{
	struct dp_shm *shm;
	struct stat sb;
	int fd = -1, err;

	if (shmp == NULL)
		return -EINVAL;
	shm = calloc(1, sizeof(*shm));
	if (shm == NULL)
		return -ENOMEM;
	err = dp_shm_path(instance, shm->path, sizeof(shm->path));
	if (err) {
		why_set(why, whylen, err, "bad instance name");
		goto out;
	}
	fd = open(shm->path, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		err = -errno;
		why_set(why, whylen, err, "%s: %s", shm->path, strerror(errno));
		goto out;
	}
	if (fstat(fd, &sb) < 0) {
		err = -errno;
		goto out;
	}
	if ((uint64_t)sb.st_size < sizeof(struct dp_shm_hdr)) {
		err = why_set(why, whylen, -EBADF,
			      "%s: %lld bytes, not a segment", shm->path,
			      (long long)sb.st_size);
		goto out;
	}
	shm->size = (uint64_t)sb.st_size;
	shm->dev = sb.st_dev;
	shm->ino = sb.st_ino;
	shm->base = mmap(NULL, shm->size, PROT_READ | PROT_WRITE, MAP_SHARED,
			 fd, 0);
	if (shm->base == MAP_FAILED) {
		shm->base = NULL;
		err = -errno;
		goto out;
	}
	err = dp_shm_check_hdr(shm->base, shm->size, why, whylen);
	if (err)
		goto out;
	shm->epoch = ((struct dp_shm_hdr *)shm->base)->epoch;
	bind_rings(shm);
	close(fd);
	*shmp = shm;
	return 0;
out:
	if (fd >= 0)
		close(fd);
	if (shm->base != NULL)
		munmap(shm->base, shm->size);
	free(shm);
	return err;
}

/* Sum a "Name:   N kB" field of one smaps entry into *acc (bytes). */
static void
smaps_field(const char *line, const char *name, uint64_t *acc)
{
	size_t n = strlen(name);
	unsigned long long kb;

	if (strncmp(line, name, n) == 0 &&
	    sscanf(line + n, " %llu kB", &kb) == 1)
		*acc += (uint64_t)kb * 1024;
}

int
dp_shm_legs_huge(const struct dp_shm *shm, uint64_t *hugep, uint64_t *sizep)
{
	const struct dp_shm_hdr *h = shm->base;
	uintptr_t start = (uintptr_t)shm->base + h->region[DP_SHM_R_LEGS].off;
	unsigned long lo, hi;
	uint64_t huge = 0;
	bool in = false;
	char line[512];
	FILE *f;

	*sizep = h->region[DP_SHM_R_LEGS].size;
	f = fopen("/proc/self/smaps", "re");
	if (f == NULL)
		return -errno;
	/* The region is its own mapping once advised (madvise splits it);
	 * count what the entries covering it map with PMDs. */
	while (fgets(line, sizeof(line), f) != NULL) {
		/* an entry's first line: "start-end perms ..." (no field
		 * name is hex digits followed by '-') */
		if (sscanf(line, "%lx-%lx ", &lo, &hi) == 2) {
			in = hi > start && lo < start + *sizep;
			continue;
		}
		if (!in)
			continue;
		smaps_field(line, "ShmemPmdMapped:", &huge);
		smaps_field(line, "FilePmdMapped:", &huge);
	}
	fclose(f);
	*hugep = huge;
	return 0;
}

void
dp_shm_detach(struct dp_shm *shm)
{
	if (shm == NULL)
		return;
	munmap(shm->base, shm->size);
	free(shm);
}

struct dp_shm_hdr *
dp_shm_hdr(struct dp_shm *shm)
{
	return shm->base;
}

struct dp_stats *
dp_shm_stats(struct dp_shm *shm)
{
	const struct dp_shm_hdr *h = shm->base;

	return (struct dp_stats *)((uint8_t *)shm->base +
				   h->region[DP_SHM_R_STATS].off);
}

struct dp_leg_stats *
dp_shm_legs(struct dp_shm *shm, uint32_t *countp)
{
	const struct dp_shm_hdr *h = shm->base;

	if (countp != NULL)
		*countp = h->region[DP_SHM_R_LEGS].count;
	return (struct dp_leg_stats *)((uint8_t *)shm->base +
				       h->region[DP_SHM_R_LEGS].off);
}

const struct dp_shm_side_stats *
dp_shm_side_stats(const struct dp_shm *shm)
{
	return &shm->st;
}

void *
dp_shm_base(struct dp_shm *shm)
{
	return shm->base;
}

uint64_t
dp_shm_size(const struct dp_shm *shm)
{
	return shm->size;
}

void
dp_shm_heartbeat(struct dp_shm *shm, uint64_t now_ns)
{
	struct dp_shm_hdr *h = shm->base;

	__atomic_store_n(&h->heartbeat_ns, now_ns, __ATOMIC_RELEASE);
}

bool
dp_shm_alive(const struct dp_shm *shm, uint64_t now_ns, uint64_t timeout_ns)
{
	const struct dp_shm_hdr *h = shm->base;
	uint64_t hb = __atomic_load_n(&h->heartbeat_ns, __ATOMIC_ACQUIRE);

	if (__atomic_load_n(&h->magic, __ATOMIC_ACQUIRE) != DP_SHM_MAGIC)
		return false;
	if (__atomic_load_n(&h->state, __ATOMIC_RELAXED) !=
	    DP_SHM_STATE_RUNNING)
		return false;
	return hb + timeout_ns >= now_ns;
}

bool
dp_shm_current(const struct dp_shm *shm)
{
	const struct dp_shm_hdr *h = shm->base;
	struct stat sb;

	if (__atomic_load_n(&h->magic, __ATOMIC_ACQUIRE) != DP_SHM_MAGIC ||
	    h->epoch != shm->epoch)
		return false;
	if (stat(shm->path, &sb) < 0)
		return false;
	return sb.st_dev == shm->dev && sb.st_ino == shm->ino;
}

/* The ring header must still be what was set up (create) or checked
 * (attach); otherwise the peer has scribbled on it and we stop using it. */
static struct rte_ring *
ring_get(struct dp_shm *shm, int rid)
{
	struct rte_ring *r = shm->ring[rid];
	uint32_t c = shm->count[rid];

	if (r->size != c || r->mask != c - 1 || r->capacity != c - 1) {
		shm->st.ring_corrupt++;
		return NULL;
	}
	return r;
}

static int
msg_send(struct dp_shm *shm, int rid, const union dp_msg *m, unsigned int n)
{
	struct rte_ring *r = ring_get(shm, rid);
	unsigned int sent;

	if (r == NULL)
		return -EFAULT;
	sent = rte_ring_sp_enqueue_burst_elem(r, m, sizeof(*m), n, NULL);
	shm->st.tx += sent;
	shm->st.tx_full += n - sent;
	return (int)sent;
}

static int
msg_recv(struct dp_shm *shm, int rid, union dp_msg *m, unsigned int n,
	 unsigned int dir)
{
	struct rte_ring *r = ring_get(shm, rid);
	unsigned int got, i, good = 0;

	if (r == NULL)
		return -EFAULT;
	/* The dequeue is the copy out of shared memory; validate the copy. */
	got = rte_ring_sc_dequeue_burst_elem(r, m, sizeof(*m), n, NULL);
	for (i = 0; i < got; i++) {
		if (dp_msg_validate(&m[i], dir) != 0) {
			shm->st.rx_bad++;
			continue;
		}
		if (good != i)
			m[good] = m[i];
		good++;
	}
	shm->st.rx += good;
	return (int)good;
}

int
dp_shm_cmd_send(struct dp_shm *shm, const union dp_msg *m, unsigned int n)
{
	return msg_send(shm, DP_SHM_R_CMD, m, n);
}

int
dp_shm_cmd_recv(struct dp_shm *shm, union dp_msg *m, unsigned int n)
{
	return msg_recv(shm, DP_SHM_R_CMD, m, n, DP_DIR_CMD);
}

int
dp_shm_evt_send(struct dp_shm *shm, const union dp_msg *m, unsigned int n)
{
	return msg_send(shm, DP_SHM_R_EVT, m, n);
}

int
dp_shm_evt_recv(struct dp_shm *shm, union dp_msg *m, unsigned int n)
{
	return msg_recv(shm, DP_SHM_R_EVT, m, n, DP_DIR_EVT);
}

static int
pkt_send(struct dp_shm *shm, int rid, const struct dp_pkt_msg *p)
{
	struct rte_ring *r;

	if (p->hdr.len > DP_PKT_MAX || p->port >= DP_MAX_PORTS)
		return -EINVAL;
	r = ring_get(shm, rid);
	if (r == NULL)
		return -EFAULT;
	if (rte_ring_sp_enqueue_bulk_elem(r, p, sizeof(*p), 1, NULL) != 1) {
		shm->st.tx_full++;
		return -ENOBUFS;
	}
	shm->st.tx++;
	return 0;
}

static int
pkt_recv(struct dp_shm *shm, int rid, struct dp_pkt_msg *p)
{
	struct rte_ring *r = ring_get(shm, rid);

	if (r == NULL)
		return -EFAULT;
	if (rte_ring_sc_dequeue_bulk_elem(r, p, sizeof(*p), 1, NULL) != 1)
		return -EAGAIN;
	if (p->hdr.type != DP_MSG_NONE || p->hdr.len > DP_PKT_MAX ||
	    p->port >= DP_MAX_PORTS) {
		shm->st.rx_bad++;
		return -EBADMSG;
	}
	shm->st.rx++;
	return 0;
}

int
dp_shm_punt_send(struct dp_shm *shm, const struct dp_pkt_msg *p)
{
	return pkt_send(shm, DP_SHM_R_PUNT, p);
}

int
dp_shm_punt_recv(struct dp_shm *shm, struct dp_pkt_msg *p)
{
	return pkt_recv(shm, DP_SHM_R_PUNT, p);
}

int
dp_shm_inject_send(struct dp_shm *shm, const struct dp_pkt_msg *p)
{
	return pkt_send(shm, DP_SHM_R_INJECT, p);
}

int
dp_shm_inject_recv(struct dp_shm *shm, struct dp_pkt_msg *p)
{
	return pkt_recv(shm, DP_SHM_R_INJECT, p);
}
