/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The B2BUA end to end in one process (controlplane/sip/cp_b2bua.c,
 * cp_call.c, cp_call_sdp.c with cp_dlg, cp_sdp, cp_cac, cp_call_media):
 * the ESG on its own libre stack at 127.0.1.1 (LAN) and 127.0.2.1 (WAN),
 * a PBX user agent at 127.0.1.10 and the operator's trunk at 127.0.2.20,
 * both libre sipsess user agents, media legs on the fake dataplane of
 * test_cp_call_fdp.c. Loopback only; every wait bounded.
 *
 * Covers: an outgoing call (LAN -> trunk: request URI and To at the
 * operator's domain, P-Asserted-Identity of the trunk, SDP anchored on
 * each side, legs bound with both remotes, BYE from A ends B, no leg
 * left); an incoming call (trunk -> the tenant by its number -> the
 * static PBX, BYE from B); topology hiding (no byte of the other side's
 * addresses or Call-ID in any message a side receives, RFC 3261 16.6
 * style headers rebuilt); CANCEL before the answer (RFC 3261 9); a reject
 * mapped (486 passes, a 3xx becomes 480); the late offer (INVITE without
 * SDP, RFC 3264 4 / RFC 3261 13.2.1); a re-INVITE hold relayed with the
 * answer returned asynchronously (RFC 3264 8.4); INFO relayed; REFER
 * refused 403 (RFC 3515 2.4.2 allows it); media inactivity ending the call with BYE both sides;
 * admission 503 + Retry-After (RFC 3261 21.5.4); no route (404) and a
 * WAN source that is not the proxy (403); the error mapping table.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

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

static const char PBX_SDP[] = "v=0\r\no=pbx 11 1 IN IP4 " PBX_M "\r\ns=-\r\n"
			      "c=IN IP4 " PBX_M "\r\nt=0 0\r\n"
			      "m=audio 4000 RTP/AVP 0 8\r\n"
			      "a=rtpmap:0 PCMU/8000\r\na=sendrecv\r\n";
static const char PBX_HOLD_ANSWER[] =
	"v=0\r\no=pbx 11 2 IN IP4 " PBX_M "\r\ns=-\r\n"
	"c=IN IP4 " PBX_M "\r\nt=0 0\r\n"
	"m=audio 4000 RTP/AVP 0\r\n"
	"a=recvonly\r\n";
static const char TRUNK_SDP[] = "v=0\r\no=op 22 1 IN IP4 " TRUNK_M "\r\ns=-\r\n"
				"c=IN IP4 " TRUNK_M "\r\nt=0 0\r\n"
				"m=audio 6000 RTP/AVP 0\r\n"
				"a=rtpmap:0 PCMU/8000\r\n";
static const char TRUNK_HOLD[] =
	"v=0\r\no=op 22 2 IN IP4 " TRUNK_M "\r\ns=-\r\n"
	"c=IN IP4 " TRUNK_M "\r\nt=0 0\r\n"
	"m=audio 6000 RTP/AVP 0\r\n"
	"a=sendonly\r\n";

/* One user agent: a libre stack, a sipsess socket, one session. */
struct ua {
	const char *name;
	struct sip *sip;
	struct sipsess_sock *sock;
	struct sipsess *sess;
	struct sa addr;
	struct mbuf *rx; /* every datagram received, for the scan */
	/* behaviour as UAS */
	uint16_t reject; /* answer the INVITE with this, else ring */
	bool auto_answer;
	const char *answer_sdp; /* 200 body (an offer if INVITE had none) */
	const char *reoffer_answer;
	/* what happened */
	unsigned int invites, progress, estab, closed, infos, offers;
	unsigned int answers, refer_code;
	int close_err;
	uint16_t close_scode;
	uint16_t last_prog;
	char ruri_user[64];
	char pai[128];
	char to[128];
	char callid[128];
	char last_sdp[1024];
	uint16_t info_code;
};

static struct ua PBXUA, TRUNKUA;
static struct fdp F;
static struct esg_conf conf;
static struct cp_sip *esg_sip;
static struct cp_b2bua *b2b;
static struct cp_cac *cac;
static struct cp_cdr *cdr;
static char cdr_path[64];
static uint16_t esg_port;
static struct tmr g_tick, g_poll;
static uint64_t g_deadline;

