/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The SDP parser, queries and writer (controlplane/sip/cp_sdp*.c).
 *
 * Covers: golden files (tests/unit/sip/sdp/NAME.in, offers and answers
 * as Asterisk, FreeSWITCH, Polycom, Yealink, Cisco, a WebRTC browser,
 * an IPv6 trunk and baresip send them) parsed, rewritten toward one side
 * with the anchors of the table below and compared byte for byte with
 * NAME_SIDE.out; every output parsed again. The model of each (origin,
 * ports, nports, proto, c= levels, a=rtcp RFC 3605, rtcp-mux RFC 5761,
 * directions RFC 8866 6.7, the RFC 2543 hold of RFC 3264 8.4, rtpmap and
 * RFC 3551 static clocks, ICE RFC 8839, SRTP and DTLS noted). Writer
 * rules one by one: o= and the version (RFC 3264 8), a media c= where the
 * anchor is not the session's address, a=rtcp added for a non-adjacent
 * RTCP port, a=rtcp-mux added or dropped, a rejected stream (RFC 3264 6),
 * a hold with c=0.0.0.0 and recvonly, LF line ends, refused arguments;
 * address literals in a=ssrc values (RFC 5576) rewritten to the anchor,
 * a=source-filter (RFC 4570), a=alt, a=altc (RFC 6947), k= (RFC 8866
 * 5.12), u=, e=, p= dropped.
 * Malformed bodies (RFC 8866 5 grammar), each refused with EBADMSG and
 * the reason asserted; limits (line length, lines, m= sections, formats,
 * body size); NUL bytes, truncation, binary garbage.
 *
 * CP_SDP_GOLDEN_WRITE=1 in the environment writes the .out files instead
 * of comparing (for a new case; each was read line by line against
 * docs/sdp.md before it was committed).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <cmocka.h>

#include <re.h>

#include "sip/cp_sdp.h"

#ifndef SDP_GOLDEN_DIR
#error "SDP_GOLDEN_DIR: the golden files' directory"
#endif

/* Side addresses of conf/lab.json. */
#define LAN4 "192.0.2.1"
#define WAN4 "198.51.100.1"
#define WAN6 "2001:db8:2::1"

struct g_stream {
	uint16_t rtp, rtcp;
	bool mux, rejected;
};

struct golden {
	const char *in;
	const char *out;
	const char *side; /* the ESG's address toward the side */
	uint64_t ver;
	unsigned int n;
	struct g_stream s[2];
};

static const struct golden goldens[] = {
	{"asterisk_offer", "asterisk_offer_wan", WAN4, 1, 1, {{20000, 0}}},
	/* a=rtcp with address (RFC 3605), RTCP anchored apart */
	{"freeswitch_offer",
	 "freeswitch_offer_wan",
	 WAN4,
	 1,
	 1,
	 {{20002, 20005}}},
	/* session-level a=sendrecv; IPv4 LAN toward an IPv6 trunk */
	{"polycom_offer", "polycom_offer_wan6", WAN6, 1, 1, {{20004, 0}}},
	{"yealink_offer", "yealink_offer_wan", WAN4, 1, 1, {{20006, 0}}},
	/* RFC 3264 8.4 hold, a=sendonly: version 2 (RFC 3264 8) */
	{"yealink_hold", "yealink_hold_wan", WAN4, 2, 1, {{20006, 0}}},
	/* session b= lines, c= differs from o= */
	{"cisco_offer", "cisco_offer_wan", WAN4, 1, 1, {{20010, 20011}}},
	/* RFC 2543 hold: c=0.0.0.0 at both levels */
	{"cisco_hold_c0", "cisco_hold_c0_wan", WAN4, 3, 1, {{20010, 0}}},
	/* ICE, BUNDLE, DTLS, rtcp-mux kept (RFC 5761) */
	{"webrtc_offer",
	 "webrtc_offer_lan",
	 LAN4,
	 1,
	 2,
	 {{30000, 0, true}, {30002, 0, true}}},
	/* the same without mux toward the side: a=rtcp the anchor's */
	{"webrtc_offer",
	 "webrtc_offer_nomux_lan",
	 LAN4,
	 1,
	 2,
	 {{30000, 0}, {30002, 0}}},
	/* IPv6 trunk toward an IPv4 LAN; a=rtcp port only */
	{"ipv6_offer", "ipv6_offer_lan", LAN4, 1, 1, {{30010, 0}}},
	/* late offer: the answer in the ACK; mux not toward the trunk */
	{"baresip_late_answer",
	 "baresip_late_answer_wan",
	 WAN4,
	 1,
	 1,
	 {{20012, 0}}},
	{"yealink_video_offer",
	 "yealink_video_offer_wan",
	 WAN4,
	 1,
	 2,
	 {{20014, 0}, {20016, 0}}},
	/* the ESG refuses the video stream: port 0 (RFC 3264 6) */
	{"yealink_video_offer",
	 "yealink_video_offer_novideo_wan",
	 WAN4,
	 1,
	 2,
	 {{20014, 0}, {0, 0, false, true}}},
	/* an answer that rejected video: port 0 stays */
	{"asterisk_answer_rejected",
	 "asterisk_answer_rejected_lan",
	 LAN4,
	 1,
	 2,
	 {{30020, 0}, {0, 0, false, true}}},
	/* RFC 5576 a=ssrc with LAN addresses in the CNAME (and a label):
	 * rewritten to the anchor's; a=source-filter (RFC 4570), a=alt,
	 * a=altc (RFC 6947), k= (RFC 8866 5.12), u=, e=, p= dropped */
	{"rfc5576_offer",
	 "rfc5576_offer_wan",
	 WAN4,
	 1,
	 2,
	 {{20020, 0}, {20022, 0}}},
	{"rfc5576_offer",
	 "rfc5576_offer_wan6",
	 WAN6,
	 1,
	 2,
	 {{20020, 0}, {20022, 0}}},
};

