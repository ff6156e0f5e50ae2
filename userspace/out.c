// SPDX-License-Identifier: GPL-2.0
/*
 * out.c: the text and JSON writer behind every command's output.
 *
 * Commands describe values once (key, label, value); this file decides
 * how they look.  JSON goes straight to the stream, so a walk of a huge
 * process costs constant memory.  Text is either "label: value" lines or
 * table rows whose columns are fixed in advance, because a streamed
 * table cannot measure its rows before printing them.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "out.h"

/* What a container open did in text mode, so its close can undo it. */
enum text_act {
	TEXT_NONE,
	TEXT_INDENT,
	TEXT_HIDDEN,
	TEXT_TABLE,
	TEXT_ROW,
};

void out_init(struct out *o, FILE *f, bool json)
{
	memset(o, 0, sizeof(*o));
	o->f = f;
	o->json = json;
	o->label_width = 20;
	o->addr_digits = 12;
}

int out_finish(struct out *o)
{
	if (fflush(o->f) || ferror(o->f))
		return errno ? -errno : -EIO;
	return 0;
}

/*
 * Bytes of the UTF-8 sequence at s; *ok says whether it is valid.  An
 * invalid one is its "maximal subpart" (Unicode, chapter 3): the lead
 * byte and the continuation bytes that still fit, so it maps to one
 * U+FFFD exactly as Python's decode(errors="replace") and browsers do.
 * Overlong forms, surrogates and code points above U+10FFFF are invalid.
 * s is NUL-terminated and NUL is never a continuation byte, so this
 * never reads past the end.
 */
static size_t utf8_len(const unsigned char *s, bool *ok)
{
	unsigned char c = s[0];
	unsigned char lo = 0x80, hi = 0xbf;
	size_t n, i;

	*ok = false;
	if (c < 0x80) {
		*ok = true;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf)
		n = 2;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4;
	else
		return 1;

	if (c == 0xe0)
		lo = 0xa0;
	else if (c == 0xed)
		hi = 0x9f;
	else if (c == 0xf0)
		lo = 0x90;
	else if (c == 0xf4)
		hi = 0x8f;

	for (i = 1; i < n; i++) {
		if (s[i] < lo || s[i] > hi)
			return i;
		lo = 0x80;
		hi = 0xbf;
	}
	*ok = true;
	return n;
}

/*
 * Paths are bytes, JSON is UTF-8: each invalid sequence becomes U+FFFD,
 * which every JSON parser accepts, rather than a lone-surrogate escape
 * that some parsers choke on.
 */
void json_write_string(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n;
	bool ok;

	putc('"', f);
	while (*p) {
		switch (*p) {
		case '"':
			fputs("\\\"", f);
			break;
		case '\\':
			fputs("\\\\", f);
			break;
		case '\b':
			fputs("\\b", f);
			break;
		case '\f':
			fputs("\\f", f);
			break;
		case '\n':
			fputs("\\n", f);
			break;
		case '\r':
			fputs("\\r", f);
			break;
		case '\t':
			fputs("\\t", f);
			break;
		default:
			if (*p < 0x20) {
				fprintf(f, "\\u%04x", *p);
				break;
			}
			n = utf8_len(p, &ok);
			if (ok)
				fwrite(p, 1, n, f);
			else
				fputs("\\ufffd", f);
			p += n;
			continue;
		}
		p++;
	}
	putc('"', f);
}

/*
 * Binary units, as ptdump prints them.  Exact multiples print bare
 * ("4K", "2M"); others keep one decimal below 10 ("1.5K") and round
 * half up to whole units above ("11K").
 */
int format_size(char *buf, size_t len, uint64_t bytes)
{
	static const char units[] = "KMGT";
	unsigned int u = 0;
	uint64_t unit = 1024, q, r, tenths;

	if (bytes < 1024)
		return snprintf(buf, len, "%" PRIu64 "B", bytes);
	while (u < sizeof(units) - 2 && bytes / unit >= 1024) {
		unit <<= 10;
		u++;
	}
	q = bytes / unit;
	r = bytes % unit;
	if (!r)
		return snprintf(buf, len, "%" PRIu64 "%c", q, units[u]);

	tenths = q * 10 + (r * 10 + unit / 2) / unit;
	if (tenths < 100)
		return snprintf(buf, len, "%" PRIu64 ".%" PRIu64 "%c",
				tenths / 10, tenths % 10, units[u]);

	q += r >= unit / 2;
	if (q == 1024 && u < sizeof(units) - 2)
		return snprintf(buf, len, "1.0%c", units[u + 1]);
	return snprintf(buf, len, "%" PRIu64 "%c", q, units[u]);
}

