/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * SDP of the load tool: an audio offer (PCMU, PCMA, telephone-event;
 * RFC 4566/8866, RFC 4733) with one RTP port per call, an answer (PCMU and
 * telephone-event), and a bounded reader of the lines the check needs
 * (c= at session or media level, m=audio port and payload types).
 */
#include <errno.h>
#include <string.h>

#include "cps.h"

int
cps_sdp_build(struct mbuf **mbp, const struct sa *addr, uint16_t port,
	      bool answer, uint64_t id)
{
	const char *fam = sa_af(addr) == AF_INET6 ? "IP6" : "IP4";
	struct mbuf *mb;
	int err;

	mb = mbuf_alloc(512);
	if (mb == NULL)
		return ENOMEM;
	err = mbuf_printf(mb,
			  "v=0\r\n"
			  "o=- %llu 1 IN %s %j\r\n"
			  "s=esg-bench-cps\r\n"
			  "c=IN %s %j\r\n"
			  "t=0 0\r\n",
			  (unsigned long long)id + 1, fam, addr, fam, addr);
	if (answer)
		err |= mbuf_printf(mb,
				   "m=audio %u RTP/AVP 0 101\r\n"
				   "a=rtpmap:0 PCMU/8000\r\n",
				   port);
	else
		err |= mbuf_printf(mb,
				   "m=audio %u RTP/AVP 0 8 101\r\n"
				   "a=rtpmap:0 PCMU/8000\r\n"
				   "a=rtpmap:8 PCMA/8000\r\n",
				   port);
	err |= mbuf_printf(mb, "a=rtpmap:101 telephone-event/8000\r\n"
			       "a=fmtp:101 0-16\r\n"
			       "a=ptime:20\r\n"
			       "a=sendrecv\r\n");
	if (err) {
		mem_deref(mb);
		return err;
	}
	mb->pos = 0;
	*mbp = mb;
	return 0;
}

/* "c=IN IP4 192.0.2.1" (value after "c="): the address. */
static int
parse_conn(const char *v, size_t len, struct sa *sa)
{
	struct pl fam, addr;

	if (re_regex(v, len, "IN IP[0-9]+ [^ /]+", &fam, &addr) != 0)
		return EBADMSG;
	if (sa_set(sa, &addr, 0) != 0)
		return EBADMSG;
	if (fam.l != 1 || (fam.p[0] == '4') != (sa_af(sa) == AF_INET))
		return EBADMSG;
	return 0;
}

/* "m=audio 4000 RTP/AVP 0 8 101": port and the payload types we know. */
static int
parse_media(const char *v, size_t len, struct cps_sdp_info *info)
{
	struct pl port, proto, fmts, fmt;
	uint32_t p;

	if (re_regex(v, len, "audio [0-9]+ [^ ]+ [^\r\n]*", &port, &proto,
		     &fmts) != 0)
		return EBADMSG;
	p = pl_u32(&port);
	if (port.l > 5 || p > 65535)
		return EBADMSG;
	info->port = (uint16_t)p;
	while (re_regex(fmts.p, fmts.l, "[0-9]+", &fmt) == 0) {
		uint32_t pt = pl_u32(&fmt);

		if (pt == 0)
			info->has_pcmu = true;
		if (pt == 101)
			info->has_te = true;
		pl_advance(&fmts, (size_t)(fmt.p + fmt.l - fmts.p));
	}
	return 0;
}

/* Read the first audio stream of an SDP: its port and address (the
 * media-level c= wins over the session-level one, RFC 8866 5.7). */
int
cps_sdp_parse(const char *buf, size_t len, struct cps_sdp_info *info)
{
	struct sa sess_conn, media_conn;
	/* where we are: session level, the first audio m=, another m= */
	enum { SESSION, AUDIO, OTHER } at = SESSION;
	bool seen_audio = false;
	size_t pos = 0;
	int err;

	memset(info, 0, sizeof(*info));
	sa_init(&sess_conn, AF_UNSPEC);
	sa_init(&media_conn, AF_UNSPEC);
	while (pos < len) {
		const char *line = buf + pos;
		const char *nl = memchr(line, '\n', len - pos);
		size_t l = nl != NULL ? (size_t)(nl - line) : len - pos;

		pos += l + (nl != NULL ? 1 : 0);
		if (l > 0 && line[l - 1] == '\r')
			l--;
		if (l < 2 || line[1] != '=')
			return EBADMSG; /* RFC 8866 5: <type>=<value> */
		if (line[0] == 'm') {
			if (seen_audio || l < 8 ||
			    memcmp(line + 2, "audio ", 6) != 0) {
				at = OTHER;
				continue;
			}
			err = parse_media(line + 2, l - 2, info);
			if (err)
				return err;
			at = AUDIO;
			seen_audio = true;
		} else if (line[0] == 'c' && at != OTHER) {
			err = parse_conn(line + 2, l - 2,
					 at == AUDIO ? &media_conn
						     : &sess_conn);
			if (err)
				return err;
		}
	}
	if (!seen_audio)
		return ENOENT;
	info->conn = sa_isset(&media_conn, SA_ADDR) ? media_conn : sess_conn;
	if (!sa_isset(&info->conn, SA_ADDR))
		return EBADMSG;
	return 0;
}

/* Check an offer (UAS) or answer (UAC) against what the peer side sent:
 * ANCHORED, the ESG must have replaced the peer's media address (and not
 * with port 0); DIRECT, it must be the peer's address and a port from the
 * peer's range. */
int
cps_sdp_check(const struct cps_conf *conf, const struct mbuf *mb,
	      const struct sa *peer, uint16_t peer_port_first)
{
	struct cps_sdp_info info;
	uint32_t last;
	int err;

	if (mb == NULL || mbuf_get_left(mb) == 0)
		return ENOENT;
	err = cps_sdp_parse((const char *)mbuf_buf(mb), mbuf_get_left(mb),
			    &info);
	if (err)
		return err;
	if (info.port == 0 || !info.has_pcmu || !info.has_te)
		return EPROTO;
	switch (conf->media_check) {
	case CPS_MEDIA_NONE:
		return 0;
	case CPS_MEDIA_ANCHORED:
		return sa_cmp(&info.conn, peer, SA_ADDR) ? EPROTO : 0;
	case CPS_MEDIA_DIRECT:
		last = peer_port_first + 2 * (conf->media_ports - 1);
		if (!sa_cmp(&info.conn, peer, SA_ADDR) ||
		    info.port < peer_port_first || info.port > last)
			return EPROTO;
		return 0;
	}
	return EINVAL;
}