static void
tick_h(void *arg)
{
	(void)arg;
	re_cancel();
}

static void
poll_h(void *arg)
{
	(void)arg;
	fdp_run(&F);
	tmr_start(&g_poll, 1, poll_h, NULL);
}

#define WAIT(cond, ms)                                                         \
	do {                                                                   \
		g_deadline = tmr_jiffies() + (ms);                             \
		while (!(cond) && tmr_jiffies() < g_deadline) {                \
			tmr_start(&g_tick, 5, tick_h, NULL);                   \
			(void)re_main(NULL);                                   \
		}                                                              \
		tmr_cancel(&g_tick);                                           \
	} while (0)

static struct mbuf *
mb_str(const char *s)
{
	struct mbuf *mb = mbuf_alloc(strlen(s) + 1);

	assert_non_null(mb);
	assert_int_equal(mbuf_write_str(mb, s), 0);
	mb->pos = 0;
	return mb;
}

static void
trace_h(bool tx, enum sip_transp tp, const struct sa *src, const struct sa *dst,
	const uint8_t *pkt, size_t len, void *arg)
{
	struct ua *ua = arg;

	(void)tp;
	(void)src;
	(void)dst;
	if (!tx)
		(void)mbuf_write_mem(ua->rx, pkt, len);
}

static void
body_keep(struct ua *ua, const struct sip_msg *msg)
{
	size_t n = mbuf_get_left(msg->mb);

	if (n == 0)
		return;
	if (n >= sizeof(ua->last_sdp))
		n = sizeof(ua->last_sdp) - 1;
	memcpy(ua->last_sdp, mbuf_buf(msg->mb), n);
	ua->last_sdp[n] = '\0';
}

static int
offer_h(struct mbuf **descp, const struct sip_msg *msg, void *arg)
{
	struct ua *ua = arg;

	ua->offers++;
	body_keep(ua, msg);
	*descp = mb_str(ua->reoffer_answer != NULL ? ua->reoffer_answer
						   : ua->answer_sdp);
	return 0;
}

static int
answer_h(const struct sip_msg *msg, void *arg)
{
	struct ua *ua = arg;

	ua->answers++;
	body_keep(ua, msg);
	return 0;
}

static void
progr_h(const struct sip_msg *msg, void *arg)
{
	struct ua *ua = arg;

	ua->progress++;
	ua->last_prog = msg->scode;
	body_keep(ua, msg);
}

static void
estab_h(const struct sip_msg *msg, void *arg)
{
	struct ua *ua = arg;

	(void)msg;
	ua->estab++;
}

static void
info_h(struct sip *sip, const struct sip_msg *msg, void *arg)
{
	struct ua *ua = arg;

	ua->infos++;
	(void)sip_treply(NULL, sip, msg, 200, "OK");
}

static void
refer_h(struct sip *sip, const struct sip_msg *msg, void *arg)
{
	(void)arg;
	(void)sip_treply(NULL, sip, msg, 202, "Accepted");
}

static void
refer_resp_h(int err, const struct sip_msg *msg, void *arg)
{
	struct ua *ua = arg;

	if (!err && msg != NULL && msg->scode >= 200)
		ua->refer_code = msg->scode;
}

static void
close_h(int err, const struct sip_msg *msg, void *arg)
{
	struct ua *ua = arg;

	ua->closed++;
	ua->close_err = err;
	ua->close_scode = msg != NULL ? msg->scode : 0;
	ua->sess = mem_deref(ua->sess);
}

static void
hdr_copy(char *dst, size_t size, const struct sip_msg *msg, const char *name)
{
	const struct sip_hdr *h = sip_msg_xhdr(msg, name);

	dst[0] = '\0';
	if (h != NULL)
		pl_strcpy(&h->val, dst, size);
}

