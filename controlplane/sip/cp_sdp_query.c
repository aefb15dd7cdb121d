/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What the B2BUA asks of a parsed SDP (cp_sdp.h): per stream, where its
 * media goes, its direction with the RFC 2543 hold folded in, its RTP
 * clock. Stream numbers out of range are the caller's bug: the queries
 * answer as for a rejected stream rather than read beyond the model.
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "cp_sdp_int.h"

static const struct cp_sdp_media *
media_at(const struct cp_sdp *sdp, unsigned int i)
{
	if (sdp == NULL || i >= sdp->nmedia)
		return NULL;
	return &sdp->media[i];
}

unsigned int
cp_sdp_media_count(const struct cp_sdp *sdp)
{
	return sdp != NULL ? sdp->nmedia : 0;
}

const struct cp_sdp_media *
cp_sdp_media(const struct cp_sdp *sdp, unsigned int i)
{
	return media_at(sdp, i);
}

const struct cp_sdp_origin_info *
cp_sdp_origin(const struct cp_sdp *sdp)
{
	return sdp != NULL ? &sdp->origin : NULL;
}

bool
cp_sdp_ice_lite(const struct cp_sdp *sdp)
{
	return sdp != NULL && sdp->ice_lite;
}

bool
cp_sdp_has_ice(const struct cp_sdp *sdp)
{
	return sdp != NULL && sdp->ice_any;
}

const struct cp_sdp_conn *
cp_sdp_conn(const struct cp_sdp *sdp, unsigned int i)
{
	const struct cp_sdp_media *m = media_at(sdp, i);

	if (m == NULL)
		return NULL;
	/* RFC 8866 5.7: the media-level c= overrides the session's. */
	if (m->conn.set)
		return &m->conn;
	return sdp->conn.set ? &sdp->conn : NULL;
}

bool
cp_sdp_rejected(const struct cp_sdp *sdp, unsigned int i)
{
	const struct cp_sdp_media *m = media_at(sdp, i);

	return m == NULL || m->port == 0;
}

bool
cp_sdp_rtcp_mux(const struct cp_sdp *sdp, unsigned int i)
{
	const struct cp_sdp_media *m = media_at(sdp, i);

	return m != NULL && m->rtcp_mux;
}

int
cp_sdp_remote(const struct cp_sdp *sdp, unsigned int i, struct sa *rtp,
	      struct sa *rtcp)
{
	const struct cp_sdp_media *m = media_at(sdp, i);
	const struct cp_sdp_conn *c = cp_sdp_conn(sdp, i);

	if (m == NULL || m->port == 0 || c == NULL || c->unspec)
		return ENOENT;
	if (rtp != NULL) {
		*rtp = c->addr;
		sa_set_port(rtp, m->port);
	}
	if (rtcp == NULL)
		return 0;
	*rtcp = c->addr;
	if (m->rtcp_mux) {
		/* RFC 5761 5.1.3: muxed, RTCP goes to the RTP port; an
		 * offer's a=rtcp is the fallback without mux. */
		sa_set_port(rtcp, m->port);
	} else if (m->rtcp) {
		/* RFC 3605 2.1: the address defaults to the stream's. */
		*rtcp = m->rtcp_conn.set ? m->rtcp_conn.addr : c->addr;
		sa_set_port(rtcp, m->rtcp_port);
	} else {
		/* RFC 3550 11: the next port (65535 has none: left 0). */
		sa_set_port(rtcp,
			    m->port < 65535 ? (uint16_t)(m->port + 1) : 0);
	}
	return 0;
}

enum cp_sdp_dir
cp_sdp_dir(const struct cp_sdp *sdp, unsigned int i)
{
	const struct cp_sdp_media *m = media_at(sdp, i);

	if (m == NULL)
		return CP_SDP_INACTIVE;
	if (m->has_dir)
		return m->dir;
	return sdp->has_dir ? sdp->dir : CP_SDP_SENDRECV;
}

enum cp_sdp_dir
cp_sdp_dir_eff(const struct cp_sdp *sdp, unsigned int i)
{
	const struct cp_sdp_conn *c = cp_sdp_conn(sdp, i);
	enum cp_sdp_dir d = cp_sdp_dir(sdp, i);

	if (c == NULL || !c->unspec)
		return d;
	/* RFC 3264 8.4: c=0.0.0.0 (RFC 2543 hold): neither RTP nor RTCP is
	 * to be sent to it; it may still send. */
	switch (d) {
	case CP_SDP_SENDRECV:
	case CP_SDP_SENDONLY:
		return CP_SDP_SENDONLY;
	case CP_SDP_RECVONLY:
	case CP_SDP_INACTIVE:
		return CP_SDP_INACTIVE;
	}
	return CP_SDP_INACTIVE;
}

bool
cp_sdp_held(const struct cp_sdp *sdp, unsigned int i)
{
	enum cp_sdp_dir d = cp_sdp_dir_eff(sdp, i);

	return d == CP_SDP_SENDONLY || d == CP_SDP_INACTIVE;
}

uint32_t
cp_sdp_clock_hz(const struct cp_sdp *sdp, unsigned int i)
{
	const struct cp_sdp_media *m = media_at(sdp, i);

	if (m == NULL || !m->rtp || m->nfmt == 0 || m->pts == NULL)
		return 0;
	return m->pts[0].clock_hz;
}

const char *
cp_sdp_dir_name(enum cp_sdp_dir dir)
{
	switch (dir) {
	case CP_SDP_SENDRECV:
		return "sendrecv";
	case CP_SDP_SENDONLY:
		return "sendonly";
	case CP_SDP_RECVONLY:
		return "recvonly";
	case CP_SDP_INACTIVE:
		return "inactive";
	}
	return "inactive";
}