static uint8_t *
file_read(const char *name, const char *ext, size_t *lenp)
{
	char path[512];
	uint8_t *buf;
	FILE *f;
	long n;

	snprintf(path, sizeof(path), "%s/%s.%s", SDP_GOLDEN_DIR, name, ext);
	f = fopen(path, "rb");
	if (f == NULL)
		fail_msg("cannot open %s", path);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n >= 0);
	rewind(f);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*lenp = (size_t)n;
	return buf;
}

static void
file_write(const char *name, const struct mbuf *mb)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s.out", SDP_GOLDEN_DIR, name);
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(mb->buf, 1, mb->end, f), mb->end);
	fclose(f);
}

static struct cp_sdp *
parse_ok(const void *buf, size_t len)
{
	struct cp_sdp *sdp = NULL;
	char why[CP_SDP_WHY_LEN] = "";
	int err = cp_sdp_parse(&sdp, buf, len, why, sizeof(why));

	if (err)
		fail_msg("parse: %s (%d)", why, err);
	return sdp;
}

static struct cp_sdp *
parse_str(const char *s)
{
	return parse_ok(s, strlen(s));
}

static void
origin_set(struct cp_sdp_origin *o, const char *addr, uint64_t ver)
{
	memset(o, 0, sizeof(*o));
	o->sess_id = 7340010001ULL;
	o->sess_ver = ver;
	assert_int_equal(sa_set_str(&o->addr, addr, 0), 0);
}

static struct mbuf *
rewrite(const struct cp_sdp *sdp, const char *side, uint64_t ver,
	const struct g_stream *s, unsigned int n)
{
	struct cp_sdp_anchor a[CP_SDP_MAX_MEDIA];
	struct cp_sdp_origin o;
	struct mbuf *mb = NULL;
	unsigned int i;

	origin_set(&o, side, ver);
	memset(a, 0, sizeof(a));
	for (i = 0; i < n; i++) {
		if (!s[i].rejected)
			assert_int_equal(sa_set_str(&a[i].addr, side, 0), 0);
		a[i].rtp_port = s[i].rtp;
		a[i].rtcp_port = s[i].rtcp;
		a[i].rtcp_mux = s[i].mux;
		a[i].rejected = s[i].rejected;
	}
	assert_int_equal(cp_sdp_rewrite(&mb, sdp, a, n, &o), 0);
	assert_non_null(mb);
	return mb;
}

/* The output says nothing of the input's addresses (topology hiding). */
static void
assert_hidden(const struct mbuf *mb, const struct cp_sdp *in)
{
	const char *addrs[] = {
		"192.168.",	  "10.1.1.",	    "10.20.0.",
		"192.0.2.10",	  "2001:db8:2::53", "203.0.113.77",
		"127.0.0.1",	  "candidate",	    "ice-",
		"2001:db8:1::20", "source-filter",  "a=alt",
		"voip-admin",	  "desk3.txt"};
	char *s = malloc(mb->end + 1);
	size_t i;

	(void)in;
	assert_non_null(s);
	memcpy(s, mb->buf, mb->end);
	s[mb->end] = '\0';
	for (i = 0; i < sizeof(addrs) / sizeof(addrs[0]); i++)
		if (strstr(s, addrs[i]) != NULL)
			fail_msg("output holds %s:\n%s", addrs[i], s);
	free(s);
}

static void
test_golden(void **state)
{
	const bool write = getenv("CP_SDP_GOLDEN_WRITE") != NULL;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(goldens) / sizeof(goldens[0]); i++) {
		const struct golden *g = &goldens[i];
		struct cp_sdp *sdp, *again;
		uint8_t *in, *out;
		size_t inlen, outlen;
		struct mbuf *mb;

		in = file_read(g->in, "in", &inlen);
		sdp = parse_ok(in, inlen);
		assert_int_equal(cp_sdp_media_count(sdp), g->n);
		mb = rewrite(sdp, g->side, g->ver, g->s, g->n);
		if (write) {
			file_write(g->out, mb);
		} else {
			out = file_read(g->out, "out", &outlen);
			if (outlen != mb->end ||
			    memcmp(out, mb->buf, outlen) != 0)
				fail_msg("%s: differs from %s.out:\n%.*s",
					 g->in, g->out, (int)mb->end,
					 (const char *)mb->buf);
			free(out);
		}
		assert_hidden(mb, sdp);
		/* what the ESG sends parses again, same streams */
		again = parse_ok(mb->buf, mb->end);
		assert_int_equal(cp_sdp_media_count(again), g->n);
		mem_deref(again);
		mem_deref(mb);
		mem_deref(sdp);
		free(in);
	}
}

static struct cp_sdp *
golden_parse(const char *name)
{
	struct cp_sdp *sdp;
	uint8_t *in;
	size_t len;

	in = file_read(name, "in", &len);
	sdp = parse_ok(in, len);
	free(in);
	return sdp;
}