static void json_prefix(struct out *o, const char *key)
{
	int d = o->depth;

	/* Top-level values are separate documents, one per line. */
	if (d > 0 && o->need_comma[d])
		putc(',', o->f);
	o->need_comma[d] = true;
	if (d > 0 && !o->in_array[d] && key) {
		json_write_string(o->f, key);
		putc(':', o->f);
	}
}

static void push(struct out *o, bool array, enum text_act act)
{
	/* Nesting this deep is a bug in a command, not a user error. */
	if (o->depth + 1 >= OUT_MAX_DEPTH)
		abort();
	o->depth++;
	o->need_comma[o->depth] = false;
	o->in_array[o->depth] = array;
	o->text_act[o->depth] = act;
	if (act == TEXT_HIDDEN)
		o->hidden++;
}

static enum text_act pop(struct out *o)
{
	enum text_act act;

	if (o->depth == 0)	/* a close without an open: a bug */
		abort();
	act = o->text_act[o->depth];
	if (act == TEXT_HIDDEN)
		o->hidden--;
	o->depth--;
	return act;
}

static void json_open(struct out *o, const char *key, char c)
{
	json_prefix(o, key);
	/* One array element per line keeps huge dumps greppable. */
	if (c == '{' && o->in_array[o->depth])
		putc('\n', o->f);
	putc(c, o->f);
}

static void json_close(struct out *o, char c)
{
	putc(c, o->f);
	if (o->depth == 0)
		putc('\n', o->f);
}

void out_obj_open(struct out *o, const char *key, const char *label)
{
	enum text_act act = TEXT_NONE;

	if (o->json) {
		json_open(o, key, '{');
	} else if (o->hidden || o->in_row || (o->depth > 0 && !label)) {
		act = TEXT_HIDDEN;
	} else if (label) {
		fprintf(o->f, "%*s%s:\n", o->indent, "", label);
		o->indent += 2;
		act = TEXT_INDENT;
	}
	push(o, false, act);
}

void out_obj_close(struct out *o)
{
	if (pop(o) == TEXT_INDENT)
		o->indent -= 2;
	if (o->json)
		json_close(o, '}');
}

void out_arr_open(struct out *o, const char *key)
{
	if (o->json)
		json_open(o, key, '[');
	push(o, true, TEXT_HIDDEN);
}

void out_arr_close(struct out *o)
{
	pop(o);
	if (o->json)
		json_close(o, ']');
}

/* Text only: a blank line between sections. */
void out_blank(struct out *o)
{
	if (!o->json && !o->hidden)
		putc('\n', o->f);
}

/*
 * One text cell.  Separators and left-aligned padding are owed, not
 * printed, until something visible follows, so rows never end in blanks.
 */
static void text_cell(struct out *o, const struct out_col *col,
		      const char *val, bool first)
{
	int len = (int)strlen(val);

	if (!first)
		o->row_pad++;
	if (!col->left && col->width) {
		fprintf(o->f, "%*s%*s", o->row_pad, "", col->width, val);
		o->row_pad = 0;
		return;
	}
	if (len) {
		fprintf(o->f, "%*s%s", o->row_pad, "", val);
		o->row_pad = 0;
	}
	if (col->width > len)
		o->row_pad += col->width - len;
}

static void text_header(struct out *o, const struct out_col *cols,
			unsigned int ncols)
{
	unsigned int i;

	o->row_pad = 0;
	for (i = 0; i < ncols; i++)
		text_cell(o, &cols[i], cols[i].head, i == 0);
	putc('\n', o->f);
}

void out_table_open(struct out *o, const char *key,
		    const struct out_col *cols, unsigned int ncols)
{
	enum text_act act = TEXT_NONE;

	if (o->json) {
		json_open(o, key, '[');
	} else if (o->hidden || o->in_row) {
		act = TEXT_HIDDEN;
	} else {
		text_header(o, cols, ncols);
		act = TEXT_TABLE;
	}
	push(o, true, act);
	if (act != TEXT_HIDDEN) {
		o->cols = cols;
		o->ncols = ncols;
	}
}

void out_table_close(struct out *o)
{
	if (pop(o) != TEXT_HIDDEN) {
		o->cols = NULL;
		o->ncols = 0;
	}
	if (o->json)
		json_close(o, ']');
}

