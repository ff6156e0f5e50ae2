/* SPDX-License-Identifier: GPL-2.0 */
/*
 * out.h: the one output layer.  Every command prints through these
 * helpers, so text and JSON come from the same calls and cannot drift.
 *
 * Rules:
 * - JSON is streamed as it is produced; nothing is buffered beyond stdio.
 * - A value is printed as text only when it has a label (key/value
 *   mode) or a column (table mode); without either it is JSON-only.
 * - Addresses are JSON strings ("0x7f..."), counts and byte sizes are
 *   JSON numbers.  In text, every address is bare lower-case hex as
 *   /proc/PID/maps prints it (at least 8 digits, no 0x), and sizes are
 *   IEC units rounded as procps free -h rounds them (4.0Ki, 23Gi, 0B),
 *   or exact bytes with -b.
 * - Text tables go through libsmartcols, which fits them to the
 *   terminal (80 columns when stdout is not one); only a streamed table
 *   (walk --pages) is printed row by row with fixed widths.
 */
#ifndef PTSCOPE_OUT_H
#define PTSCOPE_OUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define OUT_MAX_DEPTH		16
#define OUT_SIZE_BUF		24	/* fits "18446744073709551615B" */
#define OUT_ADDR_BUF		24

struct libscols_table;
struct libscols_line;

/* out_col.flags */
enum {
	OUT_COL_HIDE	= 1 << 0,	/* not shown unless -o names it */
	OUT_COL_WRAP	= 1 << 1,	/* long text: wrap inside the cell */
	OUT_COL_TRUNC	= 1 << 2,	/* may be cut to fit the width */
	OUT_COL_TREE	= 1 << 3,	/* draws the tree (tree tables) */
};

struct out_col {
	const char *key;	/* JSON key; show_*() finds the column by it */
	const char *head;	/* text header, and its name for -o */
	int width;		/* width hint; 0 for a last, unpadded column */
	bool left;		/* left-align; numbers usually align right */
	unsigned int flags;	/* OUT_COL_* */
	const char *help;	/* one line for --list-columns */
};

/* The table options every command takes (main.c parses them). */
struct out_opts {
	const char *columns;	/* -o LIST, or "+LIST" to add to the default */
	bool noheadings;	/* -n */
	bool raw;		/* -r */
	bool no_legend;		/* --no-legend */
	bool wide;		/* --wide: do not fit the terminal */
	bool bytes;		/* -b: exact byte counts */
	bool tree;		/* --tree, for commands that draw one */
};

/* Where the next row goes in a tree table: under this row. */
typedef struct libscols_line out_row_t;

struct out {
	FILE *f;
	bool json;
	int label_width;	/* text: width of "label:" in key/value lines */
	int addr_digits;	/* text: minimum hex digits of an address */
	struct out_opts opts;
	unsigned int width;	/* text: terminal width to fit */
	const struct out_col *main_cols; /* the table -o applies to */
	unsigned int main_ncols;

	/* Writer state; only out.c touches it. */
	int depth;
	bool need_comma[OUT_MAX_DEPTH];
	bool in_array[OUT_MAX_DEPTH];
	unsigned char text_act[OUT_MAX_DEPTH];
	int indent;
	const struct out_col *cols;
	unsigned int ncols;
	bool in_row;
	unsigned int next_col;
	int row_pad;		/* text: deferred padding of a left cell */
	int hidden;		/* text: JSON-only containers we are inside */
	struct libscols_table *tb;	/* text table being built */
	struct libscols_line *line;	/* its current row */
	struct libscols_line *last_line; /* the row closed last */
	struct libscols_line *parent;	/* parent of the next row */
	int *colmap;		/* out_col index -> shown position, or -1 */
	bool stream;		/* row-by-row table (no libsmartcols) */
};

void out_init(struct out *o, FILE *f, bool json);
void out_set_opts(struct out *o, const struct out_opts *opts);
int out_finish(struct out *o);

/*
 * Checks an -o list against a command's main columns; prints one
 * "ptscope: CMD: ..." line and returns -EINVAL on an unknown name.
 */
int out_check_columns(const char *cmd, const char *list,
		      const struct out_col *cols, unsigned int ncols);
void out_list_columns(FILE *f, const struct out_col *cols, unsigned int ncols);

void out_obj_open(struct out *o, const char *key, const char *label);
void out_obj_close(struct out *o);
void out_arr_open(struct out *o, const char *key);
void out_arr_close(struct out *o);

void out_blank(struct out *o);

void out_table_open(struct out *o, const char *key,
		    const struct out_col *cols, unsigned int ncols);
void out_table_close(struct out *o);
/* A table printed row by row, for output too long to hold (walk --pages). */
void out_table_open_stream(struct out *o, const char *key,
			   const struct out_col *cols, unsigned int ncols);
/* A tree: the column with OUT_COL_TREE draws it. */
void out_table_open_tree(struct out *o, const char *key,
			 const struct out_col *cols, unsigned int ncols);
void out_row_open(struct out *o);
void out_row_close(struct out *o);
/* Text tree tables: the row closed last (NULL in JSON or a flat table). */
out_row_t *out_row_last(struct out *o);
/* Like out_row_open(), but in a text tree the row goes under @parent. */
void out_row_open_under(struct out *o, out_row_t *parent);

/*
 * Text only: the rest of a line whose first @col columns are printed,
 * wrapped to the width with its further lines indented to @col.
 */
void out_wrapped(struct out *o, int col, const char *s);
/* A legend or note under a table: text only, and not with --no-legend. */
void out_legend(struct out *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

void show_str(struct out *o, const char *key, const char *label,
	      const char *s);
void show_u64(struct out *o, const char *key, const char *label,
	      uint64_t v);
void show_s64(struct out *o, const char *key, const char *label,
	      int64_t v);
void show_addr(struct out *o, const char *key, const char *label,
	       uint64_t v);
void show_hex(struct out *o, const char *key, const char *label,
	      uint64_t v);
void show_size(struct out *o, const char *key, const char *label,
	       uint64_t bytes);
void show_bool(struct out *o, const char *key, const char *label, bool v);
void show_null(struct out *o, const char *key, const char *label);
void show_text(struct out *o, const char *key, const char *label,
	       const char *s);

int format_size(char *buf, size_t len, uint64_t bytes);
/* Text size as the options want it: human, or exact bytes with -b. */
int out_format_size(const struct out *o, char *buf, size_t len,
		    uint64_t bytes);
/* Text address: bare lower-case hex, at least 8 digits. */
int format_addr(char *buf, size_t len, uint64_t addr);
void json_write_string(FILE *f, const char *s);

#endif /* PTSCOPE_OUT_H */