static void
assert_sa(const struct sa *sa, const char *addr, uint16_t port)
{
	struct sa want;

	assert_int_equal(sa_set_str(&want, addr, port), 0);
	if (!sa_cmp(sa, &want, SA_ALL))
		fail_msg("%s:%u expected", addr, port);
}

/* RFC 8866 5.2, 5.7, 5.14; RFC 3551 6 static clocks. */
static void
test_model_asterisk(void **state)
{
	struct cp_sdp *sdp = golden_parse("asterisk_offer");
	const struct cp_sdp_origin_info *o = cp_sdp_origin(sdp);
	const struct cp_sdp_media *m = cp_sdp_media(sdp, 0);
	struct sa rtp, rtcp;

	(void)state;
	assert_string_equal(o->user, "-");
	assert_true(o->sess_id == 1713875112ULL);
	assert_true(o->sess_ver == 1713875112ULL);
	assert_int_equal(o->af, AF_INET);
	assert_string_equal(o->addr, "192.168.10.5");
	assert_int_equal(m->kind, CP_SDP_AUDIO);
	assert_int_equal(m->port, 13642);
	assert_int_equal(m->nports, 1);
	assert_int_equal(m->proto, CP_SDP_RTP_AVP);
	assert_true(m->rtp);
	assert_false(m->secure);
	assert_int_equal(m->nfmt, 4);
	assert_int_equal(m->pts[0].pt, 0);
	assert_string_equal(m->pts[0].enc, "PCMU");
	assert_int_equal(m->pts[3].pt, 101);
	assert_string_equal(m->pts[3].enc, "telephone-event");
	assert_int_equal(m->pts[3].clock_hz, 8000);
	assert_false(m->conn.set); /* session-level only */
	assert_int_equal(cp_sdp_conn(sdp, 0)->af, AF_INET);
	assert_int_equal(cp_sdp_remote(sdp, 0, &rtp, &rtcp), 0);
	assert_sa(&rtp, "192.168.10.5", 13642);
	assert_sa(&rtcp, "192.168.10.5", 13643); /* RFC 3550 11 */
	assert_int_equal(cp_sdp_dir(sdp, 0), CP_SDP_SENDRECV);
	assert_false(cp_sdp_held(sdp, 0));
	assert_false(cp_sdp_rejected(sdp, 0));
	assert_int_equal(cp_sdp_clock_hz(sdp, 0), 8000);
	assert_false(cp_sdp_has_ice(sdp));
	mem_deref(sdp);
}

/* RFC 3605 2.1 a=rtcp with address; opus at 48 kHz (RFC 7587 4). */
static void
test_model_freeswitch(void **state)
{
	struct cp_sdp *sdp = golden_parse("freeswitch_offer");
	const struct cp_sdp_media *m = cp_sdp_media(sdp, 0);
	struct sa rtp, rtcp;

	(void)state;
	assert_string_equal(cp_sdp_origin(sdp)->user, "FreeSWITCH");
	assert_true(m->rtcp);
	assert_int_equal(m->rtcp_port, 24579);
	assert_true(m->rtcp_conn.set);
	assert_int_equal(cp_sdp_remote(sdp, 0, &rtp, &rtcp), 0);
	assert_sa(&rtp, "10.20.0.15", 24578);
	assert_sa(&rtcp, "10.20.0.15", 24579);
	assert_int_equal(cp_sdp_clock_hz(sdp, 0), 48000);
	assert_int_equal(m->pts[0].channels, 2);
	assert_true(m->pts[0].rtpmap);
	assert_true(m->pts[2].rtpmap); /* a=rtpmap:0 given too */
	mem_deref(sdp);
}

/* RFC 8866 6.7 session-level direction; G.722's 8000 (RFC 3551 4.5.2). */
static void
test_model_polycom(void **state)
{
	struct cp_sdp *sdp = golden_parse("polycom_offer");

	(void)state;
	assert_false(cp_sdp_media(sdp, 0)->has_dir);
	assert_int_equal(cp_sdp_dir(sdp, 0), CP_SDP_SENDRECV);
	assert_int_equal(cp_sdp_clock_hz(sdp, 0), 8000);
	assert_int_equal(cp_sdp_media(sdp, 0)->pts[1].clock_hz, 16000);
	mem_deref(sdp);
}

/* RFC 3264 8.4: a=sendonly, and the RFC 2543 c=0.0.0.0 hold. */
static void
test_model_hold(void **state)
{
	struct cp_sdp *sdp = golden_parse("yealink_hold");
	struct sa rtp;

	(void)state;
	assert_int_equal(cp_sdp_dir(sdp, 0), CP_SDP_SENDONLY);
	assert_true(cp_sdp_held(sdp, 0));
	assert_int_equal(cp_sdp_remote(sdp, 0, &rtp, NULL), 0);
	mem_deref(sdp);

	sdp = golden_parse("cisco_hold_c0");
	assert_true(cp_sdp_conn(sdp, 0)->unspec);
	assert_int_equal(cp_sdp_dir(sdp, 0), CP_SDP_SENDRECV);
	assert_int_equal(cp_sdp_dir_eff(sdp, 0), CP_SDP_SENDONLY);
	assert_true(cp_sdp_held(sdp, 0));
	/* nothing is to be sent to it */
	assert_int_equal(cp_sdp_remote(sdp, 0, &rtp, NULL), ENOENT);
	assert_int_equal(cp_sdp_clock_hz(sdp, 0), 8000); /* G729 static */
	mem_deref(sdp);
}

