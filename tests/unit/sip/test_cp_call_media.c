/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Media anchoring of a call (controlplane/sip/cp_call_media.c,
 * cp_call_ports.c) against the fake dataplane of test_cp_call_fdp.c.
 *
 * Covers: port pairs (even RTP, RFC 3550 11; the tenant's slice; round
 * robin; exhaustion); an offer makes one bound leg pair per stream with
 * the offerer's remote, the answer sets the other remote and STRICT;
 * rtcp-mux accepted in the answer re-installs the legs (RFC 5761); a
 * re-offer with a new address re-latches, the same one sends nothing;
 * hold (RFC 3264 8.4) keeps legs and stops the inactivity timer, resume
 * starts it; codec change moves the clock; forks' early answers (LATCH
 * only, remote follows the last fork, final pins STRICT); a stream
 * rejected in the answer frees its legs; m= lines never removed; the
 * leg family follows the offerer's SDP; and no leg or port is left after
 * every way a call's media can end (CANCEL / reject before an answer,
 * BYE either side after it, a dataplane error, an inactivity timeout,
 * port exhaustion half way).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>

#include <cmocka.h>

#include <re.h>

#include "sip/cp_call_media.h"
#include "test_cp_call_fdp.h"

static struct fdp F;
static struct cp_ports *pool_lan, *pool_wan;
static struct {
	unsigned int n;
	enum cp_cmedia_event ev;
	enum cp_side side;
	unsigned int stream;
	int err;
	int first_err; /* of the first ERROR event */
} got;

static void
ev_h(struct cp_cmedia *m, enum cp_cmedia_event ev, enum cp_side side,
     unsigned int stream, int err, void *arg)
{
	(void)m;
	(void)arg;
	got.n++;
	got.ev = ev;
	got.side = side;
	got.stream = stream;
	got.err = err;
	if (ev == CP_CMEDIA_EV_ERROR && got.first_err == 0)
		got.first_err = err;
}

static int
setup(void **state)
{
	(void)state;
	memset(&got, 0, sizeof(got));
	fdp_open(&F);
	assert_int_equal(cp_ports_alloc(&pool_lan, 16384, 32767), 0);
	assert_int_equal(cp_ports_alloc(&pool_wan, 16384, 32767), 0);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	pool_lan = mem_deref(pool_lan);
	pool_wan = mem_deref(pool_wan);
	fdp_close(&F);
	return 0;
}

static void
cfg_make(struct cp_cmedia_cfg *c)
{
	memset(c, 0, sizeof(*c));
	c->legs = F.tbl;
	c->idle_ms = 60000;
	c->side[CP_SIDE_A].ifport = 0;
	assert_int_equal(sa_set_str(&c->side[CP_SIDE_A].addr, "192.0.2.1", 0),
			 0);
	assert_int_equal(
		sa_set_str(&c->side[CP_SIDE_A].alt, "2001:db8:1::1", 0), 0);
	c->side[CP_SIDE_A].ports = pool_lan;
	c->side[CP_SIDE_A].port_min = 20000;
	c->side[CP_SIDE_A].port_max = 20999;
	c->side[CP_SIDE_B].ifport = 1;
	assert_int_equal(
		sa_set_str(&c->side[CP_SIDE_B].addr, "198.51.100.1", 0), 0);
	c->side[CP_SIDE_B].ports = pool_wan;
	c->side[CP_SIDE_B].port_min = 20000;
	c->side[CP_SIDE_B].port_max = 20999;
}

static struct cp_cmedia *
media_new(void)
{
	struct cp_cmedia_cfg c;
	struct cp_cmedia *m = NULL;

	cfg_make(&c);
	assert_int_equal(cp_cmedia_alloc(&m, &c, ev_h, NULL), 0);
	return m;
}

static void
rem(struct cp_cmedia_rem *r, const char *addr, uint16_t port)
{
	memset(r, 0, sizeof(*r));
	assert_int_equal(sa_set_str(&r->rtp, addr, port), 0);
	r->clock_hz = 8000;
}

static const struct fdp_leg *
leg_of(const struct cp_cmedia *m, enum cp_side s, unsigned int i)
{
	const struct cp_leg *l = cp_cmedia_leg(m, s, i);

	assert_non_null(l);
	return &F.leg[cp_leg_id(l)];
}

