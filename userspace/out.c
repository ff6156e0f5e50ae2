// SPDX-License-Identifier: GPL-2.0
/*
 * out.c: the text and JSON writer behind every command's output.
 *
 * Commands describe values once (key, label, value); this file decides
 * how they look.  JSON goes straight to the stream, so a walk of a huge
 * process costs constant memory.  Text is either "label: value" lines,
 * wrapped to the width, or tables: libsmartcols tables, held until they
 * close and then fitted to the terminal, or a streamed table (walk
 * --pages) whose rows are printed as they come in fixed columns, because
 * a streamed table cannot measure its rows before printing them.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <libsmartcols.h>

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
	o->addr_digits = 8;
	o->width = 80;
}

/*
 * The width to fit: COLUMNS when set, as util-linux and procps honour
 * it; else the terminal's; else 80, so that piped and logged output
 * fits a standard terminal too.
 */
static unsigned int term_width(FILE *f)
{
	const char *env = getenv("COLUMNS");
	struct winsize ws;
	char *end;
	long n;

	if (env && *env) {
		n = strtol(env, &end, 10);
		if (!*end && n >= 20 && n <= 10000)
			return (unsigned int)n;
	}
	if (isatty(fileno(f)) && !ioctl(fileno(f), TIOCGWINSZ, &ws) &&
	    ws.ws_col >= 20)
		return ws.ws_col;
	return 80;
}

