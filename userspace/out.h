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
 *   JSON numbers, and sizes are human (4K, 1.5M) in text.
 */
#ifndef PTSCOPE_OUT_H
#define PTSCOPE_OUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define OUT_MAX_DEPTH		16
#define OUT_SIZE_BUF		24	/* fits "18446744073709551615B" */

struct out_col {
	const char *key;	/* JSON key; show_*() finds the column by it */
	const char *head;	/* text header */
	int width;		/* text width; 0 for a last, unpadded column */
	bool left;		/* left-align; numbers usually align right */
};

struct out {
	FILE *f;
	bool json;
	int label_width;	/* text: width of "label:" in key/value lines */
	int addr_digits;	/* text: minimum hex digits of an address */

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
};

void out_init(struct out *o, FILE *f, bool json);
int out_finish(struct out *o);

void out_obj_open(struct out *o, const char *key, const char *label);
void out_obj_close(struct out *o);
void out_arr_open(struct out *o, const char *key);
void out_arr_close(struct out *o);

void out_blank(struct out *o);

void out_table_open(struct out *o, const char *key,
		    const struct out_col *cols, unsigned int ncols);
void out_table_close(struct out *o);
void out_row_open(struct out *o);
void out_row_close(struct out *o);

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
void json_write_string(FILE *f, const char *s);

#endif /* PTSCOPE_OUT_H */