/* Nothing left: no live leg in the dataplane, none in the table, every
 * port back in its pool, and the model never refused a command. */
static void
assert_clean(void)
{
	struct cp_leg_counters c;

	fdp_run(&F);
	cp_leg_tbl_counters(F.tbl, &c);
	assert_int_equal(fdp_live(&F), 0);
	assert_int_equal(c.legs, 0);
	assert_int_equal(cp_ports_used(pool_lan), 0);
	assert_int_equal(cp_ports_used(pool_wan), 0);
	assert_int_equal(F.errors, 0);
	assert_int_equal(F.adds, F.dels);
}

/* RFC 3550 11: even RTP ports, RTCP the next; the slice; round robin. */
static void
test_ports(void **state)
{
	struct cp_ports *p = NULL;
	uint16_t a, b, c;

	(void)state;
	assert_int_equal(cp_ports_alloc(&p, 1001, 1010), 0);
	assert_int_equal(cp_ports_get(p, 0, 0, &a), 0);
	assert_int_equal(a, 1002);
	assert_int_equal(cp_ports_get(p, 0, 0, &b), 0);
	assert_int_equal(b, 1004);
	cp_ports_put(p, a);
	/* Round robin: the freed pair is not the next one handed out. */
	assert_int_equal(cp_ports_get(p, 0, 0, &c), 0);
	assert_int_equal(c, 1006);
	/* A slice: odd bounds round inward; RTCP must fit too. */
	assert_int_equal(cp_ports_get(p, 1007, 1010, &a), 0);
	assert_int_equal(a, 1008);
	assert_int_equal(cp_ports_get(p, 1007, 1010, &a), ENOSPC);
	assert_int_equal(cp_ports_get(p, 1009, 1009, &a), ENOSPC);
	assert_int_equal(cp_ports_used(p), 3);
	cp_ports_put(p, 1003); /* odd: not a pair, ignored */
	cp_ports_put(p, 1002); /* free already: ignored */
	assert_int_equal(cp_ports_used(p), 3);
	assert_int_equal(cp_ports_get(p, 0, 0, &a), 0);
	assert_int_equal(a, 1002);
	assert_int_equal(cp_ports_get(p, 0, 0, &a), ENOSPC);
	mem_deref(p);
	assert_int_equal(cp_ports_alloc(&p, 1000, 1000), EINVAL);
	assert_int_equal(cp_ports_alloc(&p, 2000, 1000), EINVAL);
}

/* Offer from A with two streams, answer from B: two bound pairs; anchors
 * toward each side; STRICT after the final answer; BYE: all gone. */