static void
conn_h(const struct sip_msg *msg, void *arg)
{
	struct ua *ua = arg;
	int err;

	ua->invites++;
	pl_strcpy(&msg->uri.user, ua->ruri_user, sizeof(ua->ruri_user));
	pl_strcpy(&msg->callid, ua->callid, sizeof(ua->callid));
	hdr_copy(ua->pai, sizeof(ua->pai), msg, "P-Asserted-Identity");
	pl_strcpy(&msg->to.auri, ua->to, sizeof(ua->to));
	ua->last_sdp[0] = '\0';
	body_keep(ua, msg);
	if (ua->reject != 0) {
		(void)sip_treplyf(NULL, NULL, ua->sip, msg, false, ua->reject,
				  "Nope",
				  "Contact: <sip:elsewhere@" TRUNK ">\r\n"
				  "Content-Length: 0\r\n\r\n");
		return;
	}
	err = sipsess_accept(&ua->sess, ua->sock, msg, 180, "Ringing", ua->name,
			     "application/sdp", NULL, NULL, NULL, false,
			     offer_h, answer_h, estab_h, info_h, refer_h,
			     close_h, ua, NULL);
	assert_int_equal(err, 0);
	if (ua->auto_answer) {
		struct mbuf *mb = mb_str(ua->answer_sdp);

		assert_int_equal(sipsess_answer(ua->sess, 200, "OK", mb, NULL),
				 0);
		mem_deref(mb);
	}
}

static void
ua_up(struct ua *ua, const char *name, const char *addr)
{
	memset(ua, 0, sizeof(*ua));
	ua->name = name;
	ua->rx = mbuf_alloc(65536);
	assert_non_null(ua->rx);
	assert_int_equal(sa_set_str(&ua->addr, addr, esg_port), 0);
	assert_int_equal(sip_alloc(&ua->sip, NULL, 16, 16, 16, name, NULL, ua),
			 0);
	sip_set_trace_handler(ua->sip, trace_h);
	assert_int_equal(sip_transp_add(ua->sip, SIP_TRANSP_UDP, &ua->addr), 0);
	assert_int_equal(sipsess_listen(&ua->sock, ua->sip, 16, conn_h, ua), 0);
	ua->answer_sdp = name[0] == 'p' ? PBX_SDP : TRUNK_SDP;
	ua->auto_answer = true;
}

static void
ua_down(struct ua *ua)
{
	ua->sess = mem_deref(ua->sess);
	if (ua->sock != NULL)
		sipsess_close_all(ua->sock);
	ua->sock = mem_deref(ua->sock);
	if (ua->sip != NULL)
		sip_close(ua->sip, true);
	ua->sip = mem_deref(ua->sip);
	ua->rx = mem_deref(ua->rx);
}

/* Does the bytes ua received hold s? */
static bool
rx_has(const struct ua *ua, const char *s)
{
	size_t n = strlen(s), i;

	for (i = 0; i + n <= ua->rx->end; i++)
		if (memcmp(ua->rx->buf + i, s, n) == 0)
			return true;
	return false;
}

static bool
esg_req_h(const struct sip_msg *msg, void *arg)
{
	(void)arg;
	return cp_b2bua_request(b2b, msg);
}

static void
conf_load(unsigned int max_calls)
{
	char json[2048], err[ESG_CONF_ERR_LEN];

	snprintf(json, sizeof(json),
		 "{\"controlplane\": {\"sip_port\": %u},"
		 "\"interfaces\": ["
		 "{\"name\": \"lan\", \"role\": \"lan\", \"device\": \"x0\","
		 " \"exception\": \"t-lan\", \"ipv4\": [\"192.0.2.1/24\"]},"
		 "{\"name\": \"wan\", \"role\": \"wan\", \"device\": \"x1\","
		 " \"exception\": \"t-wan\", \"ipv4\": [\"198.51.100.1/24\"]}],"
		 "\"sip\": {\"operator\": {\"interface\": \"wan\","
		 " \"proxy\": \"sip:198.51.100.20:%u\","
		 " \"domain\": \"operator.example\"},"
		 " \"limits\": {\"max_calls\": %u},"
		 " \"tenants\": [{\"name\": \"lab\", \"interface\": \"lan\","
		 "  \"registration\": \"static\", \"pbx\": \"192.0.2.10:%u\","
		 "  \"numbers\": [\"+4930123400-+4930123499\"],"
		 "  \"trunk\": {\"username\": \"+4930123400\"},"
		 "  \"media_ports\": \"20000-20999\"}]}}",
		 esg_port, esg_port, max_calls, esg_port);
	if (esg_conf_parse(json, &conf, err) != 0)
		fail_msg("configuration: %s", err);
	/* The configuration refuses loopback addresses (rightly, for an
	 * interface); the test adds 127.0.x.1 to each interface for SIP
	 * (media stays on the first, TEST-NET address) and moves the PBX and
	 * the proxy onto loopback. */
	conf.iface[0].addr4[1] = conf.iface[0].addr4[0];
	conf.iface[0].nb_addr4 = 2;
	assert_int_equal(
		inet_pton(AF_INET, ESG_LAN, &conf.iface[0].addr4[1].u.v4), 1);
	conf.iface[1].addr4[1] = conf.iface[1].addr4[0];
	conf.iface[1].nb_addr4 = 2;
	assert_int_equal(
		inet_pton(AF_INET, ESG_WAN, &conf.iface[1].addr4[1].u.v4), 1);
	assert_int_equal(inet_pton(AF_INET, PBX, &conf.sip.tenant[0].pbx.u.v4),
			 1);
	snprintf(conf.sip.proxy, sizeof(conf.sip.proxy), "sip:%s:%u", TRUNK,
		 esg_port);
}