void out_set_opts(struct out *o, const struct out_opts *opts)
{
	o->opts = *opts;
	o->width = term_width(o->f);
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
 * IEC units rounded exactly as procps-ng's free -h rounds them, so that
 * the same amount reads the same in both: up to three digits print as
 * bytes ("0B", "999B"); then the first unit whose one-decimal form fits
 * four characters ("1.5Ki", "9.9Mi"), computed in float as free does,
 * or else its truncated whole form fits four ("23Gi", "511Mi").
 */
int format_size(char *buf, size_t len, uint64_t bytes)
{
	static const char units[] = "KMGTP";
	double scale = 1.0;
	unsigned int i;
	int n;

	n = snprintf(buf, len, "%" PRIu64 "B", bytes);
	if (n <= 4)
		return n;
	for (i = 0; i < sizeof(units) - 1; i++) {
		scale *= 1024.0;
		n = snprintf(buf, len, "%.1f%ci",
			     (float)((double)bytes / scale), units[i]);
		if (n <= 5)
			return n;
		n = snprintf(buf, len, "%ld%ci",
			     (long)((double)bytes / scale), units[i]);
		if (n <= 5)
			return n;
	}
	return n;
}

int out_format_size(const struct out *o, char *buf, size_t len,
		    uint64_t bytes)
{
	if (o->opts.bytes)
		return snprintf(buf, len, "%" PRIu64, bytes);
	return format_size(buf, len, bytes);
}

int format_addr(char *buf, size_t len, uint64_t addr)
{
	return snprintf(buf, len, "%08" PRIx64, addr);
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
 * One streamed cell.  Separators and left-aligned padding are owed, not
 * printed, until something visible follows, so rows never end in blanks.
 */
static void text_cell(struct out *o, const struct out_col *col,
		      const char *val, bool first)
{
	int len = (int)strlen(val);

	if (!first)
		o->row_pad++;
	if (!o->opts.raw && !col->left && col->width) {
		fprintf(o->f, "%*s%*s", o->row_pad, "", col->width, val);
		o->row_pad = 0;
		return;
	}
	if (len) {
		fprintf(o->f, "%*s%s", o->row_pad, "", val);
		o->row_pad = 0;
	}
	if (!o->opts.raw && col->width > len)
		o->row_pad += col->width - len;
}

static const char *col_name(const struct out_col *c)
{
	return *c->head ? c->head : c->key;
}

static int find_col(const char *name, size_t len, const struct out_col *cols,
		    unsigned int ncols)
{
	unsigned int i;

	for (i = 0; i < ncols; i++) {
		const char *n = col_name(&cols[i]);

		if ((strlen(n) == len && !strncasecmp(n, name, len)) ||
		    (strlen(cols[i].key) == len &&
		     !strncasecmp(cols[i].key, name, len)))
			return (int)i;
	}
	return -1;
}

int out_check_columns(const char *cmd, const char *list,
		      const struct out_col *cols, unsigned int ncols)
{
	const char *p = *list == '+' ? list + 1 : list;
	size_t len;

	if (!cols) {
		fprintf(stderr, "ptscope: %s: prints no table, so -o does not apply; run 'ptscope %s --help'\n",
			cmd, cmd);
		return -EINVAL;
	}
	if (!*p) {
		fprintf(stderr, "ptscope: %s: -o wants a list of columns; see 'ptscope %s --list-columns'\n",
			cmd, cmd);
		return -EINVAL;
	}
	for (; *p; p += len + (p[len] == ',')) {
		len = strcspn(p, ",");
		if (find_col(p, len, cols, ncols) < 0) {
			fprintf(stderr, "ptscope: %s: unknown column '%.*s'; see 'ptscope %s --list-columns'\n",
				cmd, (int)len, p, cmd);
			return -EINVAL;
		}
	}
	return 0;
}

void out_list_columns(FILE *f, const struct out_col *cols, unsigned int ncols)
{
	unsigned int i;

	for (i = 0; i < ncols; i++)
		fprintf(f, "%12s%c %s\n", col_name(&cols[i]),
			cols[i].flags & OUT_COL_HIDE ? ' ' : '*',
			cols[i].help ? cols[i].help : "");
	fprintf(f, "(* shown by default)\n");
}

/*
 * Which columns show, in which order: -o's list for the command's main
 * table (checked by out_check_columns() already), else every column
 * without OUT_COL_HIDE.  Returns how many show.
 */
static int map_columns(struct out *o, const struct out_col *cols,
		       unsigned int ncols)
{
	const char *list = cols == o->main_cols ? o->opts.columns : NULL;
	unsigned int i;
	int shown = 0, c;
	size_t len;

	for (i = 0; i < ncols; i++)
		o->colmap[i] = -1;
	if (!list || *list == '+')
		for (i = 0; i < ncols; i++)
			if (!(cols[i].flags & OUT_COL_HIDE))
				o->colmap[i] = shown++;
	if (!list)
		return shown;
	for (list += *list == '+'; *list; list += len + (list[len] == ',')) {
		len = strcspn(list, ",");
		c = find_col(list, len, cols, ncols);
		if (c >= 0 && o->colmap[c] < 0)
			o->colmap[c] = shown++;
	}
	return shown;
}

static int scols_flags(const struct out_col *c, bool tree)
{
	int fl = 0;

	if (!c->left)
		fl |= SCOLS_FL_RIGHT;
	if (c->flags & OUT_COL_WRAP)
		fl |= SCOLS_FL_WRAP;
	if (c->flags & OUT_COL_TRUNC)
		fl |= SCOLS_FL_TRUNC;
	if (tree && (c->flags & OUT_COL_TREE))
		fl |= SCOLS_FL_TREE;
	return fl;
}

static struct libscols_table *new_scols_table(struct out *o,
					      const struct out_col *cols,
					      unsigned int ncols, int shown,
					      bool tree)
{
	struct libscols_table *tb = scols_new_table();
	unsigned int i;
	int pos;

	if (!tb)
		abort();
	scols_table_set_stream(tb, o->f);
	scols_table_enable_noheadings(tb, o->opts.noheadings);
	scols_table_enable_raw(tb, o->opts.raw);
	scols_table_enable_minout(tb, 1);	/* no blanks at line ends */
	if (o->opts.wide) {
		scols_table_set_termforce(tb, SCOLS_TERMFORCE_NEVER);
	} else {
		scols_table_set_termforce(tb, SCOLS_TERMFORCE_ALWAYS);
		scols_table_set_termwidth(tb, o->width);
	}
	for (pos = 0; pos < shown; pos++)
		for (i = 0; i < ncols; i++)
			if (o->colmap[i] == pos &&
			    !scols_table_new_column(tb, cols[i].head,
						    cols[i].width,
						    scols_flags(&cols[i], tree)))
				abort();
	return tb;
}

static void table_open(struct out *o, const char *key,
		       const struct out_col *cols, unsigned int ncols,
		       bool stream, bool tree)
{
	enum text_act act = TEXT_NONE;
	unsigned int i;
	int shown;

	if (o->json) {
		json_open(o, key, '[');
		push(o, true, act);
		return;
	}
	if (o->hidden || o->in_row) {
		push(o, true, TEXT_HIDDEN);
		return;
	}
	/* colmap[i]: where column i shows; colmap[ncols + pos]: which shows there */
	o->colmap = calloc(2 * ncols, sizeof(*o->colmap));
	if (!o->colmap)
		abort();
	shown = map_columns(o, cols, ncols);
	for (i = 0; i < ncols; i++)
		if (o->colmap[i] >= 0)
			o->colmap[ncols + o->colmap[i]] = (int)i;
	o->stream = stream;
	o->parent = NULL;
	o->last_line = NULL;
	if (stream) {
		if (!o->opts.noheadings) {
			const struct out_col *c;
			int pos;

			o->row_pad = 0;
			for (pos = 0; pos < shown; pos++) {
				c = &cols[o->colmap[ncols + pos]];
				text_cell(o, c, c->head, pos == 0);
			}
			putc('\n', o->f);
		}
	} else {
		o->tb = new_scols_table(o, cols, ncols, shown, tree);
	}
	push(o, true, TEXT_TABLE);
	o->cols = cols;
	o->ncols = ncols;
}

void out_table_open(struct out *o, const char *key,
		    const struct out_col *cols, unsigned int ncols)
{
	table_open(o, key, cols, ncols, false, false);
}

void out_table_open_stream(struct out *o, const char *key,
			   const struct out_col *cols, unsigned int ncols)
{
	table_open(o, key, cols, ncols, true, false);
}

void out_table_open_tree(struct out *o, const char *key,
			 const struct out_col *cols, unsigned int ncols)
{
	table_open(o, key, cols, ncols, false, true);
}

void out_table_close(struct out *o)
{
	if (pop(o) == TEXT_TABLE) {
		if (o->tb) {
			scols_print_table(o->tb);
			scols_unref_table(o->tb);
			o->tb = NULL;
		}
		free(o->colmap);
		o->colmap = NULL;
		o->cols = NULL;
		o->ncols = 0;
		o->line = o->last_line = o->parent = NULL;
		o->stream = false;
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
	if (o->tb) {
		o->line = scols_table_new_line(o->tb, o->parent);
		if (!o->line)
			abort();
	}
}

void out_row_open_under(struct out *o, out_row_t *parent)
{
	o->parent = parent;
	out_row_open(o);
	o->parent = NULL;
}

out_row_t *out_row_last(struct out *o)
{
	return o->json ? NULL : o->last_line;
}

void out_row_close(struct out *o)
{
	enum text_act act = pop(o);

	if (o->json)
		json_close(o, '}');
	else if (act == TEXT_ROW && o->stream)
		putc('\n', o->f);
	if (act == TEXT_ROW) {
		o->in_row = false;
		o->last_line = o->line;
		o->line = NULL;
	}
}

void out_legend(struct out *o, const char *fmt, ...)
{
	va_list ap;

	if (o->json || o->hidden || o->opts.no_legend)
		return;
	va_start(ap, fmt);
	vfprintf(o->f, fmt, ap);
	va_end(ap);
}

/*
 * Prints @val from column @col on, wrapped at blanks to the width
 * (unless --wide or -r), its further lines indented to @col.
 */
static void wrap_value(struct out *o, int col, const char *val)
{
	int room = (int)o->width - col;
	const char *p = val;
	size_t n, cut;

	if (o->opts.wide || o->opts.raw || room < 20) {
		fprintf(o->f, "%s\n", val);
		return;
	}
	for (;;) {
		n = strlen(p);
		if (n <= (size_t)room) {
			fprintf(o->f, "%s\n", p);
			return;
		}
		for (cut = (size_t)room; cut > 0 && p[cut] != ' '; cut--)
			;
		if (!cut)	/* one word longer than the room: leave it */
			cut = strcspn(p, " ");
		fprintf(o->f, "%.*s\n", (int)cut, p);
		p += cut;
		while (*p == ' ')
			p++;
		if (!*p)
			return;
		fprintf(o->f, "%*s", col, "");
	}
}

void out_wrapped(struct out *o, int col, const char *s)
{
	if (!o->json && !o->hidden)
		wrap_value(o, col, s);
}

/* "label: value", the value wrapped under its first line. */
static void text_label_line(struct out *o, const char *label,
			    const char *val)
{
	int pad = o->label_width - o->indent - (int)strlen(label) - 1;
	int col = o->indent + (int)strlen(label) + 1 + (pad > 1 ? pad : 1);

	fprintf(o->f, "%*s%s:%*s", o->indent, "", label, pad > 1 ? pad : 1, "");
	wrap_value(o, col, val);
}

/* Text side of every show_*(): a key/value line or a table cell. */
static void text_value(struct out *o, const char *key, const char *label,
		       const char *val)
{
	unsigned int i;
	int pos;

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
	if (i == o->ncols || o->colmap[i] < 0)
		return;
	pos = o->colmap[i];
	if (o->tb) {
		scols_line_set_data(o->line, (size_t)pos, val);
		return;
	}
	/* Streamed: a skipped column still gets a cell, or the rest shift. */
	while ((int)o->next_col < pos) {
		text_cell(o, &o->cols[o->colmap[o->ncols + o->next_col]], "-",
			  o->next_col == 0);
		o->next_col++;
	}
	if ((int)o->next_col > pos)
		return;		/* columns cannot go back in a stream */
	text_cell(o, &o->cols[i], val, o->next_col == 0);
	o->next_col = (unsigned int)pos + 1;
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
	snprintf(buf, sizeof(buf), "%0*" PRIx64, o->addr_digits, v);
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
	snprintf(buf, sizeof(buf), "%016" PRIx64, v);
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
	out_format_size(o, buf, sizeof(buf), bytes);
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