static void
test_offer_answer(void **state)
{
	struct cp_cmedia *m = media_new();
	struct cp_cmedia_rem o[2], a[2];
	struct cp_cmedia_anchor an;
	const struct fdp_leg *la, *lb;
	struct sa want;

	(void)state;
	rem(&o[0], "192.0.2.10", 4000);
	rem(&o[1], "192.0.2.10", 4002);
	o[1].clock_hz = 90000;
	assert_int_equal(cp_cmedia_offer(m, CP_SIDE_A, o, 2), 0);
	fdp_run(&F);
	assert_int_equal(fdp_live(&F), 4);
	assert_int_equal(cp_cmedia_count(m), 2);
	la = leg_of(m, CP_SIDE_A, 0);
	lb = leg_of(m, CP_SIDE_B, 0);
	assert_int_equal(la->peer, cp_leg_id(cp_cmedia_leg(m, CP_SIDE_B, 0)));
	assert_int_equal(lb->peer, cp_leg_id(cp_cmedia_leg(m, CP_SIDE_A, 0)));
	assert_true(la->has_remote);
	assert_true(sa_cmp(&la->remote, &o[0].rtp, SA_ALL));
	assert_false(lb->has_remote);
	assert_int_equal(la->flags, DP_LEG_F_LATCH | DP_LEG_F_SAME_IP);
	assert_int_equal(la->rtp % 2, 0);
	assert_int_equal(la->rtcp, la->rtp + 1);
	assert_true(la->rtp >= 20000 && la->rtcp <= 20999);
	assert_int_equal(la->idle_ms, 60000);
	assert_int_equal(leg_of(m, CP_SIDE_A, 1)->clock_hz, 90000);
	/* The anchor toward B: the WAN address and the B leg's ports. */
	assert_int_equal(cp_cmedia_anchor(m, CP_SIDE_B, 0, &an), 0);
	assert_true(an.live);
	assert_int_equal(sa_set_str(&want, "198.51.100.1", lb->rtp), 0);
	assert_true(sa_cmp(&an.rtp, &want, SA_ALL));
	assert_int_equal(an.rtcp_port, lb->rtp + 1);
	assert_int_equal(cp_cmedia_anchor(m, CP_SIDE_A, 2, &an), EINVAL);

	rem(&a[0], "198.51.100.254", 7000);
	rem(&a[1], "198.51.100.254", 7002);
	a[1].clock_hz = 90000;
	assert_int_equal(cp_cmedia_answer(m, CP_SIDE_B, a, 2, true), 0);
	fdp_run(&F);
	lb = leg_of(m, CP_SIDE_B, 0);
	assert_true(lb->has_remote);
	assert_true(sa_cmp(&lb->remote, &a[0].rtp, SA_ALL));
	assert_int_equal(lb->flags,
			 DP_LEG_F_LATCH | DP_LEG_F_SAME_IP | DP_LEG_F_STRICT);
	assert_int_equal(leg_of(m, CP_SIDE_A, 0)->flags,
			 DP_LEG_F_LATCH | DP_LEG_F_SAME_IP | DP_LEG_F_STRICT);
	/* RFC 3264 6: an answer has the offer's m= lines. */
	assert_int_equal(cp_cmedia_answer(m, CP_SIDE_B, a, 1, true), EPROTO);
	/* RFC 3264 8: a re-offer never removes m= lines. */
	assert_int_equal(cp_cmedia_offer(m, CP_SIDE_B, a, 1), ENOTSUP);
	assert_int_equal(got.n, 0);
	mem_deref(m); /* BYE */
	assert_clean();
}

/* RFC 5761 5.1.1: mux offered and accepted -> legs with RTCP on the RTP
 * port, same ports; a later answer without mux goes back. */
static void
test_rtcp_mux(void **state)
{
	struct cp_cmedia *m = media_new();
	struct cp_cmedia_rem o, a;
	uint16_t rtp_a, rtp_b;

	(void)state;
	rem(&o, "192.0.2.10", 4000);
	o.mux = true;
	assert_int_equal(cp_cmedia_offer(m, CP_SIDE_A, &o, 1), 0);
	fdp_run(&F);
	rtp_a = leg_of(m, CP_SIDE_A, 0)->rtp;
	rtp_b = leg_of(m, CP_SIDE_B, 0)->rtp;
	assert_int_equal(leg_of(m, CP_SIDE_A, 0)->rtcp, rtp_a + 1);
	rem(&a, "198.51.100.254", 7000);
	a.mux = true;
	assert_int_equal(cp_cmedia_answer(m, CP_SIDE_B, &a, 1, true), 0);
	fdp_run(&F);
	assert_int_equal(fdp_live(&F), 2);
	assert_int_equal(leg_of(m, CP_SIDE_A, 0)->rtcp, 0);
	assert_int_equal(leg_of(m, CP_SIDE_B, 0)->rtcp, 0);
	assert_int_equal(leg_of(m, CP_SIDE_A, 0)->rtp, rtp_a);
	assert_int_equal(leg_of(m, CP_SIDE_B, 0)->rtp, rtp_b);
	/* Both re-installed legs are bound and keep their remotes. */
	assert_int_equal(leg_of(m, CP_SIDE_A, 0)->peer,
			 cp_leg_id(cp_cmedia_leg(m, CP_SIDE_B, 0)));
	assert_true(sa_cmp(&leg_of(m, CP_SIDE_A, 0)->remote, &o.rtp, SA_ALL));
	assert_true(sa_cmp(&leg_of(m, CP_SIDE_B, 0)->remote, &a.rtp, SA_ALL));
	/* Re-offer from B without mux, answer without: separate RTCP. */
	a.mux = false;
	o.mux = false;
	assert_int_equal(cp_cmedia_offer(m, CP_SIDE_B, &a, 1), 0);
	assert_int_equal(cp_cmedia_answer(m, CP_SIDE_A, &o, 1, true), 0);
	fdp_run(&F);
	assert_int_equal(leg_of(m, CP_SIDE_A, 0)->rtcp, rtp_a + 1);
	mem_deref(m);
	assert_clean();
}

