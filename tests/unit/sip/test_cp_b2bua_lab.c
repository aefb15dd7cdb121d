/* SPDX-License-Identifier: BSD-3-Clause */
/* The lab of the B2BUA tests: test_cp_b2bua_lab.h. */
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

#include "test_cp_b2bua_lab.h"

const char PBX_SDP[] = "v=0\r\no=pbx 11 1 IN IP4 " PBX_M "\r\ns=-\r\n"
		       "c=IN IP4 " PBX_M "\r\nt=0 0\r\n"
		       "m=audio 4000 RTP/AVP 0 8\r\n"
		       "a=rtpmap:0 PCMU/8000\r\na=sendrecv\r\n";
const char PBX_HOLD_ANSWER[] = "v=0\r\no=pbx 11 2 IN IP4 " PBX_M "\r\ns=-\r\n"
			       "c=IN IP4 " PBX_M "\r\nt=0 0\r\n"
			       "m=audio 4000 RTP/AVP 0\r\n"
			       "a=recvonly\r\n";
const char TRUNK_SDP[] = "v=0\r\no=op 22 1 IN IP4 " TRUNK_M "\r\ns=-\r\n"
			 "c=IN IP4 " TRUNK_M "\r\nt=0 0\r\n"
			 "m=audio 6000 RTP/AVP 0\r\n"
			 "a=rtpmap:0 PCMU/8000\r\n";
const char TRUNK_HOLD[] = "v=0\r\no=op 22 2 IN IP4 " TRUNK_M "\r\ns=-\r\n"
			  "c=IN IP4 " TRUNK_M "\r\nt=0 0\r\n"
			  "m=audio 6000 RTP/AVP 0\r\n"
			  "a=sendonly\r\n";

struct ua PBXUA, TRUNKUA;
struct fdp F;
struct esg_conf conf;
struct cp_b2bua *b2b;
struct cp_cac *cac;
uint16_t esg_port;
struct tmr g_tick;
uint64_t g_deadline;
static struct cp_sip *esg_sip;
static struct cp_cdr *cdr;
static char cdr_path[64];
static struct tmr g_poll;

void
lab_tick_h(void *arg)
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

struct mbuf *
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

/* UAC: the 2xx (our tag in From); UAS: the ACK (our tag in To). */
static void
estab_h(const struct sip_msg *msg, void *arg)
{
	struct ua *ua = arg;

	ua->estab++;
	pl_strcpy(&msg->callid, ua->est_callid, sizeof(ua->est_callid));
	pl_strcpy(msg->req ? &msg->to.tag : &msg->from.tag, ua->est_ltag,
		  sizeof(ua->est_ltag));
	pl_strcpy(msg->req ? &msg->from.tag : &msg->to.tag, ua->est_rtag,
		  sizeof(ua->est_rtag));
}

/* libre's sipsess has no NOTIFY: the UA answers it 200 here. */
static bool
notify_h(const struct sip_msg *msg, void *arg)
{
	struct ua *ua = arg;
	size_t n = msg->mb->end < sizeof(ua->notify) - 1
			   ? msg->mb->end
			   : sizeof(ua->notify) - 1;

	if (pl_strcmp(&msg->met, "NOTIFY") != 0)
		return false;
	ua->notifies++;
	memcpy(ua->notify, msg->mb->buf, n);
	ua->notify[n] = '\0';
	(void)sip_treply(NULL, ua->sip, msg, 200, "OK");
	return true;
}

static void
info_h(struct sip *sip, const struct sip_msg *msg, void *arg)
{
	struct ua *ua = arg;

	ua->infos++;
	(void)sip_treply(NULL, sip, msg, 200, "OK");
}

static void
hdr_copy(char *dst, size_t size, const struct sip_msg *msg, const char *name)
{
	const struct sip_hdr *h = sip_msg_xhdr(msg, name);

	dst[0] = '\0';
	if (h != NULL)
		pl_strcpy(&h->val, dst, size);
}