/* RFC 8839 ICE, RFC 5761 mux, RFC 5764 DTLS-SRTP, RFC 8843 BUNDLE. */
static void
test_model_webrtc(void **state)
{
	struct cp_sdp *sdp = golden_parse("webrtc_offer");
	const struct cp_sdp_media *a = cp_sdp_media(sdp, 0);
	const struct cp_sdp_media *v = cp_sdp_media(sdp, 1);
	struct sa rtp, rtcp;

	(void)state;
	assert_true(cp_sdp_has_ice(sdp));
	assert_false(cp_sdp_ice_lite(sdp));
	assert_int_equal(a->proto, CP_SDP_UDP_TLS_RTP_SAVPF);
	assert_true(a->secure);
	assert_true(a->rtp);
	assert_int_equal(a->ncand, 3);
	assert_int_equal(v->ncand, 2);
	assert_true(a->ice_ufrag && a->ice_pwd && a->ice_options);
	assert_true(a->fingerprint && a->setup);
	assert_string_equal(a->mid, "0");
	assert_string_equal(v->mid, "1");
	assert_int_equal(v->kind, CP_SDP_VIDEO);
	assert_true(cp_sdp_rtcp_mux(sdp, 0));
	/* RFC 5761 5.1.3: muxed, RTCP on the RTP port; the a=rtcp (the
	 * browser's ICE placeholder, RFC 8839 5.1) is the no-mux fallback */
	assert_int_equal(cp_sdp_remote(sdp, 0, &rtp, &rtcp), 0);
	assert_sa(&rtp, "192.168.1.50", 54400);
	assert_sa(&rtcp, "192.168.1.50", 54400);
	assert_true(a->rtcp);
	assert_int_equal(a->rtcp_port, 9);
	assert_true(a->rtcp_conn.unspec);
	assert_int_equal(cp_sdp_clock_hz(sdp, 0), 48000);
	assert_int_equal(cp_sdp_clock_hz(sdp, 1), 90000);
	mem_deref(sdp);
}

static void
test_model_misc(void **state)
{
	struct cp_sdp *sdp;
	struct sa rtp, rtcp;

	(void)state;
	/* IPv6 (RFC 8866 5.7 IP6), a=rtcp port only (RFC 3605 2.1) */
	sdp = golden_parse("ipv6_offer");
	assert_int_equal(cp_sdp_conn(sdp, 0)->af, AF_INET6);
	assert_int_equal(cp_sdp_remote(sdp, 0, &rtp, &rtcp), 0);
	assert_sa(&rtp, "2001:db8:2::53", 31456);
	assert_sa(&rtcp, "2001:db8:2::53", 31457);
	mem_deref(sdp);

	/* RFC 3264 6: port 0 rejects; its stream has no address */
	sdp = golden_parse("asterisk_answer_rejected");
	assert_true(cp_sdp_rejected(sdp, 1));
	assert_false(cp_sdp_rejected(sdp, 0));
	assert_int_equal(cp_sdp_remote(sdp, 1, &rtp, NULL), ENOENT);
	/* PT 99 is dynamic and has no rtpmap: unknown */
	assert_int_equal(cp_sdp_clock_hz(sdp, 1), 0);
	mem_deref(sdp);

	/* RFC 8866 5.14: m=audio 49170/2, a media c= over the session's,
	 * a proto that is not RTP (T.38 over udptl: formats are not PTs) */
	sdp = parse_str("v=0\r\no=alice 1 1 IN IP4 192.0.2.9\r\ns= \r\n"
			"c=IN IP4 192.0.2.9\r\nt=0 0\r\na=recvonly\r\n"
			"m=audio 49170/2 RTP/AVP 96\r\nc=IN IP4 192.0.2.44\r\n"
			"a=rtpmap:96 L16/16000/2\r\n"
			"m=image 49180 udptl t38\r\na=inactive\r\n");
	assert_int_equal(cp_sdp_media(sdp, 0)->nports, 2);
	assert_int_equal(cp_sdp_clock_hz(sdp, 0), 16000);
	assert_int_equal(cp_sdp_media(sdp, 0)->pts[0].channels, 2);
	assert_int_equal(cp_sdp_remote(sdp, 0, &rtp, NULL), 0);
	assert_sa(&rtp, "192.0.2.44", 49170);
	assert_int_equal(cp_sdp_dir(sdp, 0), CP_SDP_RECVONLY);
	assert_int_equal(cp_sdp_dir(sdp, 1), CP_SDP_INACTIVE);
	assert_true(cp_sdp_held(sdp, 1));
	assert_int_equal(cp_sdp_media(sdp, 1)->kind, CP_SDP_IMAGE);
	assert_int_equal(cp_sdp_media(sdp, 1)->proto, CP_SDP_PROTO_OTHER);
	assert_false(cp_sdp_media(sdp, 1)->rtp);
	assert_int_equal(cp_sdp_clock_hz(sdp, 1), 0);
	/* out of range: as rejected, never a read beyond */
	assert_true(cp_sdp_rejected(sdp, 2));
	assert_null(cp_sdp_media(sdp, 2));
	mem_deref(sdp);

	/* LF line ends and ice-lite at session level (RFC 8839 5.3) */
	sdp = parse_str(
		"v=0\no=- 1 1 IN IP4 192.0.2.9\ns=-\nt=0 0\n"
		"a=ice-lite\nm=audio 4000 RTP/SAVP 0\n"
		"c=IN IP4 192.0.2.9\na=crypto:1 AES_CM_128_HMAC_SHA1_80 "
		"inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz\n");
	assert_true(cp_sdp_ice_lite(sdp));
	assert_true(cp_sdp_media(sdp, 0)->secure);
	assert_int_equal(cp_sdp_media(sdp, 0)->ncrypto, 1);
	mem_deref(sdp);
}

