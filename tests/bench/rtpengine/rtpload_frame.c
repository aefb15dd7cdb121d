/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * esg-bench-rtpload: the generator's frames (build once per stream, stamp
 * per packet) and the receiver's parser of what arrives. See rtpload.h.
 */
#include <arpa/inet.h>
#include <net/ethernet.h>
#include <netinet/in.h>
#include <string.h>

#include "rtpload.h"

static void
put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void
put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
}

/* Build the frame of one stream: Ethernet, IPv4 (DF, id 0: an atomic
 * datagram, RFC 6864 4.1) or IPv6, UDP, RTP (RFC 3550 5.1), payload. */
void
rtpload_frame_build(struct rtpload_frame *g, const struct rtpload_stream *s,
		    const uint8_t *src_mac, const uint8_t *dst_mac,
		    uint32_t tag)
{
	uint8_t *p = g->frame, *udp, *rtp;
	uint16_t udp_len = 8 + RTPLOAD_RTP_HDR + RTPLOAD_PAYLOAD;
	size_t alen = s->src.family == AF_INET ? 4 : 16;
	uint32_t sum;

	memset(g, 0, sizeof(*g));
	memcpy(p, dst_mac, 6);
	memcpy(p + 6, src_mac, 6);
	if (s->src.family == AF_INET) {
		uint8_t *ip = p + 14;

		put16(p + 12, ETHERTYPE_IP);
		ip[0] = 0x45;
		put16(ip + 2, (uint16_t)(20 + udp_len));
		put16(ip + 6, 0x4000); /* DF */
		ip[8] = 64;
		ip[9] = IPPROTO_UDP;
		memcpy(ip + 12, s->src.ip, 4);
		memcpy(ip + 16, s->relay.ip, 4);
		put16(ip + 10, (uint16_t)~rtpload_csum_fold(
				       rtpload_csum_add(0, ip, 20)));
		udp = ip + 20;
	} else {
		uint8_t *ip = p + 14;

		put16(p + 12, ETHERTYPE_IPV6);
		ip[0] = 0x60;
		put16(ip + 4, udp_len);
		ip[6] = IPPROTO_UDP;
		ip[7] = 64;
		memcpy(ip + 8, s->src.ip, 16);
		memcpy(ip + 24, s->relay.ip, 16);
		udp = ip + 40;
	}
	put16(udp, s->src.port);
	put16(udp + 2, s->relay.port);
	put16(udp + 4, udp_len);
	rtp = udp + 8;
	rtp[0] = 0x80; /* V=2, no padding, no extension, no CSRC */
	rtp[1] = 0;    /* M=0, PT 0 (PCMU) */
	put32(rtp + 8, RTPLOAD_SSRC_BASE | s->id);
	memset(rtp + RTPLOAD_RTP_HDR, 0xd5, RTPLOAD_PAYLOAD); /* mu-law 0 */
	put32(rtp + RTPLOAD_RTP_HDR, s->id);
	put32(rtp + RTPLOAD_RTP_HDR + 4, tag);
	g->len = (uint16_t)(rtp + RTPLOAD_RTP_HDR + RTPLOAD_PAYLOAD - p);
	g->seq_off = (uint16_t)(rtp + 2 - p);
	g->csum_off = (uint16_t)(udp + 6 - p);
	/* RFC 768 pseudo header: addresses, protocol, UDP length; the
	 * sequence number and timestamp are left 0 here and added per
	 * packet. */
	sum = rtpload_csum_add(0, s->src.ip, alen);
	sum = rtpload_csum_add(sum, s->relay.ip, alen);
	sum += IPPROTO_UDP + udp_len;
	g->csum_base = rtpload_csum_add(sum, udp, udp_len);
	g->seq = (uint16_t)(s->id * 7919u);
	g->ts = s->id * 104729u;
}

/* Stamp the next sequence number and timestamp and the UDP checksum. */
void
rtpload_frame_next(struct rtpload_frame *g)
{
	uint8_t *p = g->frame;
	uint32_t sum;
	uint16_t c;

	put16(p + g->seq_off, g->seq);
	put32(p + g->seq_off + 2, g->ts);
	sum = g->csum_base + g->seq + (g->ts >> 16) + (g->ts & 0xffff);
	c = (uint16_t)~rtpload_csum_fold(sum);
	put16(p + g->csum_off, c == 0 ? 0xffff : c);
	g->seq++;
	g->ts += RTPLOAD_PAYLOAD;
}

/* ---- receiver ---- */

static uint16_t
get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t
get32(const uint8_t *p)
{
	return (uint32_t)get16(p) << 16 | get16(p + 2);
}

static void
rx_seq(struct rtpload_rx_stream *s, uint16_t seq)
{
	uint16_t delta;

	s->received++;
	if (!s->seen) {
		s->seen = 1;
		s->base_seq = seq;
		s->max_seq = seq;
		return;
	}
	delta = (uint16_t)(seq - s->max_seq);
	if (delta != 0 && delta < 0x8000) {
		if (seq < s->max_seq)
			s->cycles += 0x10000;
		s->max_seq = seq;
	} else {
		s->late++;
	}
}