/* RFC 3515 2.4.2: a REFER is accepted with 202. */
static void
refer_h(struct sip *sip, const struct sip_msg *msg, void *arg)
{
	struct ua *ua = arg;

	ua->refers++;
	hdr_copy(ua->refer_to, sizeof(ua->refer_to), msg, "Refer-To");
	hdr_copy(ua->referred_by, sizeof(ua->referred_by), msg, "Referred-By");
	(void)sip_treply(NULL, sip, msg, 202, "Accepted");
}

static void
close_h(int err, const struct sip_msg *msg, void *arg)
{
	struct ua *ua = arg;

	ua->closed++;
	ua->close_err = err;
	ua->close_scode = msg != NULL ? msg->scode : 0;
	/* which session closed is not known here: the tests that hold two
	 * free them themselves */
	if (ua->sess2 == NULL)
		ua->sess = mem_deref(ua->sess);
}

static void
conn_h(const struct sip_msg *msg, void *arg)
{
	struct ua *ua = arg;
	struct sipsess **sessp;
	int err;

	ua->invites++;
	pl_strcpy(&msg->uri.user, ua->ruri_user, sizeof(ua->ruri_user));
	pl_strcpy(&msg->callid, ua->callid, sizeof(ua->callid));
	hdr_copy(ua->pai, sizeof(ua->pai), msg, "P-Asserted-Identity");
	pl_strcpy(&msg->to.auri, ua->to, sizeof(ua->to));
	ua->last_sdp[0] = '\0';
	body_keep(ua, msg);
	if (ua->reject != 0 &&
	    (ua->reject_n == 0 || ua->invites <= ua->reject_n)) {
		(void)sip_treplyf(
			NULL, NULL, ua->sip, msg, false, ua->reject, "Nope",
			"Contact: <%s>\r\n"
			"Content-Length: 0\r\n\r\n",
			ua->reject_contact != NULL ? ua->reject_contact
						   : "sip:elsewhere@" TRUNK);
		return;
	}
	sessp = ua->sess == NULL ? &ua->sess : &ua->sess2;
	err = sipsess_accept(sessp, ua->sock, msg, 180, "Ringing", ua->name,
			     "application/sdp", NULL, NULL, NULL, false,
			     offer_h, answer_h, estab_h, info_h, refer_h,
			     close_h, ua, NULL);
	assert_int_equal(err, 0);
	if (ua->auto_answer) {
		struct mbuf *mb = mb_str(ua->answer_sdp);

		assert_int_equal(sipsess_answer(*sessp, 200, "OK", mb, NULL),
				 0);
		mem_deref(mb);
	}
}

void
ua_stack(struct ua *ua, const char *name, const char *addr, bool stack)
{
	/* a UA lab_setup left stackless (no_pbx, no_trunk) gets its stack
	 * here later: its first buffer would be lost */
	assert_null(ua->sip);
	mem_deref(ua->rx);
	memset(ua, 0, sizeof(*ua));
	ua->name = name;
	ua->rx = mbuf_alloc(65536);
	assert_non_null(ua->rx);
	assert_int_equal(sa_set_str(&ua->addr, addr, esg_port), 0);
	if (!stack)
		return;
	assert_int_equal(sip_alloc(&ua->sip, NULL, 16, 16, 16, name, NULL, ua),
			 0);
	sip_set_trace_handler(ua->sip, trace_h);
	assert_int_equal(sip_transp_add(ua->sip, SIP_TRANSP_UDP, &ua->addr), 0);
}

void
ua_up(struct ua *ua, const char *name, const char *addr)
{
	ua_stack(ua, name, addr, true);
	assert_int_equal(sipsess_listen(&ua->sock, ua->sip, 16, conn_h, ua), 0);
	assert_int_equal(sip_listen(&ua->lsnr, ua->sip, true, notify_h, ua), 0);
	ua->answer_sdp = name[0] == 'p' ? PBX_SDP : TRUNK_SDP;
	ua->auto_answer = true;
}

void
ua_down(struct ua *ua)
{
	ua->sess = mem_deref(ua->sess);
	ua->sess2 = mem_deref(ua->sess2);
	ua->lsnr = mem_deref(ua->lsnr);
	if (ua->sock != NULL)
		sipsess_close_all(ua->sock);
	ua->sock = mem_deref(ua->sock);
	if (ua->sip != NULL)
		sip_close(ua->sip, true);
	ua->sip = mem_deref(ua->sip);
	ua->rx = mem_deref(ua->rx);
}

