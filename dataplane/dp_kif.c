/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The kernel side of an exception interface: its addresses and routes,
 * set over rtnetlink (what `ip addr add` / `ip route add` do). Main lcore,
 * at start and on IF_ADDR commands; never on the fast path.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <time.h>

#include <linux/if_addr.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "dp_kif.h"

struct nl_req {
	struct nlmsghdr nh;
	union {
		struct ifaddrmsg ifa;
		struct rtmsg rt;
	} u;
	char attrs[128];
};

static int
nl_attr(struct nl_req *r, uint16_t type, const void *data, size_t len)
{
	struct rtattr *rta;
	size_t off = NLMSG_ALIGN(r->nh.nlmsg_len);

	if (off + RTA_SPACE(len) > sizeof(*r))
		return -ENOSPC;
	rta = (struct rtattr *)((char *)r + off);
	rta->rta_type = type;
	rta->rta_len = (unsigned short)RTA_LENGTH(len);
	memcpy(RTA_DATA(rta), data, len);
	r->nh.nlmsg_len = (uint32_t)(off + RTA_SPACE(len));
	return 0;
}

/* Send one request and wait for its acknowledgement: 0 or -errno. */
static int
nl_talk(struct nl_req *r)
{
	struct sockaddr_nl sa = {.nl_family = AF_NETLINK};
	char buf[4096];
	struct nlmsghdr *nh;
	struct nlmsgerr *e;
	ssize_t n;
	int fd, err = -EIO;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0)
		return -errno;
	r->nh.nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
	r->nh.nlmsg_seq = 1;
	if (sendto(fd, r, r->nh.nlmsg_len, 0, (struct sockaddr *)&sa,
		   sizeof(sa)) < 0) {
		err = -errno;
		goto out;
	}
	n = recv(fd, buf, sizeof(buf), 0);
	if (n < 0) {
		err = -errno;
		goto out;
	}
	for (nh = (struct nlmsghdr *)buf; NLMSG_OK(nh, (size_t)n);
	     nh = NLMSG_NEXT(nh, n)) {
		if (nh->nlmsg_type != NLMSG_ERROR)
			continue;
		e = NLMSG_DATA(nh);
		err = e->error; /* 0 or -errno */
		break;
	}
out:
	close(fd);
	return err;
}

int
dp_kif_addr(int ifindex, bool add, int family, const void *addr, uint8_t plen)
{
	struct nl_req r;
	size_t alen = family == AF_INET ? 4 : 16;
	uint32_t flags = IFA_F_NODAD;
	int err;

	memset(&r, 0, sizeof(r));
	r.nh.nlmsg_len = NLMSG_LENGTH(sizeof(struct ifaddrmsg));
	r.nh.nlmsg_type = add ? RTM_NEWADDR : RTM_DELADDR;
	r.nh.nlmsg_flags = add ? NLM_F_CREATE | NLM_F_REPLACE : 0;
	r.u.ifa.ifa_family = (uint8_t)family;
	r.u.ifa.ifa_prefixlen = plen;
	r.u.ifa.ifa_scope = RT_SCOPE_UNIVERSE;
	r.u.ifa.ifa_index = (uint32_t)ifindex;
	/* The dataplane answers DAD for these addresses on the wire; the
	 * kernel must not run its own on an interface without L2. */
	if (family == AF_INET6)
		r.u.ifa.ifa_flags = IFA_F_NODAD;
	err = nl_attr(&r, IFA_LOCAL, addr, alen);
	if (!err)
		err = nl_attr(&r, IFA_ADDRESS, addr, alen);
	if (!err && family == AF_INET6)
		err = nl_attr(&r, IFA_FLAGS, &flags, sizeof(flags));
	if (err)
		return err;
	return nl_talk(&r);
}

int
dp_kif_route_default(int ifindex, int family)
{
	struct nl_req r;
	uint32_t oif = (uint32_t)ifindex;
	int err;

	memset(&r, 0, sizeof(r));
	r.nh.nlmsg_len = NLMSG_LENGTH(sizeof(struct rtmsg));
	r.nh.nlmsg_type = RTM_NEWROUTE;
	r.nh.nlmsg_flags = NLM_F_CREATE | NLM_F_REPLACE;
	r.u.rt.rtm_family = (uint8_t)family;
	r.u.rt.rtm_table = RT_TABLE_MAIN;
	r.u.rt.rtm_protocol = RTPROT_STATIC;
	/* On a tun there is no gateway to name: the dataplane picks the
	 * configured one. */
	r.u.rt.rtm_scope =
		family == AF_INET ? RT_SCOPE_LINK : RT_SCOPE_UNIVERSE;
	r.u.rt.rtm_type = RTN_UNICAST;
	err = nl_attr(&r, RTA_OIF, &oif, sizeof(oif));
	if (err)
		return err;
	return nl_talk(&r);
}

/* One dump of ifindex's IPv6 addresses: 1 if one is still tentative. */
static int
any_tentative(int fd, int ifindex)
{
	struct {
		struct nlmsghdr nh;
		struct ifaddrmsg ifa;
	} req;
	char buf[8192];
	struct nlmsghdr *nh;
	struct ifaddrmsg *ifa;
	struct rtattr *rta;
	uint32_t flags;
	int len, found = 0;
	ssize_t n;

	memset(&req, 0, sizeof(req));
	req.nh.nlmsg_len = NLMSG_LENGTH(sizeof(req.ifa));
	req.nh.nlmsg_type = RTM_GETADDR;
	req.nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	req.ifa.ifa_family = AF_INET6;
	if (send(fd, &req, req.nh.nlmsg_len, 0) < 0)
		return -errno;
	for (;;) {
		n = recv(fd, buf, sizeof(buf), 0);
		if (n < 0)
			return -errno;
		for (nh = (struct nlmsghdr *)buf; NLMSG_OK(nh, (size_t)n);
		     nh = NLMSG_NEXT(nh, n)) {
			if (nh->nlmsg_type == NLMSG_DONE)
				return found;
			if (nh->nlmsg_type == NLMSG_ERROR)
				return -EIO;
			ifa = NLMSG_DATA(nh);
			if ((int)ifa->ifa_index != ifindex)
				continue;
			flags = ifa->ifa_flags;
			len = (int)IFA_PAYLOAD(nh);
			for (rta = IFA_RTA(ifa); RTA_OK(rta, len);
			     rta = RTA_NEXT(rta, len))
				if (rta->rta_type == IFA_FLAGS)
					memcpy(&flags, RTA_DATA(rta),
					       sizeof(flags));
			if (flags & IFA_F_TENTATIVE)
				found = 1;
		}
	}
}

/*
 * An IPv6 address added while the interface is coming up stays tentative
 * (not local: the kernel drops packets to it) until the kernel has seen
 * the link up, even without DAD. Wait for that, a bounded time, before
 * passing it traffic.
 */
int
dp_kif_wait_ready(int ifindex, unsigned int timeout_ms)
{
	struct timespec ts = {0, 10 * 1000000};
	unsigned int waited;
	int fd, rc = 0;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0)
		return -errno;
	for (waited = 0; waited <= timeout_ms; waited += 10) {
		rc = any_tentative(fd, ifindex);
		if (rc <= 0)
			break;
		nanosleep(&ts, NULL);
	}
	close(fd);
	return rc > 0 ? -ETIMEDOUT : rc;
}
