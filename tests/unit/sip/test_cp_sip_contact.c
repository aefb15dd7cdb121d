/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Our Contact header (controlplane/sip/cp_sip_contact.c): over UDP the
 * address and port libre sends from; over TCP the sending address with the
 * stack's listening port, never the connection's ephemeral port
 * (RFC 3261 8.1.1.8, 18.2.1), with the transport parameter.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>
#include <re.h>

#include "sip/cp_sip.h"

static char *
contact(struct sip *sip, enum sip_transp tp, const char *src, const char *dst,
	const char *user)
{
	struct mbuf *mb = mbuf_alloc(128);
	struct sa s, d;
	char *out = NULL;

	assert_non_null(mb);
	assert_int_equal(sa_decode(&s, src, strlen(src)), 0);
	assert_int_equal(sa_decode(&d, dst, strlen(dst)), 0);
	assert_int_equal(cp_sip_contact_print(mb, sip, tp, &s, &d, user), 0);
	mb->pos = 0;
	assert_int_equal(mbuf_strdup(mb, &out, mb->end), 0);
	mem_deref(mb);
	return out;
}

static void
test_contact(void **state)
{
	struct sip *sip = NULL;
	struct sa la, bound;
	char *c;

	(void)state;
	assert_int_equal(
		sip_alloc(&sip, NULL, 16, 16, 16, "esg-test", NULL, NULL), 0);
	assert_int_equal(sa_set_str(&la, "127.0.0.1", 0), 0);
	assert_int_equal(sip_transp_add(sip, SIP_TRANSP_TCP, &la), 0);
	assert_int_equal(sip_transp_laddr(sip, &bound, SIP_TRANSP_TCP, &la), 0);
	assert_true(sa_port(&bound) != 0);

	/* UDP: what libre sends from. */
	c = contact(sip, SIP_TRANSP_UDP, "127.0.0.1:5060", "127.0.0.9:5060",
		    "esg");
	assert_string_equal(c, "Contact: <sip:esg@127.0.0.1:5060>");
	mem_deref(c);

	/* TCP: the listener's port, not the connection's 48329. */
	c = contact(sip, SIP_TRANSP_TCP, "127.0.0.1:48329", "127.0.0.9:5060",
		    "+4930123400");
	{
		char want[96];

		re_snprintf(want, sizeof(want),
			    "Contact: <sip:+4930123400@127.0.0.1:%u"
			    ";transport=tcp>",
			    sa_port(&bound));
		assert_string_equal(c, want);
	}
	mem_deref(c);

	/* No user; no listener of that transport: the source as it is. */
	c = contact(sip, SIP_TRANSP_TLS, "127.0.0.1:40000", "127.0.0.9:5061",
		    NULL);
	assert_string_equal(c, "Contact: <sip:127.0.0.1:40000;transport=tls>");
	mem_deref(c);

	assert_int_equal(
		cp_sip_contact_print(NULL, sip, SIP_TRANSP_UDP, &la, &la, NULL),
		EINVAL);
	sip_close(sip, true);
	mem_deref(sip);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_contact),
	};
	int rc;

	if (libre_init() != 0)
		return 1;
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	libre_close();
	return rc;
}