bool
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

int
lab_setup(const struct lab_opt *o)
{
	/* an answered INVITE stays 64*T1 (3.2 s here) for late forks: 300 ms
	 * lets assert_no_leak() see it go without waiting that long */
	const struct cp_dlg_timers t = {
		.t1_ms = 50, .sec_ms = o->sec_ms, .linger_ms = 300};
	unsigned int max_calls = o->max_calls != 0 ? o->max_calls : 100;
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
	if (!o->no_pbx)
		ua_up(&PBXUA, "pbx", PBX);
	else
		ua_stack(&PBXUA, "pbx", PBX, false);
	if (!o->no_trunk)
		ua_up(&TRUNKUA, "trunk", TRUNK);
	else
		ua_stack(&TRUNKUA, "trunk", TRUNK, false);
	tmr_start(&g_poll, 1, poll_h, NULL);
	return 0;
}

int
setup(void **state)
{
	const struct lab_opt o = {0};

	(void)state;
	return lab_setup(&o);
}

int
setup_one(void **state)
{
	const struct lab_opt o = {.max_calls = 1};

	(void)state;
	return lab_setup(&o);
}

int
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

void
ua_call(struct ua *ua, const char *user, const char *from_user, const char *esg,
	const char *body)
{
	ua_call_x(ua, &ua->sess, user, from_user, esg, body, NULL);
}

void
ua_call_x(struct ua *ua, struct sipsess **sessp, const char *user,
	  const char *from_user, const char *esg, const char *body,
	  const char *hdrs)
{
	char to[128], from[128];
	struct mbuf *mb = body != NULL ? mb_str(body) : NULL;

	snprintf(to, sizeof(to), "sip:%s@%s:%u", user, esg, esg_port);
	snprintf(from, sizeof(from), "sip:%s@%s", from_user,
		 ua == &PBXUA ? PBX : TRUNK);
	assert_int_equal(sipsess_connect(sessp, ua->sock, to, "Alice", from,
					 ua->name, NULL, 0, "application/sdp",
					 mb, NULL, NULL, false, offer_h,
					 answer_h, progr_h, estab_h, info_h,
					 refer_h, close_h, ua,
					 hdrs != NULL ? "%s" : NULL, hdrs),
			 0);
	mem_deref(mb);
}

static bool
dlg_gone(void)
{
	struct cp_dlg_live l;

	cp_b2bua_dlg_live(b2b, &l);
	return l.invs == 0 && l.dlgs == 0;
}

/* No leg, no call, no dialog and no INVITE object left (the last two
 * counted by their destructors: an object kept by a reference cycle
 * stays counted), nothing the dataplane model refused. */
void
assert_no_leak(void)
{
	struct cp_leg_counters c;
	struct cp_dlg_live l;

	WAIT(fdp_live(&F) == 0 && cp_b2bua_counters(b2b)->active == 0 &&
		     dlg_gone(),
	     2000);
	fdp_run(&F);
	cp_leg_tbl_counters(F.tbl, &c);
	cp_b2bua_dlg_live(b2b, &l);
	assert_int_equal(l.invs, 0);
	assert_int_equal(l.dlgs, 0);
	assert_int_equal(cp_b2bua_counters(b2b)->active, 0);
	assert_int_equal(fdp_live(&F), 0);
	assert_int_equal(c.legs, 0);
	assert_int_equal(F.errors, 0);
	assert_int_equal(cp_cac_counters(cac, CP_CAC_NO_TENANT)->active, 0);
}

/* Topology hiding: what each side received holds nothing of the other
 * side: no address of its network, no Call-ID. */
void
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
void
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
void
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

int
lab_run(const char *name, const struct CMUnitTest *tests, size_t n)
{
	int rc;

	if (libre_init() != 0)
		return 1;
	tmr_init(&g_tick);
	tmr_init(&g_poll);
	rc = _cmocka_run_group_tests(name, tests, n, NULL, NULL);
	tmr_cancel(&g_tick);
	tmr_cancel(&g_poll);
	libre_close();
	return rc;
}
