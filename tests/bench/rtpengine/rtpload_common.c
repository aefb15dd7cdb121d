/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Shared parts of esg-bench-rtpload: the streams file, the packet socket,
 * checksums, CPU accounting from /proc. See rtpload.h.
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "rtpload.h"

uint64_t
rtpload_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

int
rtpload_pin(int cpu)
{
	cpu_set_t set;

	if (cpu < 0)
		return 0;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set) != 0)
		return -errno;
	return 0;
}

static int
addr_parse(const char *ip, const char *port, struct rtpload_addr *a)
{
	char *end;
	unsigned long p;

	memset(a, 0, sizeof(*a));
	if (inet_pton(AF_INET, ip, a->ip) == 1)
		a->family = AF_INET;
	else if (inet_pton(AF_INET6, ip, a->ip) == 1)
		a->family = AF_INET6;
	else
		return -EINVAL;
	errno = 0;
	p = strtoul(port, &end, 10);
	if (errno != 0 || *end != '\0' || p == 0 || p > 65535)
		return -EINVAL;
	a->port = (uint16_t)p;
	return 0;
}

int
rtpload_streams_read(const char *path, struct rtpload_stream **sp, uint32_t *np,
		     char *why, size_t whylen)
{
	struct rtpload_stream *s = NULL;
	uint32_t n = 0, cap = 0;
	char line[512];
	unsigned int lineno = 0;
	int err = 0;
	FILE *f;

	f = fopen(path, "r");
	if (f == NULL) {
		err = -errno;
		snprintf(why, whylen, "%s: %s", path, strerror(errno));
		return err;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		char id[32], sip[64], sp_[16], rip[64], rp[16], dip[64], dp[16];
		char extra[2];
		struct rtpload_stream *st;

		lineno++;
		if (line[0] == '#' || line[0] == '\n')
			continue;
		if (sscanf(line, "%31s %63s %15s %63s %15s %63s %15s %1s", id,
			   sip, sp_, rip, rp, dip, dp, extra) != 7) {
			snprintf(why, whylen, "%s:%u: want 7 fields", path,
				 lineno);
			err = -EINVAL;
			goto out;
		}
		if (n == RTPLOAD_MAX_STREAMS) {
			snprintf(why, whylen, "%s: more than %u streams", path,
				 RTPLOAD_MAX_STREAMS);
			err = -E2BIG;
			goto out;
		}
		if (n == cap) {
			uint32_t ncap = cap ? cap * 2 : 1024;
			void *p = realloc(s, ncap * sizeof(*s));

			if (p == NULL) {
				err = -ENOMEM;
				snprintf(why, whylen, "out of memory");
				goto out;
			}
			s = p;
			cap = ncap;
		}
		st = &s[n];
		if (strtoul(id, NULL, 10) != n ||
		    addr_parse(sip, sp_, &st->src) != 0 ||
		    addr_parse(rip, rp, &st->relay) != 0 ||
		    addr_parse(dip, dp, &st->dst) != 0 ||
		    st->src.family != st->relay.family) {
			snprintf(why, whylen,
				 "%s:%u: bad stream (id must be %u; addresses, "
				 "ports 1..65535; src and relay one family)",
				 path, lineno, n);
			err = -EINVAL;
			goto out;
		}
		st->id = n++;
	}
	if (n == 0) {
		snprintf(why, whylen, "%s: no streams", path);
		err = -EINVAL;
	}
out:
	fclose(f);
	if (err != 0) {
		free(s);
		return err;
	}
	*sp = s;
	*np = n;
	return 0;
}

int
rtpload_parse_mac(const char *s, uint8_t *mac)
{
	unsigned int b[6];
	char extra;
	int i;

	if (sscanf(s, "%x:%x:%x:%x:%x:%x%c", &b[0], &b[1], &b[2], &b[3], &b[4],
		   &b[5], &extra) != 6)
		return -EINVAL;
	for (i = 0; i < 6; i++) {
		if (b[i] > 0xff)
			return -EINVAL;
		mac[i] = (uint8_t)b[i];
	}
	return 0;
}

