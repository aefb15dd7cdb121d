/* SPDX-License-Identifier: BSD-3-Clause */
/* The per-port fields shown by esgctl stats, listed once for the text and
 * the JSON output (esgctl_stats.c, esgctl_stats_json.c). */
#ifndef ESGCTL_FIELDS_H
#define ESGCTL_FIELDS_H

#include "esgctl.h"

/* X(key shown, struct dp_stats_port field) */
#define HW_LIST(X)                                                             \
	X(ipackets, hw_ipackets)                                               \
	X(opackets, hw_opackets)                                               \
	X(ibytes, hw_ibytes)                                                   \
	X(obytes, hw_obytes)                                                   \
	X(imissed, hw_imissed)                                                 \
	X(ierrors, hw_ierrors)                                                 \
	X(oerrors, hw_oerrors)                                                 \
	X(rx_nombuf, hw_rx_nombuf)

#define SW_LIST(X)                                                             \
	X(rx_pkts)                                                             \
	X(rx_bytes)                                                            \
	X(tx_pkts)                                                             \
	X(tx_bytes)                                                            \
	X(drops)

/* Per-port software counters summed over every lcore block. */
struct esgctl_sw_sum {
#define SW_FIELD(f) uint64_t f;
	SW_LIST(SW_FIELD)
#undef SW_FIELD
};

static inline void
esgctl_sw_sum(const struct dp_stats_port *p, struct esgctl_sw_sum *sum)
{
	unsigned int l;

#define SW_ZERO(f) sum->f = 0;
	SW_LIST(SW_ZERO)
#undef SW_ZERO
	for (l = 0; l < DP_MAX_LCORES; l++) {
#define SW_ADD(f) sum->f += p->lcore[l].f;
		SW_LIST(SW_ADD)
#undef SW_ADD
	}
}

void esgctl_mac_str(const uint8_t *m, char *buf, size_t len);
const char *esgctl_state_name(uint32_t state);

#endif