/* Re-offers: a moved address re-latches (LEG_REMOTE RELATCH), the same
 * SDP sends nothing; hold (RFC 3264 8.4) keeps the legs and stops the
 * inactivity timer; resume restarts it; a codec change moves the clock. */
static void
test_reoffer_hold(void **state)
{
	struct cp_cmedia *m = media_new();
	struct cp_cmedia_rem o, a;
	unsigned int cmds;

	(void)state;
	rem(&o, "192.0.2.10", 4000);
	rem(&a, "198.51.100.254", 7000);
	assert_int_equal(cp_cmedia_offer(m, CP_SIDE_A, &o, 1), 0);
	assert_int_equal(cp_cmedia_answer(m, CP_SIDE_B, &a, 1, true), 0);
	fdp_run(&F);
	cmds = F.cmds;
	/* The same offer and answer again (a session refresh): nothing. */
	assert_int_equal(cp_cmedia_offer(m, CP_SIDE_A, &o, 1), 0);
	assert_int_equal(cp_cmedia_answer(m, CP_SIDE_B, &a, 1, true), 0);
	fdp_run(&F);
	assert_int_equal(F.cmds, cmds);
	/* B moves its media. */
	rem(&a, "198.51.100.254", 7100);
	assert_int_equal(cp_cmedia_offer(m, CP_SIDE_B, &a, 1), 0);
	assert_int_equal(cp_cmedia_answer(m, CP_SIDE_A, &o, 1, true), 0);
	fdp_run(&F);
	assert_int_equal(sa_port(&leg_of(m, CP_SIDE_B, 0)->remote), 7100);
	assert_int_equal(leg_of(m, CP_SIDE_B, 0)->relatches, 1);
	/* A holds with c=0.0.0.0: remote kept, no inactivity timer. */
	rem(&o, "0.0.0.0", 4000);
	o.hold = true;
	assert_int_equal(cp_cmedia_offer(m, CP_SIDE_A, &o, 1), 0);
	assert_int_equal(cp_cmedia_answer(m, CP_SIDE_B, &a, 1, true), 0);
	fdp_run(&F);
	assert_int_equal(fdp_live(&F), 2);
	assert_int_equal(sa_port(&leg_of(m, CP_SIDE_A, 0)->remote), 4000);
	assert_int_equal(leg_of(m, CP_SIDE_A, 0)->idle_ms, 0);
	assert_int_equal(leg_of(m, CP_SIDE_B, 0)->idle_ms, 0);
	/* Resume with a codec of another clock (G.722's RTP clock is 8000
	 * by RFC 3551 4.5.2; take a 16 kHz one). */
	rem(&o, "192.0.2.10", 4000);
	a.clock_hz = 16000;
	assert_int_equal(cp_cmedia_offer(m, CP_SIDE_A, &o, 1), 0);
	assert_int_equal(cp_cmedia_answer(m, CP_SIDE_B, &a, 1, true), 0);
	fdp_run(&F);
	assert_int_equal(leg_of(m, CP_SIDE_A, 0)->idle_ms, 60000);
	assert_int_equal(leg_of(m, CP_SIDE_B, 0)->clock_hz, 16000);
	assert_int_equal(leg_of(m, CP_SIDE_A, 0)->clock_hz, 16000);
	mem_deref(m);
	assert_clean();
}

/* RFC 3261 13.2.2.4 forking: early answers of two forks on the one B
 * leg: LATCH only (media from any fork flows), remote = the last fork;
 * the winner's final answer pins it with STRICT. */
