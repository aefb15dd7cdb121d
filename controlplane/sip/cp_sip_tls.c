/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The TLS context of the operator's trunk (cp_sip.h cp_sip_tls_alloc,
 * docs/b2bua.md "Transport toward the operator").
 *
 * libre 1.1.0's SIP transport starts TLS on a new connection with the
 * transport's context and checks nothing itself: its tls_alloc() leaves
 * OpenSSL's SSL_VERIFY_NONE, and the SIP client calls no
 * tls_set_verify_server(). The checks are therefore set on the context:
 * SSL_VERIFY_PEER with the configured CA (RFC 3261 26.3.1: the client
 * checks the server's certificate), and the proxy's name or IP address as
 * the identity its certificate must carry (RFC 5922 7: subjectAltName
 * DNS name, or an IP address for an IP-literal proxy), through the
 * context's X509_VERIFY_PARAM, which every connection inherits. The
 * only TLS peer of the WAN stack is the proxy, so one identity is right.
 */
/* libre declares tls_openssl_context() only for OpenSSL builds (the
 * Debian libre0 is one: it links libssl). */
#define USE_OPENSSL 1

#include <errno.h>
#include <string.h>

#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

#include "cp_log.h"
#include "cp_route.h"
#include "cp_sip.h"

static int
tls_own_cert(SSL_CTX *ctx, const struct esg_conf_sip *s)
{
	const char *key = s->tls_key[0] != '\0' ? s->tls_key : s->tls_cert;

	if (SSL_CTX_use_certificate_chain_file(ctx, s->tls_cert) != 1) {
		cp_err("SIP TLS: cannot load tls_cert %s", s->tls_cert);
		return EINVAL;
	}
	if (SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) != 1 ||
	    SSL_CTX_check_private_key(ctx) != 1) {
		cp_err("SIP TLS: cannot load the key of tls_cert from %s", key);
		return EINVAL;
	}
	return 0;
}

static int
tls_verify_proxy(struct tls *tls, SSL_CTX *ctx, const struct esg_conf_sip *s)
{
	X509_VERIFY_PARAM *vp = SSL_CTX_get0_param(ctx);
	char host[ESG_CONF_SIP_STR];
	struct sa ip;
	struct pl h;
	int err, ok;

	err = tls_add_ca(tls, s->tls_ca);
	if (err) {
		cp_err("SIP TLS: cannot load tls_ca %s: %s", s->tls_ca,
		       strerror(err));
		return err;
	}
	err = cp_route_proxy_host(s, &h);
	if (err)
		return err;
	if (cp_route_proxy(s, AF_UNSPEC, &ip) == 0) {
		re_snprintf(host, sizeof(host), "%j", &ip);
		ok = X509_VERIFY_PARAM_set1_ip_asc(vp, host);
	} else {
		re_snprintf(host, sizeof(host), "%r", &h);
		ok = X509_VERIFY_PARAM_set1_host(vp, host, 0);
	}
	if (ok != 1)
		return EINVAL;
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
	cp_info("SIP TLS: the proxy's certificate must chain to %s and "
		"name %s",
		s->tls_ca, host);
	return 0;
}

int
cp_sip_tls_alloc(struct tls **tlsp, const struct esg_conf_sip *s)
{
	struct tls *tls = NULL;
	SSL_CTX *ctx;
	int err;

	if (tlsp == NULL || s == NULL || s->transport != ESG_SIP_TLS)
		return EINVAL;
	err = tls_alloc(&tls, TLS_METHOD_SSLV23, NULL, NULL);
	if (err)
		return err;
	ctx = tls_openssl_context(tls);
	if (ctx == NULL) {
		err = EINVAL;
		goto out;
	}
	/* RFC 8996: nothing older than TLS 1.2 */
	if (SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION) != 1) {
		err = EINVAL;
		goto out;
	}
	if (s->tls_cert[0] != '\0') {
		err = tls_own_cert(ctx, s);
		if (err)
			goto out;
	}
	if (s->tls_verify)
		err = tls_verify_proxy(tls, ctx, s);
	else
		cp_warn("SIP TLS: tls_verify is false: the proxy's "
			"certificate is not checked");
out:
	if (err)
		mem_deref(tls);
	else
		*tlsp = tls;
	return err;
}
