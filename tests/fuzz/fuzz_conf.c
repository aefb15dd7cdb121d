/* SPDX-License-Identifier: BSD-3-Clause */
/* Fuzz target: the configuration loader takes any bytes without crashing,
 * and either accepts them or names a reason. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "esg_conf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct esg_conf c;
	char err[ESG_CONF_ERR_LEN];
	char *s = malloc(size + 1);

	if (s == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	err[0] = '\0';
	if (esg_conf_parse(s, &c, err) != 0 && err[0] == '\0')
		abort(); /* a refusal must say why */
	free(s);
	return 0;
}
