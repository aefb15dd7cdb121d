/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The lab of the B2BUA tests (test_cp_b2bua*.c): the ESG on its own libre
 * stacks at 127.0.1.1 (LAN) and 127.0.2.1 (WAN), a PBX user agent at
 * 127.0.1.10 and the operator's trunk at 127.0.2.20 (libre sipsess user
 * agents, or a test's own peer on that address), media legs on the fake
 * dataplane of test_cp_call_fdp.c, call records in a temporary file.
 * Loopback only; every wait bounded.
 */
#ifndef TEST_CP_B2BUA_LAB_H
#define TEST_CP_B2BUA_LAB_H

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <re.h>

#include "esg_conf.h"
#include "sip/cp_b2bua.h"
#include "sip/cp_cac.h"
#include "sip/cp_cdr.h"
#include "sip/cp_dlg.h"
#include "sip/cp_sip.h"
#include "test_cp_call_fdp.h"

#define ESG_LAN "127.0.1.1"
#define ESG_WAN "127.0.2.1"
#define PBX "127.0.1.10"
#define TRUNK "127.0.2.20"
/* Media addresses: the dataplane contract refuses loopback ones, so the
 * SDP and the legs use the lab's TEST-NET layout. */
#define ESG_LAN_M "192.0.2.1"
#define ESG_WAN_M "198.51.100.1"
#define PBX_M "192.0.2.10"
#define TRUNK_M "198.51.100.20"

extern const char PBX_SDP[];
extern const char PBX_HOLD_ANSWER[];
extern const char TRUNK_SDP[];
extern const char TRUNK_HOLD[];

/* One user agent: a libre stack, a sipsess socket, one session (a second
 * one in sess2 when an INVITE comes while sess is up). */
struct ua {
	const char *name;
	struct sip *sip;
	struct sipsess_sock *sock;
	struct sipsess *sess;
	struct sipsess *sess2;
	struct sa addr;
	struct mbuf *rx; /* every datagram received, for the scan */
	/* behaviour as UAS */
	uint16_t reject;	    /* answer the INVITE with this, else ring */
	const char *reject_contact; /* Contact of the reject (3xx) */
	unsigned int reject_n;	    /* reject only the first n, 0: all */
	struct sip_lsnr *lsnr;	    /* NOTIFY outside sipsess: 200 */
	bool auto_answer;
	const char *answer_sdp; /* 200 body (an offer if INVITE had none) */
	const char *reoffer_answer;
	/* what happened */
	unsigned int invites, progress, estab, closed, infos, offers;
	unsigned int answers, refer_code, refers, notifies;
	int close_err;
	uint16_t close_scode;
	uint16_t last_prog;
	char ruri_user[64];
	char pai[128];
	char to[128];
	char callid[128];
	char last_sdp[1024];
	char refer_to[256];
	char referred_by[256];
	char notify[512]; /* the last NOTIFY received, whole */
	/* the dialog of the last estab: Call-ID, our tag, the peer's */
	char est_callid[128];
	char est_ltag[64];
	char est_rtag[64];
	uint16_t info_code;
};

/* What a test's lab has (zero: the defaults). */
struct lab_opt {
	unsigned int max_calls; /* 0: 100 */
	uint32_t sec_ms;	/* cp_dlg "second" (session timers), 0: 1 s */
	bool no_trunk; /* the trunk is the test's own (ua_stack only) */
	bool no_pbx;   /* the PBX is the test's own (ua_stack only) */
};

extern struct ua PBXUA, TRUNKUA;
extern struct fdp F;
extern struct esg_conf conf;
extern struct cp_b2bua *b2b;
extern struct cp_cac *cac;
extern uint16_t esg_port;
extern struct tmr g_tick;
extern uint64_t g_deadline;

void lab_tick_h(void *arg);

#define WAIT(cond, ms)                                                         \
	do {                                                                   \
		g_deadline = tmr_jiffies() + (ms);                             \
		while (!(cond) && tmr_jiffies() < g_deadline) {                \
			tmr_start(&g_tick, 5, lab_tick_h, NULL);               \
			(void)re_main(NULL);                                   \
		}                                                              \
		tmr_cancel(&g_tick);                                           \
	} while (0)

struct mbuf *mb_str(const char *s);
/* A UA's name, address and rx buffer; with stack, its libre stack on
 * addr whose every received datagram lands in rx (a test adds its own
 * dialog layer on ua->sip). */
void ua_stack(struct ua *ua, const char *name, const char *addr, bool stack);
/* ua_stack with a libre sipsess user agent (sock, NOTIFY answered 200). */
void ua_up(struct ua *ua, const char *name, const char *addr);
void ua_down(struct ua *ua);
/* Does the bytes ua received hold s? */
bool rx_has(const struct ua *ua, const char *s);
int lab_setup(const struct lab_opt *o);
int setup(void **state);
int setup_one(void **state);
int teardown(void **state);
/* The UA calls user at the ESG address esg; body NULL: late offer.
 * hdrs: extra header lines or NULL. */
void ua_call(struct ua *ua, const char *user, const char *from_user,
	     const char *esg, const char *body);
void ua_call_x(struct ua *ua, struct sipsess **sessp, const char *user,
	       const char *from_user, const char *esg, const char *body,
	       const char *hdrs);
/* No leg and no call left, nothing the dataplane model refused. */
void assert_no_leak(void);
/* Topology hiding: what each side received holds nothing of the other
 * side: no address of its network, no Call-ID. */
void assert_hidden(void);
/* The two live legs: their remotes are the two UAs' SDP addresses and
 * they are bound to each other. */
void assert_legs(uint16_t pbx_port, uint16_t trunk_port);
/* The records written so far (one JSON object a line). */
void records(char *buf, size_t size);
/* Run the test group with libre up. */
int lab_run(const char *name, const struct CMUnitTest *tests, size_t n);

#endif
