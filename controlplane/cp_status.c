/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The status document's writer (cp_status.h): path, atomic replace, and
 * the libre timer that rewrites it every CP_STATUS_PERIOD_MS, or sooner
 * after a state change, which it notices by a digest taken every
 * CP_STATUS_MIN_MS (the modules have no change callbacks, and a digest
 * of a few integers per tenant costs nothing next to a write).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <re.h>

#include "cp_log.h"
#include "cp_status.h"
#include "dp_shm.h"
#include "prov/cp_prov.h"
#include "sip/cp_reg.h"
#include "sip/cp_sip.h"

#define CP_STATUS_MODE 0640

struct cp_status {
	struct cp_status_src src;
	char path[96];
	struct tmr tmr;
	uint64_t last_ms; /* tmr_jiffies() of the last write */
	uint64_t digest;  /* at the last write */
	int last_err;	  /* logged once per distinct error */
	bool written;	  /* the file exists (ours) */
};

int
cp_status_path(const char *instance, char *buf, size_t len)
{
	char base[64];
	int n;

	if (dp_shm_path(instance, base, sizeof(base)) != 0)
		return EINVAL;
	n = snprintf(buf, len, "%s.cp.json", base);
	if (n < 0 || (size_t)n >= len)
		return ENAMETOOLONG;
	return 0;
}

int
cp_status_write(const char *path, const struct odict *doc)
{
	char tmp[128];
	FILE *f;
	int fd, n, err = 0;

	n = snprintf(tmp, sizeof(tmp), "%s.tmp.%d", path, (int)getpid());
	if (n < 0 || (size_t)n >= sizeof(tmp))
		return ENAMETOOLONG;
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
		  CP_STATUS_MODE);
	if (fd < 0)
		return errno;
	/* open() applies the umask: the mode is set explicitly */
	if (fchmod(fd, CP_STATUS_MODE) != 0) {
		err = errno;
		(void)close(fd);
		goto out;
	}
	f = fdopen(fd, "w");
	if (f == NULL) {
		err = errno;
		(void)close(fd);
		goto out;
	}
	if (re_fprintf(f, "%H\n", json_encode_odict, doc) < 0)
		err = EIO;
	if (fclose(f) != 0 && err == 0)
		err = errno != 0 ? errno : EIO;
	/* no fsync: the file lives in tmpfs and only has to be whole,
	 * which rename(2) gives */
	if (err == 0 && rename(tmp, path) != 0)
		err = errno;
out:
	if (err != 0)
		(void)unlink(tmp);
	return err;
}

static uint64_t
mix(uint64_t h, uint64_t v)
{
	/* FNV-1a over the value's 8 bytes */
	unsigned int i;

	for (i = 0; i < 8; i++) {
		h ^= (v >> (8 * i)) & 0xff;
		h *= 0x100000001b3ULL;
	}
	return h;
}

uint64_t
cp_status_digest(const struct cp_status_src *src)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	unsigned int i;

	h = mix(h, src->sip != NULL ? cp_sip_bound(src->sip) : 0);
	if (src->reg != NULL) {
		const struct cp_reg_ka_status *ka = cp_reg_ka_status(src->reg);
		const struct cp_reg_counters *c = cp_reg_counters(src->reg);

		for (i = 0; i < src->conf->sip.nb_tenants; i++) {
			const struct cp_reg_status *st =
				cp_reg_status(src->reg, i);

			if (st == NULL)
				break;
			h = mix(h, st->state);
			h = mix(h, st->last_code);
		}
		h = mix(h, ka->state);
		/* a LAN or per-user binding came or went */
		h = mix(h, c->bindings_added + c->bindings_removed +
				   c->bindings_expired + c->relayed);
	}
	if (src->prov != NULL) {
		const struct cp_prov_status *ps = cp_prov_status(src->prov);

		h = mix(h, ps->state);
		h = mix(h, ps->transitions);
		h = mix(h, ps->have_lease);
	}
	return h;
}

static int64_t
wall_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
status_write(struct cp_status *st, uint64_t now, uint64_t digest)
{
	struct odict *doc = NULL;
	int err;

	err = cp_status_build(&doc, &st->src, (int)getpid(), now, wall_ms(),
			      CP_STATUS_MAX_CALLS, CP_STATUS_MAX_BINDINGS);
	if (!err)
		err = cp_status_write(st->path, doc);
	mem_deref(doc);
	st->last_ms = now;
	st->digest = digest;
	if (err == 0) {
		st->written = true;
		st->last_err = 0;
	} else if (err != st->last_err) {
		cp_warn("status file %s: %s", st->path, strerror(err));
		st->last_err = err;
	}
}

static void
status_tmr_h(void *arg)
{
	struct cp_status *st = arg;
	uint64_t now = tmr_jiffies(), d = cp_status_digest(&st->src);

	if (now - st->last_ms >= CP_STATUS_PERIOD_MS || d != st->digest)
		status_write(st, now, d);
	tmr_start(&st->tmr, CP_STATUS_MIN_MS, status_tmr_h, st);
}

static void
destructor(void *arg)
{
	struct cp_status *st = arg;

	tmr_cancel(&st->tmr);
	/* a clean shutdown: no document claims a running control plane */
	if (st->written)
		(void)unlink(st->path);
}

int
cp_status_alloc(struct cp_status **stp, const struct cp_status_src *src)
{
	struct cp_status *st;
	int err;

	if (stp == NULL || src == NULL || src->conf == NULL)
		return EINVAL;
	st = mem_zalloc(sizeof(*st), destructor);
	if (st == NULL)
		return ENOMEM;
	st->src = *src;
	tmr_init(&st->tmr);
	err = cp_status_path(src->conf->instance, st->path, sizeof(st->path));
	if (err) {
		mem_deref(st);
		return err;
	}
	status_write(st, tmr_jiffies(), cp_status_digest(src));
	tmr_start(&st->tmr, CP_STATUS_MIN_MS, status_tmr_h, st);
	*stp = st;
	return 0;
}
