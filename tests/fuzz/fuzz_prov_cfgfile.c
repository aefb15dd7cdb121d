/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Fuzz target: the configuration file parser and mapping (controlplane/
 * prov/cp_cfgfile*.c). Any bytes: the parser accepts them, or refuses
 * with EBADMSG, a reason that starts "offset N: " with N within the file
 * (or at its end), and its output untouched; what it accepts is mapped
 * onto the settings (accepted or refused with a reason, the settings
 * untouched on refusal) and its receivers asked for an address in both
 * modes. The bytes are also given to the varbind decoder alone and with
 * an out-of-band hash (the file's own SHA-1 when the last byte is odd).
 * Corpus: esg-cfgfile's example files (tests/tools/esg-cfgfile/examples).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cp_cfgfile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct cp_cfgfile cf;

static void
check_err(int rc, const struct cp_cfgfile_err *e, size_t size)
{
	char want[32];

	if (rc != EBADMSG)
		abort();
	snprintf(want, sizeof(want), "offset %zu: ", e->offset);
	if (e->offset > size || strncmp(e->reason, want, strlen(want)) != 0)
		abort();
}

static void
mapped(void)
{
	struct cp_cfgfile_settings s, before;
	struct cp_cfgfile_err e;
	uint8_t a[16];
	size_t alen;
	unsigned int i;

	cp_cfgfile_settings_init(&s);
	before = s;
	if (cp_cfgfile_apply(&cf, &s, &e) != 0 &&
	    (memcmp(&s, &before, sizeof(s)) != 0 ||
	     strncmp(e.reason, "offset ", 7) != 0))
		abort();
	for (i = 0; i < cf.nb_notify; i++) {
		if (cp_cfgfile_notify_addr(&cf.notify[i], false, a, &alen) ==
			    0 &&
		    alen != 4)
			abort();
		if (cp_cfgfile_notify_addr(&cf.notify[i], true, a, &alen) ==
			    0 &&
		    alen != 16)
			abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t mark[sizeof(struct cp_cfgfile)];
	struct cp_cfgfile_varbind vb;
	struct cp_cfgfile_err e;
	uint8_t ext[CP_CFGFILE_SHA1_LEN];
	int rc;

	memset(&cf, 0x5a, sizeof(cf));
	memset(mark, 0x5a, sizeof(mark));
	rc = cp_cfgfile_parse(data, size, NULL, &cf, &e);
	if (rc != 0) {
		check_err(rc, &e, size);
		if (memcmp(&cf, mark, sizeof(cf)) != 0)
			abort(); /* the previous configuration is kept */
	} else {
		if (cf.nb_vb > CP_CFGFILE_MAX_VARBINDS ||
		    cf.nb_notify > CP_CFGFILE_MAX_NOTIFY ||
		    cf.nb_vendor > CP_CFGFILE_MAX_VENDOR)
			abort();
		mapped();
		/* the same file with its own SHA-1 given out of band */
		memcpy(ext, cf.sha1, sizeof(ext));
		if (size > 0 && (data[size - 1] & 1) == 0)
			ext[0] ^= 1;
		rc = cp_cfgfile_parse(data, size, ext, &cf, &e);
		if ((size > 0 && (data[size - 1] & 1) == 0) != (rc != 0))
			abort();
	}
	rc = cp_cfgfile_varbind_decode(data, size, 0, &vb, &e);
	if (rc != 0)
		check_err(rc, &e, size);
	return 0;
}