static const char *
rewrite_str(const char *in, const struct cp_sdp_anchor *a, unsigned int n,
	    const struct cp_sdp_origin *o)
{
	static char out[4096];
	struct cp_sdp *sdp = parse_str(in), *again;
	struct mbuf *mb = NULL;

	assert_int_equal(cp_sdp_rewrite(&mb, sdp, a, n, o), 0);
	assert_true(mb->end < sizeof(out));
	memcpy(out, mb->buf, mb->end);
	out[mb->end] = '\0';
	again = parse_ok(mb->buf, mb->end);
	mem_deref(again);
	mem_deref(mb);
	mem_deref(sdp);
	return out;
}

static void
anchor_set(struct cp_sdp_anchor *a, const char *addr, uint16_t rtp,
	   uint16_t rtcp, bool mux)
{
	memset(a, 0, sizeof(*a));
	assert_int_equal(sa_set_str(&a->addr, addr, 0), 0);
	a->rtp_port = rtp;
	a->rtcp_port = rtcp;
	a->rtcp_mux = mux;
}

#define HDR "v=0\r\no=- 5 5 IN IP4 10.0.0.5\r\ns=-\r\n"
#define T0 "t=0 0\r\n"
#define M0 "m=audio 4000 RTP/AVP 0\r\n"
#define C4 "c=IN IP4 192.0.2.9\r\n"

static void
test_rewrite_rules(void **state)
{
	struct cp_sdp_anchor a[2];
	struct cp_sdp_origin o;

	(void)state;
	origin_set(&o, WAN4, 9);
	o.user = "sbc";
	/* RFC 8866 5.2 o= of the ESG; RFC 3605: RTCP not on RTP + 1 gets
	 * an a=rtcp; RFC 5761: mux toward the side adds a=rtcp-mux; a
	 * stream anchored on another address than the session c= (the
	 * origin's) gets its own c=, after m= and i= (RFC 8866 5) */
	anchor_set(&a[0], WAN4, 20000, 20007, false);
	anchor_set(&a[1], "198.51.100.2", 20010, 0, true);
	assert_string_equal(
		rewrite_str(HDR "c=IN IP4 10.0.0.5\r\nt=0 0\r\n"
				"m=audio 4000 RTP/AVP 0\r\n"
				"m=audio 4010 RTP/AVP 8\r\ni=second\r\n"
				"b=AS:80\r\na=ptime:30\r\n",
			    a, 2, &o),
		"v=0\r\no=sbc 7340010001 9 IN IP4 198.51.100.1\r\ns=-\r\n"
		"c=IN IP4 198.51.100.1\r\nt=0 0\r\n"
		"m=audio 20000 RTP/AVP 0\r\n"
		"a=rtcp:20007 IN IP4 198.51.100.1\r\n"
		"m=audio 20010 RTP/AVP 8\r\ni=second\r\n"
		"c=IN IP4 198.51.100.2\r\nb=AS:80\r\na=ptime:30\r\n"
		"a=rtcp-mux\r\n");

	/* RFC 3264 8.4: c=0.0.0.0 with recvonly means inactive; the
	 * direction line is replaced where it stood; the m= /2 goes */
	anchor_set(&a[0], WAN6, 20000, 0, false);
	assert_string_equal(
		rewrite_str(HDR "t=0 0\r\nm=audio 4000/2 RTP/AVP 0\r\n"
				"c=IN IP4 0.0.0.0\r\na=recvonly\r\n"
				"a=ptime:20\r\n",
			    a, 1, &o),
		"v=0\r\no=sbc 7340010001 9 IN IP4 198.51.100.1\r\ns=-\r\n"
		"t=0 0\r\nm=audio 20000 RTP/AVP 0\r\n"
		"c=IN IP6 2001:db8:2::1\r\na=inactive\r\na=ptime:20\r\n");

	/* session-level hold: the media-level direction is added; a
	 * session-level a=rtcp (invalid, RFC 3605 2.1) is dropped */
	anchor_set(&a[0], WAN4, 20000, 0, false);
	assert_string_equal(
		rewrite_str(HDR "c=IN IP4 0.0.0.0\r\nt=0 0\r\na=rtcp:9\r\n"
				"m=audio 4000 RTP/AVP 0\r\n",
			    a, 1, &o),
		"v=0\r\no=sbc 7340010001 9 IN IP4 198.51.100.1\r\ns=-\r\n"
		"c=IN IP4 198.51.100.1\r\nt=0 0\r\n"
		"m=audio 20000 RTP/AVP 0\r\na=sendonly\r\n");

	/* a stream the offer disabled stays at port 0 whatever the anchor
	 * says (RFC 3264 8.2); its attributes are not touched */
	anchor_set(&a[0], WAN4, 20000, 0, true);
	assert_string_equal(
		rewrite_str(HDR "t=0 0\r\nm=audio 0 RTP/AVP 0\r\n"
				"a=rtcp-mux\r\n",
			    a, 1, &o),
		"v=0\r\no=sbc 7340010001 9 IN IP4 198.51.100.1\r\ns=-\r\n"
		"t=0 0\r\nm=audio 0 RTP/AVP 0\r\na=rtcp-mux\r\n");
}

/* a=ssrc (RFC 5576 4.1): an IPv4/IPv6 literal anywhere in the value is
 * the anchor's address toward the side; other text stays. */
