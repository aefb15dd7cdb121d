/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * esg-cfgfile: builds ESG configuration files (TLV, spec 001 6.4.2) from
 * a text description and dumps them back to the same text
 * (docs/provisioning-cfgfile.md "esg-cfgfile").
 */
#ifndef CFGTOOL_H
#define CFGTOOL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct cfgbuf {
	uint8_t *p;
	size_t len, cap;
};

int cfgbuf_put(struct cfgbuf *b, const void *p, size_t n);

/* Text -> file. The error names the line. 0 or an errno. */
int cfgtool_build(FILE *in, const char *name, struct cfgbuf *out);
/* File -> text (stdout); 0 when the parser accepts the file, else 1
 * with its reason on err. */
int cfgtool_dump(const uint8_t *buf, size_t len, FILE *out, FILE *err);

/* Hex text (pairs, optional ':' or spaces) into bytes. */
int cfgtool_unhex(const char *s, struct cfgbuf *out);
void cfgtool_sha1(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen,
		  uint8_t md[20]);

#endif
