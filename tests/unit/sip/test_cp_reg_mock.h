/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Helpers of the registration tests (test_cp_reg*.c): a libre-based mock
 * of the operator's registrar and proxy (digest 401 then 200, or a fixed
 * refusal; OPTIONS answered), the ESG side (a SIP stack with cp_reg on
 * 127.0.0.1), a phone (a raw UDP socket) and a bounded wait.
 */
#ifndef TEST_CP_REG_MOCK_H
#define TEST_CP_REG_MOCK_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include <re.h>

#include "sip/cp_reg.h"

#define REALM "op.example"
#define TRUNK_USER "+4930123400"
#define TRUNK_PASS "secret"
#define PHONE_PASS "bobpw"

struct mock {
	struct sip *sip;
	struct sip_lsnr *lsnr;
	struct sa addr;
	uint16_t fail_code; /* answer every REGISTER with this, 0 = normal */
	uint32_t grant_s;   /* expiry granted in the 200 */
	unsigned int registers, authed, options;
	char callid[128];
	uint32_t cseq;
	char from_tag[64];
	char contact[256];
	char to[128];
	char ruri[128];
	char route[128];
	uint32_t expires;
	bool had_auth;
	struct sa src;	       /* where the last REGISTER came from */
	struct sa options_src; /* ... and the last OPTIONS */
	/* Every request the mock got, parsed: headers that appear more than
	 * once (RFC 3261 7.3.1: only list headers may; none of the requests
	 * cp_reg builds has two of any), and the first such one. */
	unsigned int dup_hdrs;
	char dup_name[64];
};

struct esg {
	struct sip *sip; /* the LAN interface's stack (both, esg_open()) */
	struct sip_lsnr *lsnr;
	struct sa addr;
	struct sip *wsip; /* esg_open2(): the WAN interface's own stack */
	struct sip_lsnr *wlsnr;
	struct sa waddr;
	unsigned int wan_requests; /* requests that reached the WAN stack */
	struct cp_reg *reg;
	struct esg_conf conf;
};

struct phone {
	int fd;
	struct sa addr;
	char buf[4096];
	ssize_t len;
	struct sa from; /* the source of the last answer */
	char req[2048]; /* the last request sent, for phone_resend() */
	size_t req_len;
};

void mock_open(struct mock *m);
void mock_close(struct mock *m);
/* One LAN and one WAN interface, both 127.0.0.1/8; one tenant. */
void esg_conf(struct esg *e, const struct mock *m, enum esg_reg_mode mode);
void esg_open(struct esg *e);
/* Two stacks as in esg-controlplane (cp_sip_alloc_groups): the LAN one on
 * 127.0.0.1, the WAN one on 127.0.0.2 (the WAN interface's address). */
void esg_open2(struct esg *e);
void esg_close(struct esg *e);
/* Run the loop until pred(arg) holds or ms pass; returns pred(arg). */
bool wait_for(bool (*pred)(const void *), const void *arg, uint32_t ms);
void phone_open(struct phone *p, const char *ip);
void phone_close(struct phone *p);
/* Send a REGISTER from p to e; the decoded answer, NULL if none came. */
struct sip_msg *phone_register(struct phone *p, const struct esg *e,
			       const char *user, const char *callid,
			       uint32_t cseq, const char *contact,
			       const char *extra);
/* How many headers of msg repeat an earlier one (by name, compact forms
 * by libre's id); the first repeated name goes to name. */
unsigned int hdr_dups(const struct sip_msg *msg, char *name, size_t sz);
/* Send the last REGISTER again, byte for byte (same branch: a UDP
 * retransmission, RFC 3261 17.1.2.1); the answer, NULL if none came. */
struct sip_msg *phone_resend(struct phone *p, const struct esg *e);
const char *hdr_val(const struct sip_msg *msg, const char *name, char *buf,
		    size_t sz);

#endif