void out_row_open(struct out *o)
{
	bool hidden = !o->json && (o->hidden || !o->cols);

	if (o->json)
		json_open(o, NULL, '{');
	push(o, false, hidden ? TEXT_HIDDEN : TEXT_ROW);
	if (hidden)
		return;
	o->in_row = true;
	o->next_col = 0;
	o->row_pad = 0;
}

void out_row_close(struct out *o)
{
	enum text_act act = pop(o);

	if (o->json)
		json_close(o, '}');
	else if (act == TEXT_ROW)
		putc('\n', o->f);
	if (act == TEXT_ROW)
		o->in_row = false;
}

static void text_label_line(struct out *o, const char *label,
			    const char *val)
{
	int pad = o->label_width - o->indent - (int)strlen(label) - 1;

	fprintf(o->f, "%*s%s:%*s%s\n", o->indent, "", label,
		pad > 1 ? pad : 1, "", val);
}

/* Text side of every show_*(): a key/value line or a table cell. */
static void text_value(struct out *o, const char *key, const char *label,
		       const char *val)
{
	unsigned int i;

	if (o->hidden)
		return;
	if (!o->in_row) {
		if (label)
			text_label_line(o, label, val);
		return;
	}
	for (i = 0; i < o->ncols; i++)
		if (key && !strcmp(o->cols[i].key, key))
			break;
	if (i == o->ncols)
		return;
	/* A skipped column still gets a cell, or the rest would shift. */
	while (o->next_col < i) {
		text_cell(o, &o->cols[o->next_col], "-", o->next_col == 0);
		o->next_col++;
	}
	text_cell(o, &o->cols[i], val, o->next_col == 0);
	o->next_col = i + 1;
}

void show_str(struct out *o, const char *key, const char *label,
	      const char *s)
{
	if (!s) {
		show_null(o, key, label);
		return;
	}
	if (o->json) {
		json_prefix(o, key);
		json_write_string(o->f, s);
		return;
	}
	text_value(o, key, label, s);
}

void show_u64(struct out *o, const char *key, const char *label,
	      uint64_t v)
{
	char buf[24];

	if (o->json) {
		json_prefix(o, key);
		fprintf(o->f, "%" PRIu64, v);
		return;
	}
	snprintf(buf, sizeof(buf), "%" PRIu64, v);
	text_value(o, key, label, buf);
}

void show_s64(struct out *o, const char *key, const char *label,
	      int64_t v)
{
	char buf[24];

	if (o->json) {
		json_prefix(o, key);
		fprintf(o->f, "%" PRId64, v);
		return;
	}
	snprintf(buf, sizeof(buf), "%" PRId64, v);
	text_value(o, key, label, buf);
}

void show_addr(struct out *o, const char *key, const char *label,
	       uint64_t v)
{
	char buf[24];

	if (o->json) {
		json_prefix(o, key);
		fprintf(o->f, "\"0x%" PRIx64 "\"", v);
		return;
	}
	snprintf(buf, sizeof(buf), "0x%0*" PRIx64, o->addr_digits, v);
	text_value(o, key, label, buf);
}

void show_hex(struct out *o, const char *key, const char *label,
	      uint64_t v)
{
	char buf[24];

	if (o->json) {
		json_prefix(o, key);
		fprintf(o->f, "\"0x%" PRIx64 "\"", v);
		return;
	}
	snprintf(buf, sizeof(buf), "0x%016" PRIx64, v);
	text_value(o, key, label, buf);
}

void show_size(struct out *o, const char *key, const char *label,
	       uint64_t bytes)
{
	char buf[OUT_SIZE_BUF];

	if (o->json) {
		json_prefix(o, key);
		fprintf(o->f, "%" PRIu64, bytes);
		return;
	}
	format_size(buf, sizeof(buf), bytes);
	text_value(o, key, label, buf);
}

void show_bool(struct out *o, const char *key, const char *label, bool v)
{
	if (o->json) {
		json_prefix(o, key);
		fputs(v ? "true" : "false", o->f);
		return;
	}
	text_value(o, key, label, v ? "yes" : "no");
}

void show_null(struct out *o, const char *key, const char *label)
{
	if (o->json) {
		json_prefix(o, key);
		fputs("null", o->f);
		return;
	}
	text_value(o, key, label, "-");
}

void show_text(struct out *o, const char *key, const char *label,
	       const char *s)
{
	if (!o->json)
		text_value(o, key, label, s);
}