static void
test_rewrite_ssrc(void **state)
{
	struct cp_sdp_anchor a[1];
	struct cp_sdp_origin o;

	(void)state;
	origin_set(&o, WAN4, 1);
	anchor_set(&a[0], WAN4, 20000, 0, false);
	assert_string_equal(
		rewrite_str(HDR C4 T0 M0
			    "a=ssrc:1 cname:sip:+4930123401@192.0.2.1\r\n"
			    "a=ssrc:1 cname:10.1.2.3\r\n"
			    "a=ssrc:1 cname:u@fe80::1%eth0\r\n"
			    "a=ssrc:1 cname:dead:beef::7\r\n"
			    "a=ssrc:1 x:[2001:db8::5]:5060;1.2.3.4:9\r\n"
			    "a=ssrc:1 cname:xF7k2mN9pQ4rT8vW\r\n"
			    "a=ssrc:1 cname:b3e5d1f0-8f1a-4d7e-9c3b-1a2b\r\n"
			    "a=ssrc:1 cname:1.2.3.4.5 v1.0.0.1 a.1.2.3.4\r\n"
			    "a=ssrc:4294967295 cname:pbx.example.com\r\n"
			    "a=msid:a b\r\n",
			    a, 1, &o),
		"v=0\r\no=esg 7340010001 1 IN IP4 198.51.100.1\r\ns=-\r\n"
		"c=IN IP4 198.51.100.1\r\nt=0 0\r\n"
		"m=audio 20000 RTP/AVP 0\r\n"
		"a=ssrc:1 cname:sip:+4930123401@198.51.100.1\r\n"
		"a=ssrc:1 cname:198.51.100.1\r\n"
		"a=ssrc:1 cname:u@198.51.100.1%eth0\r\n"
		"a=ssrc:1 cname:198.51.100.1\r\n"
		"a=ssrc:1 x:[198.51.100.1]:5060;198.51.100.1:9\r\n"
		"a=ssrc:1 cname:xF7k2mN9pQ4rT8vW\r\n"
		"a=ssrc:1 cname:b3e5d1f0-8f1a-4d7e-9c3b-1a2b\r\n"
		"a=ssrc:1 cname:1.2.3.4.5 v1.0.0.1 a.1.2.3.4\r\n"
		"a=ssrc:4294967295 cname:pbx.example.com\r\n"
		"a=msid:a b\r\n");
	/* toward an IPv6 side, the IPv6 anchor */
	origin_set(&o, WAN6, 1);
	anchor_set(&a[0], WAN6, 20000, 0, false);
	assert_string_equal(
		rewrite_str(HDR C4 T0 M0
			    "a=ssrc:9 cname:sip:+4930123401@192.0.2.1\r\n",
			    a, 1, &o),
		"v=0\r\no=esg 7340010001 1 IN IP6 2001:db8:2::1\r\ns=-\r\n"
		"c=IN IP6 2001:db8:2::1\r\nt=0 0\r\n"
		"m=audio 20000 RTP/AVP 0\r\n"
		"a=ssrc:9 cname:sip:+4930123401@2001:db8:2::1\r\n");
	/* RFC 4570 source-filter, a=alt, a=altc; k= u= e= p=: dropped;
	 * i= (text) stays */
	origin_set(&o, WAN4, 1);
	anchor_set(&a[0], WAN4, 20000, 0, false);
	assert_string_equal(
		rewrite_str(HDR "i=desk 3\r\nu=http://10.0.0.5/x\r\n"
				"e=a@10.0.0.5\r\np=+1 555 0100\r\n" C4 T0
				"k=prompt\r\na=altc:1 IP4 10.0.0.5 4000\r\n" M0
				"a=source-filter: incl IN IP4 * 10.0.0.5\r\n"
				"a=alt:1 1 : a b 10.0.0.5 4000\r\n"
				"a=sendrecv\r\n",
			    a, 1, &o),
		"v=0\r\no=esg 7340010001 1 IN IP4 198.51.100.1\r\ns=-\r\n"
		"i=desk 3\r\nc=IN IP4 198.51.100.1\r\nt=0 0\r\n"
		"m=audio 20000 RTP/AVP 0\r\na=sendrecv\r\n");
}

static void
test_rewrite_args(void **state)
{
	struct cp_sdp *sdp = golden_parse("yealink_video_offer");
	struct cp_sdp_anchor a[2];
	struct cp_sdp_origin o;
	struct mbuf *mb = NULL;

	(void)state;
	origin_set(&o, WAN4, 1);
	anchor_set(&a[0], WAN4, 20000, 0, false);
	anchor_set(&a[1], WAN4, 20002, 0, false);
	/* one anchor per m= line */
	assert_int_equal(cp_sdp_rewrite(&mb, sdp, a, 1, &o), EINVAL);
	assert_int_equal(cp_sdp_rewrite(&mb, sdp, NULL, 2, &o), EINVAL);
	assert_int_equal(cp_sdp_rewrite(&mb, sdp, a, 2, NULL), EINVAL);
	/* an anchored stream needs an address and a port */
	a[1].rtp_port = 0;
	assert_int_equal(cp_sdp_rewrite(&mb, sdp, a, 2, &o), EINVAL);
	a[1].rtp_port = 20002;
	sa_init(&a[1].addr, AF_UNSPEC);
	assert_int_equal(cp_sdp_rewrite(&mb, sdp, a, 2, &o), EINVAL);
	anchor_set(&a[1], WAN4, 65535, 0, false); /* RTCP would be 65536 */
	assert_int_equal(cp_sdp_rewrite(&mb, sdp, a, 2, &o), EINVAL);
	anchor_set(&a[1], WAN4, 20002, 0, false);
	/* RFC 8866 5.2: the username is one token */
	o.user = "e s g";
	assert_int_equal(cp_sdp_rewrite(&mb, sdp, a, 2, &o), EINVAL);
	o.user = "";
	assert_int_equal(cp_sdp_rewrite(&mb, sdp, a, 2, &o), EINVAL);
	o.user = NULL;
	sa_init(&o.addr, AF_UNSPEC);
	assert_int_equal(cp_sdp_rewrite(&mb, sdp, a, 2, &o), EINVAL);
	assert_null(mb);
	mem_deref(sdp);
}