static int
setup_n(unsigned int max_calls)
{
	const struct cp_dlg_timers t = {.t1_ms = 50};
	struct cp_b2bua_cfg bc;
	struct sa addrs[2];
	const unsigned int grp[2] = {0, 1};

	esg_port = (uint16_t)(10000 + getpid() % 6000); /* below media ports */
	conf_load(max_calls);
	fdp_open(&F);
	assert_int_equal(sa_set_str(&addrs[0], ESG_LAN, 0), 0);
	assert_int_equal(sa_set_str(&addrs[1], ESG_WAN, 0), 0);
	assert_int_equal(
		cp_sip_alloc_groups(&esg_sip, addrs, grp, 2, esg_port, 50), 0);
	assert_int_equal(cp_sip_bound(esg_sip), 2);
	assert_int_equal(
		cp_cac_alloc(&cac, &conf.sip, tmr_jiffies() * 1000000ULL), 0);
	snprintf(cdr_path, sizeof(cdr_path), "/tmp/test_cp_b2bua.%d.jsonl",
		 (int)getpid());
	unlink(cdr_path);
	assert_int_equal(cp_cdr_alloc(&cdr, cdr_path), 0);
	memset(&bc, 0, sizeof(bc));
	bc.conf = &conf;
	bc.cdr = cdr;
	bc.dp = F.dp;
	bc.sip[0] = cp_sip_stack_of(esg_sip, 0);
	bc.sip[1] = cp_sip_stack_of(esg_sip, 1);
	bc.legs = F.tbl;
	bc.cac = cac;
	bc.timers = &t;
	assert_int_equal(cp_b2bua_alloc(&b2b, &bc), 0);
	cp_sip_set_handler(esg_sip, esg_req_h, NULL, NULL, CP_B2BUA_ALLOW);
	ua_up(&PBXUA, "pbx", PBX);
	ua_up(&TRUNKUA, "trunk", TRUNK);
	tmr_start(&g_poll, 1, poll_h, NULL);
	return 0;
}

static int
setup(void **state)
{
	(void)state;
	return setup_n(100);
}

static int
setup_one(void **state)
{
	(void)state;
	return setup_n(1);
}

static int
teardown(void **state)
{
	(void)state;
	ua_down(&PBXUA);
	ua_down(&TRUNKUA);
	b2b = mem_deref(b2b);
	cac = mem_deref(cac);
	cdr = mem_deref(cdr);
	unlink(cdr_path);
	esg_sip = mem_deref(esg_sip);
	tmr_cancel(&g_poll);
	fdp_close(&F);
	return 0;
}

/* The UA calls user at the ESG address esg; body NULL: late offer. */
static void
ua_call(struct ua *ua, const char *user, const char *from_user, const char *esg,
	const char *body)
{
	char to[128], from[128];
	struct mbuf *mb = body != NULL ? mb_str(body) : NULL;

	snprintf(to, sizeof(to), "sip:%s@%s:%u", user, esg, esg_port);
	snprintf(from, sizeof(from), "sip:%s@%s", from_user,
		 ua == &PBXUA ? PBX : TRUNK);
	assert_int_equal(sipsess_connect(&ua->sess, ua->sock, to, "Alice", from,
					 ua->name, NULL, 0, "application/sdp",
					 mb, NULL, NULL, false, offer_h,
					 answer_h, progr_h, estab_h, info_h,
					 refer_h, close_h, ua, NULL),
			 0);
	mem_deref(mb);
}

