/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * esg-bench-rtpload: RTP load generator (gen) and receiver (recv) for the
 * side by side benchmark with rtpengine; tests/bench/rtpengine/run.sh
 * drives both. See rtpload.h.
 */
#include <stdio.h>
#include <string.h>

#include "rtpload.h"

int
main(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "gen") == 0)
		return rtpload_gen_main(argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "recv") == 0)
		return rtpload_recv_main(argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "selftest") == 0)
		return rtpload_selftest_main(argc - 1, argv + 1);
	fprintf(stderr, "usage: %s gen|recv|selftest [options]   (--help)\n",
		argv[0]);
	return 2;
}