static void
test_forks_early_media(void **state)
{
	struct cp_cmedia *m = media_new();
	struct cp_cmedia_rem o, f1, f2;
	const struct fdp_leg *lb;

	(void)state;
	rem(&o, "192.0.2.10", 4000);
	rem(&f1, "198.51.100.254", 7000);
	rem(&f2, "198.51.100.253", 8000);
	assert_int_equal(cp_cmedia_offer(m, CP_SIDE_A, &o, 1), 0);
	assert_int_equal(cp_cmedia_answer(m, CP_SIDE_B, &f1, 1, false), 0);
	fdp_run(&F);
	lb = leg_of(m, CP_SIDE_B, 0);
	assert_int_equal(lb->flags, DP_LEG_F_LATCH);
	assert_true(sa_cmp(&lb->remote, &f1.rtp, SA_ALL));
	assert_int_equal(cp_cmedia_answer(m, CP_SIDE_B, &f2, 1, false), 0);
	fdp_run(&F);
	assert_true(sa_cmp(&lb->remote, &f2.rtp, SA_ALL));
	assert_int_equal(lb->relatches, 1);
	assert_int_equal(fdp_live(&F), 2); /* one B leg for every fork */
	assert_int_equal(cp_cmedia_answer(m, CP_SIDE_B, &f1, 1, true), 0);
	fdp_run(&F);
	assert_true(sa_cmp(&lb->remote, &f1.rtp, SA_ALL));
	assert_int_equal(lb->flags,
			 DP_LEG_F_LATCH | DP_LEG_F_SAME_IP | DP_LEG_F_STRICT);
	mem_deref(m);
	assert_clean();
}

/* A stream rejected in the answer (port 0) frees its legs and ports; the
 * anchor toward either side then says port 0. A disabled stream in an
 * offer gets no legs. */
static void
test_rejected_stream(void **state)
{
	struct cp_cmedia *m = media_new();
	struct cp_cmedia_rem o[2], a[2];
	struct cp_cmedia_anchor an;

	(void)state;
	rem(&o[0], "192.0.2.10", 4000);
	rem(&o[1], "192.0.2.10", 4002);
	assert_int_equal(cp_cmedia_offer(m, CP_SIDE_A, o, 2), 0);
	rem(&a[0], "198.51.100.254", 7000);
	rem(&a[1], "198.51.100.254", 0);
	a[1].rejected = true;
	assert_int_equal(cp_cmedia_answer(m, CP_SIDE_B, a, 2, true), 0);
	fdp_run(&F);
	assert_int_equal(fdp_live(&F), 2);
	assert_int_equal(cp_ports_used(pool_lan), 1);
	assert_int_equal(cp_cmedia_anchor(m, CP_SIDE_A, 1, &an), 0);
	assert_false(an.live);
	assert_null(cp_cmedia_leg(m, CP_SIDE_A, 1));
	/* A re-offer disabling stream 0 too. */
	o[0].rejected = true;
	o[1].rejected = true;
	assert_int_equal(cp_cmedia_offer(m, CP_SIDE_A, o, 2), 0);
	fdp_run(&F);
	assert_int_equal(fdp_live(&F), 0);
	mem_deref(m);
	assert_clean();
}

/* The offerer's leg takes the family of its SDP (the LAN phone offers
 * IPv6: the LAN leg is IPv6, the WAN leg stays IPv4); a family the side
 * has no address of is refused. */
static void
test_family(void **state)
{
	struct cp_cmedia *m = media_new();
	struct cp_cmedia_rem o, a;

	(void)state;
	rem(&o, "2001:db8:1::10", 4000);
	assert_int_equal(cp_cmedia_offer(m, CP_SIDE_A, &o, 1), 0);
	fdp_run(&F);
	assert_int_equal(leg_of(m, CP_SIDE_A, 0)->af, AF_INET6);
	assert_int_equal(leg_of(m, CP_SIDE_B, 0)->af, AF_INET);
	/* B answers in IPv6 on a leg offered in IPv4: refused. */
	rem(&a, "2001:db8:2::fe", 7000);
	assert_int_equal(cp_cmedia_answer(m, CP_SIDE_B, &a, 1, true),
			 EAFNOSUPPORT);
	mem_deref(m);
	assert_clean();

	/* B has no IPv6 address: an offer from B in IPv6 is refused, and
	 * what it half made is gone. */
	m = media_new();
	rem(&o, "2001:db8:2::fe", 4000);
	assert_int_equal(cp_cmedia_offer(m, CP_SIDE_B, &o, 1), EAFNOSUPPORT);
	mem_deref(m);
	assert_clean();
}