/* No leg and no call left, nothing the dataplane model refused. */
static void
assert_no_leak(void)
{
	struct cp_leg_counters c;

	WAIT(fdp_live(&F) == 0 && cp_b2bua_counters(b2b)->active == 0, 2000);
	fdp_run(&F);
	cp_leg_tbl_counters(F.tbl, &c);
	assert_int_equal(cp_b2bua_counters(b2b)->active, 0);
	assert_int_equal(fdp_live(&F), 0);
	assert_int_equal(c.legs, 0);
	assert_int_equal(F.errors, 0);
	assert_int_equal(cp_cac_counters(cac, CP_CAC_NO_TENANT)->active, 0);
}

/* Topology hiding: what each side received holds nothing of the other
 * side: no address of its network, no Call-ID. */
static void
assert_hidden(void)
{
	if (getenv("CP_B2BUA_TRACE") != NULL)
		fprintf(stderr, "--- trunk got:\n%.*s\n--- pbx got:\n%.*s\n",
			(int)TRUNKUA.rx->end, (char *)TRUNKUA.rx->buf,
			(int)PBXUA.rx->end, (char *)PBXUA.rx->buf);
	assert_false(rx_has(&TRUNKUA, "127.0.1."));
	assert_false(rx_has(&TRUNKUA, "192.0.2."));
	assert_false(rx_has(&PBXUA, "127.0.2."));
	assert_false(rx_has(&PBXUA, "198.51.100."));
	if (PBXUA.callid[0] != '\0')
		assert_false(rx_has(&TRUNKUA, PBXUA.callid));
	if (TRUNKUA.callid[0] != '\0')
		assert_false(rx_has(&PBXUA, TRUNKUA.callid));
}

/* The two live legs: their remotes are the two UAs' SDP addresses and
 * they are bound to each other. */
static void
assert_legs(uint16_t pbx_port, uint16_t trunk_port)
{
	const struct fdp_leg *a = NULL, *b = NULL;
	unsigned int i;

	for (i = 0; i < FDP_LEGS; i++) {
		if (!F.leg[i].live)
			continue;
		if (F.leg[i].ifport == 0)
			a = &F.leg[i];
		else
			b = &F.leg[i];
	}
	assert_non_null(a);
	assert_non_null(b);
	assert_int_equal(fdp_live(&F), 2);
	assert_int_equal(F.leg[a->peer].ifport, 1);
	assert_int_equal(F.leg[b->peer].ifport, 0);
	assert_int_equal(sa_port(&a->remote), pbx_port);
	assert_int_equal(sa_port(&b->remote), trunk_port);
	assert_true(a->rtp >= 20000 && a->rtp <= 20999);
}

/* The records written so far (one JSON object a line). */
static void
records(char *buf, size_t size)
{
	FILE *f = fopen(cdr_path, "r");
	size_t n = 0;

	buf[0] = '\0';
	if (f == NULL)
		return;
	n = fread(buf, 1, size - 1, f);
	buf[n] = '\0';
	fclose(f);
}

/* LAN -> trunk, answered, BYE from the caller. */
static void
test_outgoing_call(void **state)
{
	char want[64], rec[4096];

	(void)state;
	ua_call(&PBXUA, "+4930555000", "+4930123401", ESG_LAN, PBX_SDP);
	WAIT(PBXUA.estab == 1 && TRUNKUA.estab == 1, 3000);
	assert_int_equal(TRUNKUA.invites, 1);
	assert_int_equal(PBXUA.estab, 1);
	assert_int_equal(TRUNKUA.estab, 1);
	/* request URI user kept, host the operator's domain */
	assert_string_equal(TRUNKUA.ruri_user, "+4930555000");
	assert_string_equal(TRUNKUA.to, "sip:+4930555000@operator.example");
	assert_string_equal(TRUNKUA.pai, "<sip:+4930123400@operator.example>");
	/* the offer the trunk got is anchored on the WAN side */
	snprintf(want, sizeof(want), "c=IN IP4 %s\r\n", ESG_WAN_M);
	assert_non_null(strstr(TRUNKUA.last_sdp, want));
	snprintf(want, sizeof(want), "c=IN IP4 %s\r\n", ESG_LAN_M);
	assert_non_null(strstr(PBXUA.last_sdp, want));
	WAIT(fdp_live(&F) == 2, 500);
	assert_legs(4000, 6000);
	assert_int_equal(cp_b2bua_counters(b2b)->answered, 1);
	/* BYE from A */
	PBXUA.sess = mem_deref(PBXUA.sess);
	WAIT(TRUNKUA.closed == 1, 3000);
	assert_int_equal(TRUNKUA.closed, 1);
	assert_no_leak();
	assert_int_equal(cp_b2bua_counters(b2b)->ended[CP_END_NORMAL_A], 1);
	assert_hidden();
	/* the call record: numbers, never a LAN address */
	records(rec, sizeof(rec));
	assert_non_null(strstr(rec, "\"disposition\":\"answered\""));
	assert_non_null(strstr(rec, "\"callee\":\"+4930555000\""));
	assert_non_null(strstr(rec, "\"hangup_by\":\"lan\""));
	assert_non_null(strstr(rec, "\"direction\":\"outbound\""));
	assert_null(strstr(rec, "127.0.1."));
	assert_null(strstr(rec, "192.0.2."));
	assert_null(strchr(strchr(rec, '\n') + 1, '{')); /* one line */
}

