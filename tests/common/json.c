// SPDX-License-Identifier: GPL-2.0
/*
 * json.c: the strict JSON reader of json.h (RFC 8259), recursive
 * descent over a NUL-terminated buffer.
 */
#include <stdlib.h>
#include <string.h>

#include "json.h"

#define JSON_MAX_DEPTH	64

struct parser {
	const char *p, *start;
	const char *err;
	int depth;
};

static void skip_ws(struct parser *ps)
{
	while (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' ||
	       *ps->p == '\r')
		ps->p++;
}

static struct json *fail(struct parser *ps, const char *why)
{
	if (!ps->err)
		ps->err = why;
	return NULL;
}

static struct json *new_node(enum json_type t)
{
	struct json *j = calloc(1, sizeof(*j));

	if (!j)
		abort();
	j->type = t;
	return j;
}

static int hex4(const char *p, unsigned int *v)
{
	unsigned int i, x = 0;

	for (i = 0; i < 4; i++) {
		char c = p[i];

		x <<= 4;
		if (c >= '0' && c <= '9')
			x |= c - '0';
		else if (c >= 'a' && c <= 'f')
			x |= c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			x |= c - 'A' + 10;
		else
			return -1;
	}
	*v = x;
	return 0;
}

static size_t put_utf8(char *out, unsigned int cp)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | cp >> 6);
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | cp >> 12);
		out[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | cp >> 18);
	out[1] = (char)(0x80 | (cp >> 12 & 0x3f));
	out[2] = (char)(0x80 | (cp >> 6 & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* A string at ps->p (on the opening quote); returns malloc()ed UTF-8. */
static char *parse_string(struct parser *ps)
{
	const char *p = ps->p + 1, *q;
	char *out, *o;
	unsigned int cp, lo;

	/* The decoded string is never longer than the encoded one. */
	for (q = p; *q && *q != '"'; q++)
		if (*q == '\\' && q[1])
			q++;
	if (!*q) {
		fail(ps, "unterminated string");
		return NULL;
	}
	out = malloc(q - p + 1);
	if (!out)
		abort();
	for (o = out; *p != '"'; ) {
		unsigned char c = (unsigned char)*p;

		if (c < 0x20) {
			free(out);
			fail(ps, "control character in a string");
			return NULL;
		}
		if (c != '\\') {
			*o++ = *p++;
			continue;
		}
		p++;
		switch (*p) {
		case '"': *o++ = '"'; break;
		case '\\': *o++ = '\\'; break;
		case '/': *o++ = '/'; break;
		case 'b': *o++ = '\b'; break;
		case 'f': *o++ = '\f'; break;
		case 'n': *o++ = '\n'; break;
		case 'r': *o++ = '\r'; break;
		case 't': *o++ = '\t'; break;
		case 'u':
			if (hex4(p + 1, &cp))
				goto bad_escape;
			p += 4;
			if (cp >= 0xdc00 && cp <= 0xdfff)
				goto bad_escape;
			if (cp >= 0xd800 && cp <= 0xdbff) {
				if (p[1] != '\\' || p[2] != 'u' ||
				    hex4(p + 3, &lo) || lo < 0xdc00 ||
				    lo > 0xdfff)
					goto bad_escape;
				cp = 0x10000 + ((cp - 0xd800) << 10) +
				     (lo - 0xdc00);
				p += 6;
			}
			o += put_utf8(o, cp);
			break;
		default:
			goto bad_escape;
		}
		p++;
	}
	*o = '\0';
	ps->p = p + 1;
	return out;

bad_escape:
	free(out);
	fail(ps, "bad escape in a string");
	return NULL;
}

static struct json *parse_value(struct parser *ps);

static void add_item(struct json *c, struct json *item, size_t *cap)
{
	if (c->n == *cap) {
		*cap = *cap ? *cap * 2 : 8;
		c->items = realloc(c->items, *cap * sizeof(*c->items));
		if (!c->items)
			abort();
	}
	c->items[c->n++] = item;
}

static struct json *parse_container(struct parser *ps, bool obj)
{
	struct json *c = new_node(obj ? JSON_OBJ : JSON_ARR), *item;
	char close = obj ? '}' : ']';
	size_t cap = 0, i;
	char *key = NULL;

	if (++ps->depth > JSON_MAX_DEPTH) {
		json_free(c);
		return fail(ps, "nested too deep");
	}
	ps->p++;
	skip_ws(ps);
	if (*ps->p == close) {
		ps->p++;
		ps->depth--;
		return c;
	}
	for (;;) {
		skip_ws(ps);
		if (obj) {
			if (*ps->p != '"')
				goto bad;
			key = parse_string(ps);
			if (!key)
				goto bad;
			for (i = 0; i < c->n; i++)
				if (!strcmp(c->items[i]->key, key)) {
					fail(ps, "duplicate key");
					goto bad;
				}
			skip_ws(ps);
			if (*ps->p != ':')
				goto bad;
			ps->p++;
		}
		item = parse_value(ps);
		if (!item)
			goto bad;
		item->key = key;
		key = NULL;
		add_item(c, item, &cap);
		skip_ws(ps);
		if (*ps->p == ',') {
			ps->p++;
			continue;
		}
		if (*ps->p == close) {
			ps->p++;
			ps->depth--;
			return c;
		}
		goto bad;
	}
bad:
	free(key);
	json_free(c);
	return fail(ps, obj ? "malformed object" : "malformed array");
}

static struct json *parse_number(struct parser *ps)
{
	const char *p = ps->p, *digits;
	struct json *j = new_node(JSON_NUM);
	char *end;

	j->is_int = true;
	if (*p == '-') {
		j->neg = true;
		p++;
	}
	digits = p;
	if (*p == '0') {
		p++;
	} else if (*p >= '1' && *p <= '9') {
		while (*p >= '0' && *p <= '9')
			p++;
	} else {
		json_free(j);
		return fail(ps, "bad number");
	}
	if (*p == '.' || *p == 'e' || *p == 'E')
		j->is_int = false;
	if (*p == '.') {
		p++;
		if (*p < '0' || *p > '9') {
			json_free(j);
			return fail(ps, "bad fraction");
		}
		while (*p >= '0' && *p <= '9')
			p++;
	}
	if (*p == 'e' || *p == 'E') {
		p++;
		if (*p == '+' || *p == '-')
			p++;
		if (*p < '0' || *p > '9') {
			json_free(j);
			return fail(ps, "bad exponent");
		}
		while (*p >= '0' && *p <= '9')
			p++;
	}
	j->d = strtod(ps->p, &end);
	if (j->is_int) {
		const char *q;

		for (q = digits; q < p; q++) {
			if (j->u > (UINT64_MAX - (*q - '0')) / 10) {
				json_free(j);
				return fail(ps, "integer beyond 64 bits");
			}
			j->u = j->u * 10 + (*q - '0');
		}
	}
	ps->p = p;
	return j;
}

static struct json *parse_word(struct parser *ps, const char *w,
			       enum json_type t, bool b)
{
	struct json *j;

	if (strncmp(ps->p, w, strlen(w)))
		return fail(ps, "unexpected character");
	ps->p += strlen(w);
	j = new_node(t);
	j->b = b;
	return j;
}

static struct json *parse_value(struct parser *ps)
{
	struct json *j;

	skip_ws(ps);
	switch (*ps->p) {
	case '{':
		return parse_container(ps, true);
	case '[':
		return parse_container(ps, false);
	case '"':
		j = new_node(JSON_STR);
		j->s = parse_string(ps);
		if (!j->s) {
			json_free(j);
			return NULL;
		}
		return j;
	case 't':
		return parse_word(ps, "true", JSON_BOOL, true);
	case 'f':
		return parse_word(ps, "false", JSON_BOOL, false);
	case 'n':
		return parse_word(ps, "null", JSON_NULL, false);
	default:
		return parse_number(ps);
	}
}

struct json *json_parse(const char *text, const char **err, size_t *at)
{
	struct parser ps = { .p = text, .start = text };
	struct json *j = parse_value(&ps);

	if (j) {
		skip_ws(&ps);
		if (*ps.p) {
			json_free(j);
			j = fail(&ps, "trailing characters after the document");
		}
	}
	if (!j) {
		if (err)
			*err = ps.err ? ps.err : "malformed";
		if (at)
			*at = (size_t)(ps.p - text);
	}
	return j;
}

void json_free(struct json *j)
{
	size_t i;

	if (!j)
		return;
	for (i = 0; i < j->n; i++)
		json_free(j->items[i]);
	free(j->items);
	free(j->s);
	free(j->key);
	free(j);
}

const struct json *json_get(const struct json *obj, const char *key)
{
	size_t i;

	if (!obj || obj->type != JSON_OBJ)
		return NULL;
	for (i = 0; i < obj->n; i++)
		if (!strcmp(obj->items[i]->key, key))
			return obj->items[i];
	return NULL;
}

const struct json *json_at(const struct json *arr, size_t i)
{
	if (!arr || arr->type != JSON_ARR || i >= arr->n)
		return NULL;
	return arr->items[i];
}

size_t json_len(const struct json *j)
{
	return j && (j->type == JSON_ARR || j->type == JSON_OBJ) ? j->n : 0;
}

bool json_is(const struct json *j, enum json_type t)
{
	return j && j->type == t;
}

bool json_is_uint(const struct json *j)
{
	return j && j->type == JSON_NUM && j->is_int && (!j->neg || !j->u);
}

uint64_t json_u64(const struct json *j)
{
	return json_is_uint(j) ? j->u : 0;
}

int64_t json_s64(const struct json *j)
{
	if (!j || j->type != JSON_NUM || !j->is_int)
		return 0;
	return j->neg ? -(int64_t)j->u : (int64_t)j->u;
}

bool json_hex(const struct json *j, uint64_t *v)
{
	const char *s = json_str(j);
	uint64_t x = 0;
	int n = 0;

	if (!s || s[0] != '0' || s[1] != 'x' || !s[2])
		return false;
	for (s += 2; *s; s++, n++) {
		int d;

		if (*s >= '0' && *s <= '9')
			d = *s - '0';
		else if (*s >= 'a' && *s <= 'f')
			d = *s - 'a' + 10;
		else
			return false;	/* the tool prints lower case */
		if (n == 16)
			return false;
		x = x << 4 | d;
	}
	*v = x;
	return true;
}

const char *json_str(const struct json *j)
{
	return j && j->type == JSON_STR ? j->s : NULL;
}

bool json_true(const struct json *j)
{
	return j && j->type == JSON_BOOL && j->b;
}

const struct json *json_path(const struct json *j, const char *dotted)
{
	char key[64];
	const char *dot;
	size_t len;

	while (j && *dotted) {
		dot = strchr(dotted, '.');
		len = dot ? (size_t)(dot - dotted) : strlen(dotted);
		if (len >= sizeof(key))
			return NULL;
		memcpy(key, dotted, len);
		key[len] = '\0';
		j = json_get(j, key);
		dotted += len + (dot ? 1 : 0);
	}
	return j;
}
