/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * esg-cfgfile: ESG configuration files for tests and the e2e lab.
 *
 *   esg-cfgfile build DESC.txt OUT.bin   text description -> TLV file
 *   esg-cfgfile dump FILE.bin            TLV file -> text (stdout); the
 *                                        parser's verdict on stderr
 *   esg-cfgfile check FILE.bin [--sha1 HEX] [--ipv6]
 *                                        parse and map as the ESG does:
 *                                        settings and receivers, or the
 *                                        refusal (offset and reason)
 *   esg-cfgfile sha1 FILE.bin            SHA-1 of the file (eUE-19 hash)
 *
 * Exit: 0 ok, 1 the file is refused, 2 usage or I/O error.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "cfgtool.h"
#include "cp_cfgfile.h"

void
cfgtool_sha1(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen,
	     uint8_t md[20])
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();

	if (ctx == NULL || !EVP_DigestInit_ex(ctx, EVP_sha1(), NULL) ||
	    !EVP_DigestUpdate(ctx, a, alen) ||
	    !EVP_DigestUpdate(ctx, b, blen) ||
	    !EVP_DigestFinal_ex(ctx, md, NULL)) {
		fprintf(stderr, "esg-cfgfile: SHA-1 failed\n");
		exit(2);
	}
	EVP_MD_CTX_free(ctx);
}

static int
read_file(const char *path, struct cfgbuf *b)
{
	FILE *f = fopen(path, "rb");
	uint8_t tmp[4096];
	size_t n;

	if (f == NULL) {
		perror(path);
		return errno;
	}
	while ((n = fread(tmp, 1, sizeof(tmp), f)) > 0)
		if (cfgbuf_put(b, tmp, n)) {
			fclose(f);
			return ENOMEM;
		}
	fclose(f);
	return 0;
}

static int
cmd_build(const char *in, const char *outp)
{
	struct cfgbuf b = {0};
	FILE *f = strcmp(in, "-") ? fopen(in, "r") : stdin, *o;
	int err;

	if (f == NULL) {
		perror(in);
		return 2;
	}
	err = cfgtool_build(f, in, &b);
	if (f != stdin)
		fclose(f);
	if (err)
		return 2;
	o = strcmp(outp, "-") ? fopen(outp, "wb") : stdout;
	if (o == NULL || fwrite(b.p, 1, b.len, o) != b.len) {
		perror(outp);
		return 2;
	}
	if (o != stdout)
		fclose(o);
	free(b.p);
	return 0;
}

static void
print_settings(const struct cp_cfgfile_settings *s)
{
	static const char *const stack[] = {"unset", "ipv4", "ipv6", "dual"};
	static const char *const fam[] = {"unset", "ipv4", "ipv6"};

	printf("stack=%s signalling=%s media=%s\n", stack[s->stack],
	       fam[s->sig_family], fam[s->media_family]);
	printf("trunk_proxy=%s trunk_domain=%s\n", s->trunk_proxy,
	       s->trunk_domain);
	printf("syslog_level=%d sip_port=%u\n", s->syslog_level, s->sip_port);
}

static int
cmd_check(int argc, char **argv)
{
	struct cfgbuf b = {0}, h = {0};
	struct cp_cfgfile *cf = malloc(sizeof(*cf));
	struct cp_cfgfile_settings s;
	struct cp_cfgfile_err e;
	bool ipv6 = false;
	int i, rc = 1;

	if (cf == NULL || read_file(argv[0], &b))
		return 2;
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--ipv6") == 0)
			ipv6 = true;
		else if (strcmp(argv[i], "--sha1") == 0 && i + 1 < argc &&
			 cfgtool_unhex(argv[++i], &h) == 0 && h.len == 20)
			continue;
		else
			return 2;
	}
	if (cp_cfgfile_parse(b.p ? b.p : (const uint8_t *)"", b.len, h.p, cf,
			     &e)) {
		printf("refused: %s\n", e.reason);
		goto out;
	}
	cp_cfgfile_settings_init(&s);
	if (cp_cfgfile_apply(cf, &s, &e)) {
		printf("refused: %s\n", e.reason);
		goto out;
	}
	printf("accepted: hash %s\n", cf->hash_in_file	  ? "in file"
				      : cf->hash_external ? "external"
							  : "absent");
	print_settings(&s);
	for (i = 0; i < (int)cf->nb_notify; i++) {
		uint8_t a[16];
		size_t alen;
		char t[INET6_ADDRSTRLEN];

		if (cp_cfgfile_notify_addr(&cf->notify[i], ipv6, a, &alen)) {
			printf("receiver %d: none in IPv%c mode\n", i,
			       ipv6 ? '6' : '4');
			continue;
		}
		inet_ntop(alen == 16 ? AF_INET6 : AF_INET, a, t, sizeof(t));
		printf("receiver %d: %s port %u type %u\n", i, t,
		       cf->notify[i].port, cf->notify[i].type);
	}
	rc = 0;
out:
	free(cf);
	free(b.p);
	free(h.p);
	return rc;
}

int
main(int argc, char **argv)
{
	struct cfgbuf b = {0};
	uint8_t md[20];
	int i, rc;

	if (argc == 4 && strcmp(argv[1], "build") == 0)
		return cmd_build(argv[2], argv[3]);
	if (argc == 3 && strcmp(argv[1], "dump") == 0) {
		if (read_file(argv[2], &b))
			return 2;
		rc = cfgtool_dump(b.p, b.len, stdout, stderr);
		free(b.p);
		return rc > 1 ? 2 : rc;
	}
	if (argc >= 3 && strcmp(argv[1], "check") == 0)
		return cmd_check(argc - 2, argv + 2);
	if (argc == 3 && strcmp(argv[1], "sha1") == 0) {
		if (read_file(argv[2], &b))
			return 2;
		cfgtool_sha1(b.p, b.len, NULL, 0, md);
		for (i = 0; i < 20; i++)
			printf("%02x", md[i]);
		printf("\n");
		free(b.p);
		return 0;
	}
	fprintf(stderr, "usage: esg-cfgfile build DESC OUT | dump FILE | "
			"check FILE [--sha1 HEX] [--ipv6] | sha1 FILE\n");
	return 2;
}