/* trunk -> the tenant owning the number -> its static PBX; BYE from B. */
static void
test_incoming_call(void **state)
{
	(void)state;
	ua_call(&TRUNKUA, "+4930123455", "+4940999", ESG_WAN, TRUNK_SDP);
	WAIT(PBXUA.estab == 1 && TRUNKUA.estab == 1, 3000);
	assert_int_equal(PBXUA.invites, 1);
	assert_string_equal(PBXUA.ruri_user, "+4930123455");
	assert_int_equal(TRUNKUA.estab, 1);
	WAIT(fdp_live(&F) == 2, 500);
	assert_legs(4000, 6000);
	PBXUA.sess = mem_deref(PBXUA.sess); /* BYE from B */
	WAIT(TRUNKUA.closed == 1, 3000);
	assert_int_equal(TRUNKUA.closed, 1);
	assert_no_leak();
	assert_int_equal(cp_b2bua_counters(b2b)->ended[CP_END_NORMAL_B], 1);
	assert_hidden();
}

/* RFC 3261 9.1: the caller CANCELs while B rings: B is CANCELled. */
static void
test_cancel(void **state)
{
	(void)state;
	TRUNKUA.auto_answer = false;
	ua_call(&PBXUA, "+4930555000", "+4930123401", ESG_LAN, PBX_SDP);
	WAIT(PBXUA.progress >= 1, 3000);
	assert_int_equal(PBXUA.last_prog, 180);
	WAIT(fdp_live(&F) == 2, 500);
	PBXUA.sess = mem_deref(PBXUA.sess); /* CANCEL */
	WAIT(TRUNKUA.closed == 1, 3000);
	assert_int_equal(TRUNKUA.closed, 1);
	assert_no_leak();
	assert_int_equal(cp_b2bua_counters(b2b)->ended[CP_END_CANCEL], 1);
	assert_int_equal(cp_b2bua_counters(b2b)->failed, 1);
	assert_hidden();
}

/* 486 from B passes; a 302 becomes 480 (its Contact stays behind). */
static void
test_reject_mapped(void **state)
{
	(void)state;
	TRUNKUA.reject = 486;
	ua_call(&PBXUA, "+4930555000", "+4930123401", ESG_LAN, PBX_SDP);
	WAIT(PBXUA.closed == 1, 3000);
	assert_int_equal(PBXUA.close_scode, 486);
	assert_no_leak();
	PBXUA.closed = 0;
	TRUNKUA.reject = 302;
	ua_call(&PBXUA, "+4930555000", "+4930123401", ESG_LAN, PBX_SDP);
	WAIT(PBXUA.closed == 1, 3000);
	assert_int_equal(PBXUA.close_scode, 480);
	assert_no_leak();
	assert_int_equal(cp_b2bua_counters(b2b)->ended[CP_END_REJECTED], 2);
	assert_false(rx_has(&PBXUA, "elsewhere"));
	assert_hidden();
}

/* RFC 3264 4: INVITE without SDP; B's 200 carries the offer, A answers
 * in its ACK, which goes to B in ours. */
