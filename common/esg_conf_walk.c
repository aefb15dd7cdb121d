/* SPDX-License-Identifier: BSD-3-Clause */
/* JSON walking helpers of the configuration loader (esg_conf_walk.h). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "esg_conf.h"
#include "esg_conf_walk.h"

int
esg_conf_fail(struct walk *w, const char *fmt, ...)
{
	va_list ap;
	int n;

	n = snprintf(w->err, ESG_CONF_ERR_LEN,
		     "%s: ", w->path[0] != '\0' ? w->path : "(top)");
	if (n < 0 || n >= ESG_CONF_ERR_LEN)
		return EINVAL;
	va_start(ap, fmt);
	vsnprintf(w->err + n, (size_t)(ESG_CONF_ERR_LEN - n), fmt, ap);
	va_end(ap);
	return EINVAL;
}

/* Append ".key" or "[i]" to the path; returns the old length to restore. */
size_t
esg_conf_path_push(struct walk *w, const char *key, int idx)
{
	size_t old = strlen(w->path);

	if (key != NULL)
		snprintf(w->path + old, sizeof(w->path) - old, "%s%s",
			 old > 0 ? "." : "", key);
	else
		snprintf(w->path + old, sizeof(w->path) - old, "[%d]", idx);
	return old;
}

void
esg_conf_path_pop(struct walk *w, size_t old)
{
	w->path[old] = '\0';
}

const char *
esg_conf_json_kind(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		return "an object";
	case JSON_ARRAY:
		return "an array";
	case JSON_STRING:
		return "a string";
	case JSON_INTEGER:
		return "an integer";
	case JSON_REAL:
		return "a number with a fraction";
	case JSON_TRUE:
	case JSON_FALSE:
		return "a boolean";
	case JSON_NULL:
		return "null";
	}
	return "something else";
}

/* Refuse keys of obj not in allowed (NULL-terminated). */
int
esg_conf_check_keys(struct walk *w, json_t *obj, const char *const *allowed)
{
	const char *key;
	json_t *v;

	json_object_foreach(obj, key, v)
	{
		const char *const *a;

		(void)v;
		for (a = allowed; *a != NULL; a++)
			if (strcmp(*a, key) == 0)
				break;
		if (*a == NULL) {
			size_t old = path_push(w, key, 0);
			int err = fail(w, "unknown key");

			path_pop(w, old);
			return err;
		}
	}
	return 0;
}

int
esg_conf_get_uint(struct walk *w, json_t *obj, const char *key,
		  unsigned int min, unsigned int max, unsigned int *out)
{
	json_t *v = json_object_get(obj, key);
	size_t old;
	int err = 0;

	if (v == NULL)
		return 0;
	old = path_push(w, key, 0);
	if (!json_is_integer(v))
		err = fail(w, "must be an integer, not %s", json_kind(v));
	else if (json_integer_value(v) < (json_int_t)min ||
		 json_integer_value(v) > (json_int_t)max)
		err = fail(w, "%lld is out of range %u..%u",
			   (long long)json_integer_value(v), min, max);
	else
		*out = (unsigned int)json_integer_value(v);
	path_pop(w, old);
	return err;
}

int
esg_conf_get_uints(struct walk *w, json_t *obj, void *base,
		   const struct esg_conf_uint_key *keys)
{
	int err = 0;

	for (; err == 0 && keys->key != NULL; keys++)
		err = get_uint(w, obj, keys->key, keys->min, keys->max,
			       (unsigned int *)((char *)base + keys->off));
	return err;
}

int
esg_conf_get_bool(struct walk *w, json_t *obj, const char *key, bool *out)
{
	json_t *v = json_object_get(obj, key);
	size_t old;
	int err = 0;

	if (v == NULL)
		return 0;
	old = path_push(w, key, 0);
	if (!json_is_boolean(v))
		err = fail(w, "must be true or false, not %s", json_kind(v));
	else
		*out = json_is_true(v);
	path_pop(w, old);
	return err;
}

/* A string of 1..len-1 bytes copied into out. */
int
esg_conf_get_str(struct walk *w, json_t *obj, const char *key, char *out,
		 size_t len, bool required)
{
	json_t *v = json_object_get(obj, key);
	size_t old, n;
	int err = 0;

	old = path_push(w, key, 0);
	if (v == NULL) {
		if (required)
			err = fail(w, "missing (required)");
	} else if (!json_is_string(v)) {
		err = fail(w, "must be a string, not %s", json_kind(v));
	} else if ((n = json_string_length(v)) == 0 || n >= len) {
		err = fail(w, "length %zu is out of range 1..%zu", n, len - 1);
	} else if (memchr(json_string_value(v), '\0', n) != NULL) {
		err = fail(w, "contains a NUL byte");
	} else {
		memcpy(out, json_string_value(v), n + 1);
	}
	path_pop(w, old);
	return err;
}