static void
expect_bad(const void *buf, size_t len, const char *reason)
{
	struct cp_sdp *sdp = NULL;
	char why[CP_SDP_WHY_LEN] = "";
	int err = cp_sdp_parse(&sdp, buf, len, why, sizeof(why));

	if (err != EBADMSG)
		fail_msg("accepted (%d), expected refusal \"%s\"", err, reason);
	assert_null(sdp);
	if (strstr(why, reason) == NULL)
		fail_msg("reason \"%s\", expected \"%s\"", why, reason);
}

static void
expect_bad_str(const char *s, const char *reason)
{
	expect_bad(s, strlen(s), reason);
}

/* RFC 8866 5 and 9: the grammar, one refusal each. */
static void
test_malformed(void **state)
{
	static const struct {
		const char *sdp, *why;
	} bad[] = {
		{"", "empty body"},
		{"v=1\r\n", "v= not 0"},
		{"o=- 1 1 IN IP4 1.2.3.4\r\nv=0\r\n", "v= missing"},
		{"v=0\r\ns=-\r\n" T0, "o= missing"},
		{"v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\n" T0, "s= missing"},
		{"v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\n", "s= missing"},
		{HDR C4 M0, "m= before t="},
		{HDR C4, "t= missing"},
		{"v=0\r\no=- 1 IN IP4 1.2.3.4\r\ns=-\r\n", "o= needs 6"},
		{"v=0\r\no=- x 1 IN IP4 1.2.3.4\r\ns=-\r\n", "not numeric"},
		{"v=0\r\no=- 1 99999999999999999999 IN IP4 a\r\ns=-\r\n",
		 "not numeric"},
		{"v=0\r\no=- 1 1 ATM IP4 1.2.3.4\r\ns=-\r\n", "nettype"},
		{"v=0\r\no=- 1 1 IN IPX 1.2.3.4\r\ns=-\r\n", "addrtype"},
		{HDR "c=IN IP4 192.0.2.300\r\n" T0, "not a numeric IP4"},
		{HDR "c=IN IP4 pbx.example.com\r\n" T0, "not a numeric IP4"},
		{HDR "c=IN IP4 2001:db8::1\r\n" T0, "not a numeric IP4"},
		{HDR "c=IN IP6 192.0.2.1\r\n" T0, "not a numeric IP6"},
		{HDR "c=IN IP5 192.0.2.1\r\n" T0, "unknown addrtype"},
		{HDR "c=ATM NSAP 47.0005\r\n" T0, "unknown nettype"},
		{HDR "c=IN IP4\r\n" T0, "c= needs 3"},
		{HDR "c=IN IP4 192.0.2.1/127\r\n" T0, "suffix"},
		{HDR "c=IN IP4 224.2.1.1/300\r\n" T0, "suffix"},
		{HDR C4 C4 T0, "second c="},
		{HDR C4 T0 "m=audio\r\n", "without a port"},
		{HDR C4 T0 "m=audio 4000\r\n", "without a proto"},
		{HDR C4 T0 "m=audio 4000 RTP/AVP\r\n", "without formats"},
		{HDR C4 T0 "m=audio 65536 RTP/AVP 0\r\n", "port not 0..65535"},
		{HDR C4 T0 "m=audio -1 RTP/AVP 0\r\n", "port not 0..65535"},
		{HDR C4 T0 "m=audio 4000/0 RTP/AVP 0\r\n", "number of ports"},
		{HDR C4 T0 "m=audio 4000 RTP/AVP 128\r\n", "payload type"},
		{HDR C4 T0 "m=audio 4000 RTP/AVP PCMU\r\n", "payload type"},
		{HDR T0 M0, "no c="},
		{HDR C4 T0 M0 "a=rtpmap:0\r\n", "a=rtpmap payload"},
		{HDR C4 T0 M0 "a=rtpmap:0 PCMU\r\n", "a=rtpmap encoding"},
		{HDR C4 T0 M0 "a=rtpmap:0 PCMU/\r\n", "clock rate"},
		{HDR C4 T0 M0 "a=rtpmap:0 PCMU/0\r\n", "clock rate"},
		{HDR C4 T0 M0 "a=rtpmap:0 PCMU/8000/x\r\n", "channels"},
		{HDR C4 T0 M0 "a=rtcp:70000\r\n", "bad a=rtcp"},
		{HDR C4 T0 M0 "a=rtcp:4001 IN IP4\r\n", "bad a=rtcp"},
		{HDR C4 T0 M0 "a=rtcp:4001 IN IP4 bad\r\n", "a=rtcp address"},
		{HDR C4 T0 M0 "a=rtcp:4001\r\na=rtcp:4003\r\n",
		 "second a=rtcp"},
		{HDR C4 T0 M0 "a=sendonly\r\na=inactive\r\n",
		 "second direction"},
		{HDR C4 T0 M0 "a=sendonly:x\r\n", "with a value"},
		{HDR C4 T0 M0 "a=\r\n", "without an attribute name"},
		{HDR C4 T0 M0 "a=:x\r\n", "without an attribute name"},
		{HDR C4 T0 M0 "t=0 0\r\n", "t= inside"},
		{HDR C4 T0 "x=unknown\r\n", "unknown line type"},
		{HDR C4 T0 "v=0\r\n", "v= not 0 or not first"},
		{HDR C4 T0 "o=- 1 1 IN IP4 1.2.3.4\r\n", "second o="},
		{HDR C4 T0 "s=again\r\n", "second s="},
		{HDR C4 T0 "novalue\r\n", "not <type>=<value>"},
		{HDR C4 T0 "a\r\n", "not <type>=<value>"},
		{HDR C4 "\r\n" T0, "empty line"},
		{HDR C4 T0 "a=x\ry\r\n", "CR inside"},
		/* truncated: the last line has no end (RFC 8866 5: CRLF) */
		{HDR C4 T0 "m=audio 4000 RTP/A", "no line end"},
		{HDR C4 T0 M0 "a=rtpmap:0 PCMU/8000", "no line end"},
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		expect_bad_str(bad[i].sdp, bad[i].why);
}

static void
test_limits(void **state)
{
	char *buf = malloc(CP_SDP_MAX_LEN + 64);
	size_t n, i;

	(void)state;
	assert_non_null(buf);
	/* a line of CP_SDP_MAX_LINE_LEN bytes passes, one more is refused */
	n = (size_t)snprintf(buf, 256, HDR C4 T0 M0 "a=x:");
	memset(buf + n, 'y', CP_SDP_MAX_LINE_LEN - 4);
	memcpy(buf + n + CP_SDP_MAX_LINE_LEN - 4, "\r\n", 2);
	mem_deref(parse_ok(buf, n + CP_SDP_MAX_LINE_LEN - 2));
	memset(buf + n, 'y', CP_SDP_MAX_LINE_LEN - 3);
	memcpy(buf + n + CP_SDP_MAX_LINE_LEN - 3, "\r\n", 2);
	expect_bad(buf, n + CP_SDP_MAX_LINE_LEN - 1, "longer than 1024");

	/* CP_SDP_MAX_MEDIA m= sections pass, one more is refused */
	n = (size_t)snprintf(buf, 256, HDR C4 T0);
	for (i = 0; i < CP_SDP_MAX_MEDIA; i++)
		n += (size_t)sprintf(buf + n, M0);
	mem_deref(parse_ok(buf, n));
	n += (size_t)sprintf(buf + n, M0);
	expect_bad(buf, n, "more than 16 m= lines");

	/* lines */
	n = (size_t)snprintf(buf, 256, HDR C4 T0);
	for (i = 5; i < CP_SDP_MAX_LINES; i++)
		n += (size_t)sprintf(buf + n, "a=x\r\n");
	mem_deref(parse_ok(buf, n));
	n += (size_t)sprintf(buf + n, "a=x\r\n");
	expect_bad(buf, n, "more than 512 lines");

	/* formats of one m= (RFC 8866 5.14) */
	n = (size_t)snprintf(buf, 256, HDR C4 T0 "m=audio 4000 RTP/AVP");
	for (i = 0; i < CP_SDP_MAX_FMT + 1; i++)
		n += (size_t)sprintf(buf + n, " %zu", i);
	n += (size_t)sprintf(buf + n, "\r\n");
	expect_bad(buf, n, "more than 64 formats");

	/* the whole body */
	memset(buf, 'a', CP_SDP_MAX_LEN + 1);
	expect_bad(buf, CP_SDP_MAX_LEN + 1, "longer than 32768");
	free(buf);
}

static void
test_garbage(void **state)
{
	static const char nul[] = HDR C4 T0 "a=x\0y\r\n";
	uint8_t rnd[512];
	uint32_t x = 2463534242u;
	struct cp_sdp *sdp;
	size_t i, r;

	(void)state;
	expect_bad(nul, sizeof(nul) - 1, "NUL byte");
	expect_bad("\0\0\0\0", 4, "");
	/* binary garbage never parses (xorshift32, fixed seed) */
	for (r = 0; r < 200; r++) {
		for (i = 0; i < sizeof(rnd); i++) {
			x ^= x << 13;
			x ^= x >> 17;
			x ^= x << 5;
			rnd[i] = (uint8_t)x;
		}
		sdp = NULL;
		assert_int_equal(cp_sdp_parse(&sdp, rnd, sizeof(rnd), NULL, 0),
				 EBADMSG);
		assert_null(sdp);
	}
	assert_int_equal(cp_sdp_parse(NULL, rnd, 1, NULL, 0), EINVAL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_golden),
		cmocka_unit_test(test_model_asterisk),
		cmocka_unit_test(test_model_freeswitch),
		cmocka_unit_test(test_model_polycom),
		cmocka_unit_test(test_model_hold),
		cmocka_unit_test(test_model_webrtc),
		cmocka_unit_test(test_model_misc),
		cmocka_unit_test(test_rewrite_rules),
		cmocka_unit_test(test_rewrite_ssrc),
		cmocka_unit_test(test_rewrite_args),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_garbage),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
