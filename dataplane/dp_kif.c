/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The kernel side of an exception interface: its addresses and routes,
 * set over rtnetlink (what `ip addr add` / `ip route add` do). Main lcore,
 * at start and on IF_ADDR / IF_GW commands; never on the fast path.
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

static int
route_default(int ifindex, int family, uint32_t metric, bool add)
{
	struct nl_req r;
	uint32_t oif = (uint32_t)ifindex;
	int err;

	memset(&r, 0, sizeof(r));
	r.nh.nlmsg_len = NLMSG_LENGTH(sizeof(struct rtmsg));
	r.nh.nlmsg_type = add ? RTM_NEWROUTE : RTM_DELROUTE;
	r.nh.nlmsg_flags = add ? NLM_F_CREATE | NLM_F_REPLACE : 0;
	r.u.rt.rtm_family = (uint8_t)family;
	r.u.rt.rtm_table = RT_TABLE_MAIN;
	r.u.rt.rtm_protocol = RTPROT_STATIC;
	/* On a tun there is no gateway to name: the dataplane picks the
	 * configured one. */
	r.u.rt.rtm_scope =
		family == AF_INET ? RT_SCOPE_LINK : RT_SCOPE_UNIVERSE;
	r.u.rt.rtm_type = RTN_UNICAST;
	err = nl_attr(&r, RTA_OIF, &oif, sizeof(oif));
	/* NLM_F_REPLACE matches on prefix and metric: a route of its own
	 * metric replaces no other interface's default route */
	if (!err && metric != 0)
		err = nl_attr(&r, RTA_PRIORITY, &metric, sizeof(metric));
	if (err)
		return err;
	return nl_talk(&r);
}

int
dp_kif_route_default(int ifindex, int family)
{
	return route_default(ifindex, family, 0, true);
}

int
dp_kif_route_default_metric(int ifindex, int family, uint32_t metric, bool add)
{
	int err = route_default(ifindex, family, metric, add);

	return !add && err == -ESRCH ? 0 : err;
}

int
dp_kif_route_default_del(int ifindex, int family)
{
	int err = route_default(ifindex, family, 0, false);

	/* no such route: what was asked for */
	return err == -ESRCH ? 0 : err;
}

/*
 * Ask the kernel how it routes addr (what `ip route get` does): 1 if as
 * local, the route that delivers to its own stack, 0 if not (yet), or
 * -errno.
 */
static int
route_is_local(int fd, int family, const void *addr)
{
	struct nl_req r;
	char buf[4096];
	struct nlmsghdr *nh;
	struct rtmsg *rt;
	ssize_t n;
	int err;

	memset(&r, 0, sizeof(r));
	r.nh.nlmsg_len = NLMSG_LENGTH(sizeof(struct rtmsg));
	r.nh.nlmsg_type = RTM_GETROUTE;
	r.nh.nlmsg_flags = NLM_F_REQUEST;
	r.u.rt.rtm_family = (uint8_t)family;
	r.u.rt.rtm_dst_len = family == AF_INET ? 32 : 128;
	err = nl_attr(&r, RTA_DST, addr, family == AF_INET ? 4 : 16);
	if (err)
		return err;
	if (send(fd, &r, r.nh.nlmsg_len, 0) < 0)
		return -errno;
	n = recv(fd, buf, sizeof(buf), 0);
	if (n < 0)
		return -errno;
	for (nh = (struct nlmsghdr *)buf; NLMSG_OK(nh, (size_t)n);
	     nh = NLMSG_NEXT(nh, n)) {
		if (nh->nlmsg_type == NLMSG_ERROR) {
			err = ((struct nlmsgerr *)NLMSG_DATA(nh))->error;
			/* no route at all yet: not local either */
			if (err == -ENETUNREACH || err == -EHOSTUNREACH)
				return 0;
			return err < 0 ? err : -EIO;
		}
		if (nh->nlmsg_type != RTM_NEWROUTE)
			continue;
		rt = NLMSG_DATA(nh);
		return rt->rtm_type == RTN_LOCAL;
	}
	return -EIO;
}

/*
 * The kernel answers for an address (ICMP port unreachable, TCP RST...)
 * only once its local route is in the local table. For IPv4 that route is
 * inserted before RTM_NEWADDR is acknowledged; for IPv6 it is not: even a
 * nodad address, never tentative, gets its local route from the kernel's
 * DAD work item (addrconf_dad_work -> addrconf_dad_completed), run from a
 * workqueue some time after the acknowledgement (milliseconds on a busy
 * host). Until then the kernel routes packets to the address with the
 * prefix route, i.e. forwards them, and with forwarding off drops them
 * (Ip6InAddrErrors). Poll, a bounded time, until the route is there.
 */
static uint64_t
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

int
dp_kif_wait_local(int family, const void *addr, unsigned int timeout_ms)
{
	struct timespec ts = {0, 1000000};
	uint64_t deadline = mono_ms() + timeout_ms;
	int fd, rc;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0)
		return -errno;
	for (;;) {
		rc = route_is_local(fd, family, addr);
		if (rc != 0 || mono_ms() >= deadline)
			break;
		nanosleep(&ts, NULL);
	}
	close(fd);
	if (rc < 0)
		return rc;
	return rc == 0 ? -ETIMEDOUT : 0;
}
