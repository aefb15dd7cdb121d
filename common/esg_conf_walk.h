/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Walking a JSON document with the path kept for error messages: the
 * helpers under the configuration loader (esg_conf.c). Each getter leaves
 * the output alone when the key is absent and returns 0 or EINVAL with
 * "path: reason" written to the error buffer.
 */
#ifndef ESG_CONF_WALK_H
#define ESG_CONF_WALK_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

struct walk {
	char path[160];
	char *err; /* ESG_CONF_ERR_LEN bytes */
};

int esg_conf_fail(struct walk *w, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
size_t esg_conf_path_push(struct walk *w, const char *key, int idx);
void esg_conf_path_pop(struct walk *w, size_t old);
const char *esg_conf_json_kind(const json_t *v);
int esg_conf_check_keys(struct walk *w, json_t *obj,
			const char *const *allowed);
int esg_conf_get_uint(struct walk *w, json_t *obj, const char *key,
		      unsigned int min, unsigned int max, unsigned int *out);
/* A bounded integer key stored at offset off of a struct. */
struct esg_conf_uint_key {
	const char *key;
	unsigned int min;
	unsigned int max;
	size_t off;
};
/* get_uint for every key of a table ({NULL} ends it), into base. */
int esg_conf_get_uints(struct walk *w, json_t *obj, void *base,
		       const struct esg_conf_uint_key *keys);
int esg_conf_get_bool(struct walk *w, json_t *obj, const char *key, bool *out);
int esg_conf_get_str(struct walk *w, json_t *obj, const char *key, char *out,
		     size_t len, bool required);

/* Short names inside the loader. */
#define fail esg_conf_fail
#define path_push esg_conf_path_push
#define path_pop esg_conf_path_pop
#define json_kind esg_conf_json_kind
#define check_keys esg_conf_check_keys
#define get_uint esg_conf_get_uint
#define get_uints esg_conf_get_uints
#define get_bool esg_conf_get_bool
#define get_str esg_conf_get_str

#endif
