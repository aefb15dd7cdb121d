/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Fuzz target: the SNMP message reader of the provisioning notification
 * (controlplane/prov/cp_snmp_msg.c, net-snmp's BER parsers behind it) and
 * the INFORM machine fed with the bytes. Any bytes: parsed or refused
 * with a reason; a parsed message is v1 or v2c with a community that
 * fits; the machine, waiting for request-id 1 from "public", either
 * stays waiting (the bytes counted ignored or malformed) or ends exactly
 * when the bytes are that Response.
 * Corpus: tests/fuzz/corpus/prov_snmp (Responses and an INFORM).
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cp_snmp_notify.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct cp_snmp_prov_status st = {.pass = true, .file = "f"};

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct cp_snmp_tx tx;
	struct cp_snmp_tx_out out;
	struct cp_snmp_msg m;
	char err[128] = "";
	bool ours;
	int rc;

	rc = cp_snmp_msg_parse(data, size, &m, err, sizeof(err));
	if (rc != 0 && (rc != EBADMSG || err[0] == '\0'))
		abort();
	if (rc == 0 && ((m.version != 0 && m.version != 1) ||
			strlen(m.community) > CP_SNMP_COMMUNITY_MAX))
		abort();
	ours = rc == 0 && m.version == 1 && m.pdu == 0xa2 && m.reqid == 1 &&
	       strcmp(m.community, "public") == 0;
	if (cp_snmp_tx_init(&tx, &st, CP_SNMP_INFORM_V2C, "public", 1, 100,
			    1) != 0 ||
	    cp_snmp_tx_start(&tx, 0, &out) != 0 ||
	    cp_snmp_tx_recv(&tx, data, size, 1, &out) != 0)
		abort();
	if (ours != (tx.state != CP_SNMP_TX_WAIT))
		abort();
	if (!ours && tx.cnt.ignored + tx.cnt.malformed != 1)
		abort();
	return 0;
}