/* One frame from the ring; len is what was captured. */
void
rtpload_rx_frame(const uint8_t *f, uint32_t len, int csum_ready, uint32_t tag,
		 const struct rtpload_stream *st, struct rtpload_rx_stream *rs,
		 uint32_t n, struct rtpload_rx_count *c)
{
	const uint8_t *ip, *udp, *rtp, *src, *dst;
	uint32_t id, sum;
	uint16_t et, ulen;
	size_t alen;
	int fam;

	if (len < 14) {
		c->bad++;
		return;
	}
	et = get16(f + 12);
	ip = f + 14;
	len -= 14;
	if (et == ETHERTYPE_IP) {
		uint32_t ihl, tot;

		if (len < 20 || (ip[0] >> 4) != 4) {
			c->bad++;
			return;
		}
		if (ip[9] != IPPROTO_UDP) {
			c->other++;
			return;
		}
		ihl = (uint32_t)(ip[0] & 0xf) * 4;
		tot = get16(ip + 2);
		if (ihl < 20 || tot < ihl || tot > len ||
		    (get16(ip + 6) & 0x3fff) != 0) {
			c->bad++;
			return;
		}
		fam = AF_INET;
		alen = 4;
		src = ip + 12;
		dst = ip + 16;
		udp = ip + ihl;
		len = tot - ihl;
		c->ipv4++;
	} else if (et == ETHERTYPE_IPV6) {
		uint32_t plen;

		if (len < 40 || (ip[0] >> 4) != 6) {
			c->bad++;
			return;
		}
		if (ip[6] != IPPROTO_UDP) {
			c->other++; /* ND, MLD, or an extension header */
			return;
		}
		plen = get16(ip + 4);
		if (plen > len - 40) {
			c->bad++;
			return;
		}
		fam = AF_INET6;
		alen = 16;
		src = ip + 8;
		dst = ip + 24;
		udp = ip + 40;
		len = plen;
		c->ipv6++;
	} else {
		c->other++;
		return;
	}
	if (len < 8 + RTPLOAD_RTP_HDR + 4) {
		c->bad++;
		return;
	}
	ulen = get16(udp + 4);
	rtp = udp + 8;
	if (ulen != len || ulen != 8 + RTPLOAD_RTP_HDR + RTPLOAD_PAYLOAD ||
	    (rtp[0] & 0xc0) != 0x80 || (rtp[0] & 0x0f) != 0) {
		c->bad++;
		return;
	}
	id = get32(rtp + 8) & ~RTPLOAD_SSRC_MASK;
	if ((get32(rtp + 8) & RTPLOAD_SSRC_MASK) != RTPLOAD_SSRC_BASE ||
	    id >= n || get32(rtp + RTPLOAD_RTP_HDR) != id) {
		c->bad++;
		return;
	}
	if (st[id].dst.family != fam || memcmp(st[id].dst.ip, dst, alen) != 0 ||
	    st[id].dst.port != get16(udp + 2)) {
		c->wrong_dst++;
		return;
	}
	if (!csum_ready) {
		c->csum_unverified++;
	} else if (get16(udp + 6) != 0 || fam == AF_INET6) {
		/* RFC 768 / RFC 8200 8.1: the sum over the pseudo header
		 * and the datagram, checksum included, is 0xffff. */
		sum = rtpload_csum_add(0, src, alen);
		sum = rtpload_csum_add(sum, dst, alen);
		sum += IPPROTO_UDP + ulen;
		sum = rtpload_csum_add(sum, udp, ulen);
		if (rtpload_csum_fold(sum) != 0xffff) {
			c->bad_csum++;
			return;
		}
	}
	if (get32(rtp + RTPLOAD_RTP_HDR + 4) != tag) {
		c->stale++;
		return;
	}
	c->received++;
	rx_seq(&rs[id], get16(rtp + 2));
}

void
rtpload_rx_totals(const struct rtpload_rx_stream *rs, uint32_t n,
		  uint64_t *expectedp, uint64_t *lostp, uint64_t *latep,
		  uint32_t *silentp)
{
	uint64_t expected = 0, lost = 0, late = 0;
	uint32_t i, silent = 0;

	for (i = 0; i < n; i++) {
		uint64_t e;

		if (!rs[i].seen) {
			silent++;
			continue;
		}
		/* RFC 3550 A.3: extended highest minus first, plus one */
		e = (uint64_t)rs[i].cycles + rs[i].max_seq - rs[i].base_seq + 1;
		expected += e;
		lost += e > rs[i].received ? e - rs[i].received : 0;
		late += rs[i].late;
	}
	*expectedp = expected;
	*lostp = lost;
	*latep = late;
	*silentp = silent;
}