static void
test_late_offer(void **state)
{
	char want[64];

	(void)state;
	ua_call(&PBXUA, "+4930555000", "+4930123401", ESG_LAN, NULL);
	WAIT(PBXUA.estab == 1 && TRUNKUA.estab == 1 && TRUNKUA.answers == 1,
	     3000);
	assert_int_equal(TRUNKUA.estab, 1);
	assert_int_equal(TRUNKUA.answers, 1); /* the answer in the ACK */
	snprintf(want, sizeof(want), "c=IN IP4 %s\r\n", ESG_WAN_M);
	assert_non_null(strstr(TRUNKUA.last_sdp, want));
	WAIT(fdp_live(&F) == 2 && sa_port(&F.leg[0].remote) != 0, 500);
	PBXUA.sess = mem_deref(PBXUA.sess);
	WAIT(TRUNKUA.closed == 1, 3000);
	assert_no_leak();
	assert_hidden();
}

/* The trunk holds (a=sendonly re-INVITE): the PBX gets the offer with
 * LAN anchors, its recvonly answer returns to the trunk; legs kept, no
 * inactivity timer. Then INFO relayed, REFER refused. */
static void
test_hold_info(void **state)
{
	struct sip_request *req = NULL;
	struct mbuf *mb;
	unsigned int i;

	(void)state;
	PBXUA.reoffer_answer = PBX_HOLD_ANSWER;
	ua_call(&PBXUA, "+4930555000", "+4930123401", ESG_LAN, PBX_SDP);
	WAIT(PBXUA.estab == 1 && TRUNKUA.estab == 1, 3000);
	mb = mb_str(TRUNK_HOLD);
	assert_int_equal(sipsess_modify(TRUNKUA.sess, mb), 0);
	mem_deref(mb);
	WAIT(TRUNKUA.answers >= 1, 3000);
	assert_int_equal(PBXUA.offers, 1);
	assert_non_null(strstr(PBXUA.last_sdp, "a=sendonly"));
	assert_non_null(strstr(TRUNKUA.last_sdp, "a=recvonly"));
	WAIT(false, 50);
	assert_int_equal(fdp_live(&F), 2);
	for (i = 0; i < FDP_LEGS; i++)
		if (F.leg[i].live)
			assert_int_equal(F.leg[i].idle_ms, 0);
	assert_int_equal(cp_b2bua_counters(b2b)->reoffers, 1);
	/* INFO from the PBX reaches the trunk */
	mb = mb_str("Signal=1\r\nDuration=100\r\n");
	assert_int_equal(sipsess_info(PBXUA.sess, "application/dtmf-relay", mb,
				      NULL, NULL),
			 0);
	mem_deref(mb);
	WAIT(TRUNKUA.infos == 1, 3000);
	assert_int_equal(TRUNKUA.infos, 1);
	/* REFER from the trunk: refused 403, not relayed (docs "REFER") */
	assert_int_equal(sip_drequestf(&req, TRUNKUA.sip, true, "REFER",
				       sipsess_dialog(TRUNKUA.sess), 0, NULL,
				       NULL, refer_resp_h, &TRUNKUA,
				       "Refer-To: <sip:+4930999@" TRUNK ">\r\n"
				       "Content-Length: 0\r\n\r\n"),
			 0);
	WAIT(TRUNKUA.refer_code != 0, 3000);
	assert_int_equal(TRUNKUA.refer_code, 403);
	assert_int_equal(cp_b2bua_counters(b2b)->refer_refused, 1);
	assert_false(rx_has(&PBXUA, "REFER sip:")); /* no request */
	req = mem_deref(req);
	PBXUA.sess = mem_deref(PBXUA.sess);
	WAIT(TRUNKUA.closed == 1, 3000);
	assert_no_leak();
	assert_hidden();
}

/* LEG_INACTIVE (media_timeout_s): BYE to both sides. */
static void
test_media_timeout(void **state)
{
	unsigned int i;

	(void)state;
	ua_call(&PBXUA, "+4930555000", "+4930123401", ESG_LAN, PBX_SDP);
	WAIT(PBXUA.estab == 1 && TRUNKUA.estab == 1, 3000);
	WAIT(fdp_live(&F) == 2, 500);
	for (i = 0; i < FDP_LEGS && !F.leg[i].live; i++)
		;
	assert_int_equal(F.leg[i].idle_ms, 60000);
	fdp_inactive(&F, i);
	WAIT(PBXUA.closed == 1 && TRUNKUA.closed == 1, 3000);
	assert_int_equal(PBXUA.closed, 1);
	assert_int_equal(TRUNKUA.closed, 1);
	assert_no_leak();
	assert_int_equal(cp_b2bua_counters(b2b)->ended[CP_END_MEDIA_TIMEOUT],
			 1);
}