/* Ends before an answer (CANCEL, a reject from B), after it (BYE from
 * either side is the same mem_deref), on a dataplane error and on an
 * inactivity timeout: nothing left. */
static void
test_no_leak_paths(void **state)
{
	struct cp_cmedia_rem o[3], a[3];
	struct cp_cmedia *m;
	unsigned int i;

	(void)state;
	for (i = 0; i < 3; i++) {
		rem(&o[i], "192.0.2.10", (uint16_t)(4000 + 2 * i));
		rem(&a[i], "198.51.100.254", (uint16_t)(7000 + 2 * i));
	}
	/* CANCEL / reject: offer only. */
	m = media_new();
	assert_int_equal(cp_cmedia_offer(m, CP_SIDE_A, o, 3), 0);
	fdp_run(&F);
	assert_int_equal(fdp_live(&F), 6);
	mem_deref(m);
	assert_clean();
	/* Early media, then the caller CANCELs. */
	m = media_new();
	assert_int_equal(cp_cmedia_offer(m, CP_SIDE_A, o, 3), 0);
	assert_int_equal(cp_cmedia_answer(m, CP_SIDE_B, a, 3, false), 0);
	mem_deref(m); /* before the dataplane even answered */
	assert_clean();
	/* A dataplane error on LEG_ADD reaches the owner as an event. */
	m = media_new();
	F.fail_add = -EADDRNOTAVAIL;
	assert_int_equal(cp_cmedia_offer(m, CP_SIDE_A, o, 1), 0);
	fdp_run(&F);
	/* The refused ADD, then what the dataplane refuses for the missing
	 * leg (BIND, REMOTE): every one reported. */
	assert_true(got.n >= 1);
	assert_int_equal(got.ev, CP_CMEDIA_EV_ERROR);
	assert_int_equal(got.side, CP_SIDE_A);
	assert_int_equal(got.first_err, EADDRNOTAVAIL);
	mem_deref(m);
	fdp_run(&F);
	assert_int_equal(fdp_live(&F), 0);
	assert_int_equal(cp_ports_used(pool_lan), 0);
	F.errors = 0;	 /* the model refused commands for the missing leg */
	F.adds = F.dels; /* the refused ADD needs no DEL */
	assert_clean();
	/* Inactivity: the event names the stream and the side. */
	memset(&got, 0, sizeof(got));
	m = media_new();
	assert_int_equal(cp_cmedia_offer(m, CP_SIDE_A, o, 2), 0);
	assert_int_equal(cp_cmedia_answer(m, CP_SIDE_B, a, 2, true), 0);
	fdp_run(&F);
	fdp_inactive(&F, cp_leg_id(cp_cmedia_leg(m, CP_SIDE_B, 1)));
	assert_int_equal(got.n, 1);
	assert_int_equal(got.ev, CP_CMEDIA_EV_INACTIVE);
	assert_int_equal(got.side, CP_SIDE_B);
	assert_int_equal(got.stream, 1);
	mem_deref(m);
	assert_clean();
}

/* The tenant's slice runs out half way through an offer: ENOSPC, the
 * streams made so far stay with the call and go with it. */
static void
test_ports_exhausted(void **state)
{
	struct cp_cmedia_cfg c;
	struct cp_cmedia *m = NULL;
	struct cp_cmedia_rem o[3];
	unsigned int i;

	(void)state;
	cfg_make(&c);
	c.side[CP_SIDE_B].port_min = 20000;
	c.side[CP_SIDE_B].port_max = 20003; /* two pairs */
	assert_int_equal(cp_cmedia_alloc(&m, &c, ev_h, NULL), 0);
	for (i = 0; i < 3; i++)
		rem(&o[i], "192.0.2.10", (uint16_t)(4000 + 2 * i));
	assert_int_equal(cp_cmedia_offer(m, CP_SIDE_A, o, 3), ENOSPC);
	fdp_run(&F);
	assert_int_equal(fdp_live(&F), 4);
	assert_int_equal(cp_ports_used(pool_lan), 2);
	mem_deref(m);
	assert_clean();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ports),
		cmocka_unit_test_setup_teardown(test_offer_answer, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_rtcp_mux, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reoffer_hold, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_forks_early_media, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_rejected_stream, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_family, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_leak_paths, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_ports_exhausted, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