int
rtpload_packet_socket(const char *ifname, int *ifindexp, uint8_t *mac)
{
	struct sockaddr_ll sll;
	struct ifreq ifr;
	int fd, err;

	if (strlen(ifname) >= IFNAMSIZ)
		return -ENAMETOOLONG;
	fd = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));
	if (fd < 0)
		return -errno;
	memset(&ifr, 0, sizeof(ifr));
	memcpy(ifr.ifr_name, ifname, strlen(ifname));
	if (ioctl(fd, SIOCGIFINDEX, &ifr) != 0)
		goto fail;
	*ifindexp = ifr.ifr_ifindex;
	if (ioctl(fd, SIOCGIFHWADDR, &ifr) != 0)
		goto fail;
	memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_protocol = htons(ETH_P_ALL);
	sll.sll_ifindex = *ifindexp;
	if (bind(fd, (struct sockaddr *)&sll, sizeof(sll)) != 0)
		goto fail;
	return fd;
fail:
	err = -errno;
	close(fd);
	return err;
}

uint32_t
rtpload_csum_add(uint32_t sum, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	while (len > 1) {
		sum += (uint32_t)(p[0] << 8 | p[1]);
		p += 2;
		len -= 2;
	}
	if (len)
		sum += (uint32_t)(p[0] << 8);
	return sum;
}

uint16_t
rtpload_csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

/* The sum over the process's threads of the time each spent on a CPU
 * (the first field of /proc/PID/task/TID/schedstat, nanoseconds; it
 * includes softirq work done while the thread was current). utime and
 * stime of /proc/PID/stat are tick samples scaled to keep them monotonic
 * and can stand still for a second under a shifting user/system mix. */
double
rtpload_proc_cpu_s(int pid)
{
	char path[96];
	unsigned long long ns, sum = 0;
	struct dirent *de;
	DIR *d;

	snprintf(path, sizeof(path), "/proc/%d/task", pid);
	d = opendir(path);
	if (d == NULL)
		return -1;
	while ((de = readdir(d)) != NULL) {
		FILE *f;

		if (de->d_name[0] < '0' || de->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%d/task/%.20s/schedstat",
			 pid, de->d_name);
		f = fopen(path, "r");
		if (f == NULL)
			continue; /* the thread ended */
		if (fscanf(f, "%llu", &ns) == 1)
			sum += ns;
		fclose(f);
	}
	closedir(d);
	return (double)sum / 1e9;
}

int
rtpload_proc_user_sys(int pid, double *userp, double *sysp)
{
	char path[64], buf[1024], *p;
	unsigned long long ut, st;
	long hz = sysconf(_SC_CLK_TCK);
	size_t len;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	f = fopen(path, "r");
	if (f == NULL)
		return -errno;
	len = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[len] = '\0';
	/* The command name (field 2) may hold spaces: count from the last
	 * ')'. utime and stime are fields 14 and 15 (proc(5)). */
	p = strrchr(buf, ')');
	if (p == NULL || hz <= 0 ||
	    sscanf(p + 1,
		   " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu",
		   &ut, &st) != 2)
		return -EINVAL;
	*userp = (double)ut / (double)hz;
	*sysp = (double)st / (double)hz;
	return 0;
}

/* /proc/stat's idle and iowait of a CPU come from the idle loop's own
 * clock on a tickless kernel (NO_HZ): exact. user, system, irq and
 * softirq are tick samples, and a softirq that runs between two idle
 * periods (a relay's receive path on an otherwise idle CPU) is never
 * sampled. So busy = wall time - idle - iowait; the ticks are kept only
 * to compare. */
int
rtpload_cpu_times(int cpu, double *idlep, double *tick_busyp)
{
	unsigned long long v[8] = {0};
	char want[16], line[512];
	long hz = sysconf(_SC_CLK_TCK);
	int found = 0;
	FILE *f;

	snprintf(want, sizeof(want), "cpu%d ", cpu);
	f = fopen("/proc/stat", "r");
	if (f == NULL)
		return -errno;
	while (fgets(line, sizeof(line), f) != NULL) {
		if (strncmp(line, want, strlen(want)) != 0)
			continue;
		/* user nice system idle iowait irq softirq steal ... */
		if (sscanf(line + strlen(want),
			   "%llu %llu %llu %llu %llu %llu %llu %llu", &v[0],
			   &v[1], &v[2], &v[3], &v[4], &v[5], &v[6],
			   &v[7]) == 8)
			found = 1;
		break;
	}
	fclose(f);
	if (!found || hz <= 0)
		return -ENOENT;
	*idlep = (double)(v[3] + v[4]) / (double)hz;
	*tick_busyp = (double)(v[0] + v[1] + v[2] + v[5] + v[6]) / (double)hz;
	return 0;
}