/* max_calls 1: the second call gets 503 with Retry-After. */
static void
test_admission(void **state)
{
	struct ua other;

	(void)state;
	ua_call(&PBXUA, "+4930555000", "+4930123401", ESG_LAN, PBX_SDP);
	WAIT(PBXUA.estab == 1, 3000);
	other = TRUNKUA; /* calls from the trunk side while A talks */
	ua_call(&TRUNKUA, "+4930123455", "+4940999", ESG_WAN, TRUNK_SDP);
	WAIT(TRUNKUA.closed == 1, 3000);
	assert_int_equal(TRUNKUA.close_scode, 503);
	assert_true(rx_has(&TRUNKUA, "Retry-After: 5"));
	assert_int_equal(cp_b2bua_counters(b2b)->ended[CP_END_ADMISSION], 1);
	(void)other;
	PBXUA.sess = mem_deref(PBXUA.sess);
	WAIT(cp_b2bua_counters(b2b)->active == 0, 3000);
	assert_no_leak();
}

/* A number no tenant owns: 404. */
static void
test_no_route(void **state)
{
	char rec[4096];

	(void)state;
	ua_call(&TRUNKUA, "+4977777", "+4940999", ESG_WAN, TRUNK_SDP);
	WAIT(TRUNKUA.closed == 1, 3000);
	assert_int_equal(TRUNKUA.close_scode, 404);
	/* the PBX calling the ESG's WAN address is not the proxy: 403 */
	ua_call(&PBXUA, "+4930123455", "+4930123401", ESG_WAN, PBX_SDP);
	WAIT(PBXUA.closed == 1, 3000);
	assert_int_equal(PBXUA.close_scode, 403);
	assert_int_equal(cp_b2bua_counters(b2b)->ended[CP_END_NO_ROUTE], 2);
	assert_no_leak();
	records(rec, sizeof(rec)); /* refusals are recorded too */
	assert_non_null(strstr(rec, "\"sip_code\":404"));
	assert_non_null(strstr(rec, "\"sip_code\":403"));
}

/* docs/b2bua.md "Error mapping". */
static void
test_map(void **state)
{
	const char *r;

	(void)state;
	assert_int_equal(cp_b2bua_map_final(486, 0, &r), 486);
	assert_int_equal(cp_b2bua_map_final(404, 0, &r), 404);
	assert_int_equal(cp_b2bua_map_final(487, 0, &r), 487);
	assert_int_equal(cp_b2bua_map_final(401, 0, &r), 403);
	assert_int_equal(cp_b2bua_map_final(407, 0, &r), 403);
	assert_int_equal(cp_b2bua_map_final(302, 0, &r), 480);
	assert_int_equal(cp_b2bua_map_final(420, 0, &r), 500);
	assert_int_equal(cp_b2bua_map_final(499, 0, &r), 480);
	assert_int_equal(cp_b2bua_map_final(503, 0, &r), 503);
	assert_int_equal(cp_b2bua_map_final(599, 0, &r), 500);
	assert_int_equal(cp_b2bua_map_final(603, 0, &r), 603);
	assert_int_equal(cp_b2bua_map_final(699, 0, &r), 600);
	assert_int_equal(cp_b2bua_map_final(0, ETIMEDOUT, &r), 408);
	assert_string_equal(r, "Request Timeout");
	assert_int_equal(cp_b2bua_map_final(408, 0, &r), 408);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_map),
		cmocka_unit_test_setup_teardown(test_outgoing_call, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_incoming_call, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_cancel, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reject_mapped, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_late_offer, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_hold_info, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_media_timeout, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_admission, setup_one,
						teardown),
		cmocka_unit_test_setup_teardown(test_no_route, setup, teardown),
	};
	int rc;

	if (libre_init() != 0)
		return 1;
	tmr_init(&g_tick);
	tmr_init(&g_poll);
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	tmr_cancel(&g_tick);
	tmr_cancel(&g_poll);
	libre_close();
	return rc;
}
