/* SPDX-License-Identifier: GPL-2.0 */
/*
 * json.h: a small, strict JSON reader for the guest tests, so that the
 * tool's --json output is checked as parsed data, not with grep.
 *
 * It builds a tree; that is fine for tests.  Integers are kept exactly
 * as uint64_t (counts up to 2^64), with the sign kept apart, because a
 * double would round them.  Anything that is not one valid JSON document
 * (trailing garbage, a bad escape, a lone surrogate, control characters
 * in strings, duplicate keys) is an error: the tool promises valid JSON.
 */
#ifndef PT_JSON_H
#define PT_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum json_type { JSON_NULL, JSON_BOOL, JSON_NUM, JSON_STR, JSON_ARR, JSON_OBJ };

struct json {
	enum json_type type;
	bool b;			/* JSON_BOOL */
	bool is_int;		/* JSON_NUM: an integer (no '.', no exponent) */
	bool neg;		/* JSON_NUM: negative integer */
	uint64_t u;		/* JSON_NUM: integer magnitude */
	double d;		/* JSON_NUM: value as a double */
	char *s;		/* JSON_STR: UTF-8, NUL-terminated */
	char *key;		/* member of an object: its key */
	struct json **items;	/* JSON_ARR, JSON_OBJ */
	size_t n;
};

/* NULL on error, with *err set to a static reason and *at to the offset. */
struct json *json_parse(const char *text, const char **err, size_t *at);
void json_free(struct json *j);

/* Lookups return NULL when the key or index is missing or j is not the
 * right kind of container. */
const struct json *json_get(const struct json *obj, const char *key);
const struct json *json_at(const struct json *arr, size_t i);
size_t json_len(const struct json *j);

bool json_is(const struct json *j, enum json_type t);
bool json_is_uint(const struct json *j);	/* non-negative integer */
/* Integer value of a non-negative integer; 0 otherwise. */
uint64_t json_u64(const struct json *j);
/* Signed integer (diff fields); 0 if not an integer. */
int64_t json_s64(const struct json *j);
/* "0x..." hex string to a number; false if j is not one. */
bool json_hex(const struct json *j, uint64_t *v);
const char *json_str(const struct json *j);	/* NULL if not a string */
/* Boolean value; false if not a boolean. */
bool json_true(const struct json *j);

/* Shorthands for a.b.c paths of object keys (no arrays). */
const struct json *json_path(const struct json *j, const char *dotted);

#endif /* PT_JSON_H */
