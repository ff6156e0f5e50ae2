// SPDX-License-Identifier: GPL-2.0
/*
 * test_out.c: the writer in userspace/out.c, text and JSON, compared
 * byte for byte with documents written out by hand.
 */
#include <stdlib.h>

#include "harness.h"
#include "out.h"

typedef void (*doc_fn)(struct out *o);

/* Runs fn against a memory stream and returns what it wrote. */
static char *render(doc_fn fn, bool json)
{
	struct out o;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	out_init(&o, f, json);
	fn(&o);
	if (out_finish(&o))
		test_report(false, __FILE__, __LINE__, "out_finish");
	fclose(f);
	return buf;
}

static void check_doc(doc_fn fn, bool json, const char *want, int line)
{
	char *got = render(fn, json);

	if (!test_report(got && !strcmp(got, want), __FILE__, line,
			 json ? "JSON document" : "text document"))
		fprintf(stderr, "     got:\n%s\n     want:\n%s\n",
			got ? got : "(null)", want);
	free(got);
}

static void doc_values(struct out *o)
{
	out_obj_open(o, NULL, NULL);
	show_str(o, "name", "name", "a\"b");
	show_u64(o, "count", "count", 42);
	show_addr(o, "start", "start", 0x7f3d665fd000ULL);
	show_hex(o, "raw", "raw entry", 0x8000000000000067ULL);
	show_size(o, "rss", "rss", 1536);
	show_bool(o, "ok", "ok", true);
	show_null(o, "pfn", "pfn");
	show_text(o, "legend", "legend", "rw");
	show_u64(o, "json_only", NULL, 7);
	out_obj_open(o, "flags", NULL);
	show_bool(o, "write", "write", false);
	out_obj_close(o);
	out_arr_open(o, "empty");
	out_arr_close(o);
	out_obj_open(o, "status", "status");
	show_size(o, "VmRSS", "VmRSS", 4096);
	show_str(o, "path", NULL, NULL);
	out_obj_close(o);
	show_u64(o, "last", "last", 18446744073709551615ULL);
	out_obj_close(o);
}

static const char values_json[] =
	"{\"name\":\"a\\\"b\",\"count\":42,\"start\":\"0x7f3d665fd000\","
	"\"raw\":\"0x8000000000000067\",\"rss\":1536,\"ok\":true,"
	"\"pfn\":null,\"json_only\":7,\"flags\":{\"write\":false},"
	"\"empty\":[],\"status\":{\"VmRSS\":4096,\"path\":null},"
	"\"last\":18446744073709551615}\n";

static const char values_text[] =
	"name:               a\"b\n"
	"count:              42\n"
	"start:              7f3d665fd000\n"
	"raw entry:          8000000000000067\n"
	"rss:                1.5Ki\n"
	"ok:                 yes\n"
	"pfn:                -\n"
	"legend:             rw\n"
	"status:\n"
	"  VmRSS:            4.0Ki\n"
	"last:               18446744073709551615\n";

static const struct out_col cols[] = {
	{ "start", "start", 14, true, 0, NULL },
	{ "pages", "pages", 6, false, 0, NULL },
	{ "size", "size", 5, false, 0, NULL },
	{ "path", "path", 0, true, 0, NULL },
};

static void doc_table(struct out *o)
{
	o->addr_digits = 12;
	out_obj_open(o, NULL, NULL);
	show_u64(o, "pid", "pid", 1);
	out_blank(o);
	out_table_open(o, "entries", cols, 4);

	out_row_open(o);
	show_addr(o, "start", NULL, 0x1000);
	show_u64(o, "pages", NULL, 1);
	show_size(o, "size", NULL, 4096);
	show_str(o, "path", NULL, "/bin/x y");
	show_u64(o, "json_only", NULL, 5);
	out_obj_open(o, "flags", "flags");
	show_bool(o, "write", "write", true);
	out_obj_close(o);
	out_row_close(o);

	/* "pages" skipped: its cell stays blank, the columns in place. */
	out_row_open(o);
	show_addr(o, "start", NULL, 0x7f0000000000ULL);
	show_size(o, "size", NULL, 2 << 20);
	show_str(o, "path", NULL, "");
	out_row_close(o);

	out_row_open(o);
	show_addr(o, "start", NULL, 0x2000);
	out_row_close(o);

	out_table_close(o);
	out_obj_close(o);
}

static const char table_json[] =
	"{\"pid\":1,\"entries\":[\n"
	"{\"start\":\"0x1000\",\"pages\":1,\"size\":4096,\"path\":\"/bin/x y\","
	"\"json_only\":5,\"flags\":{\"write\":true}},\n"
	"{\"start\":\"0x7f0000000000\",\"size\":2097152,\"path\":\"\"},\n"
	"{\"start\":\"0x2000\"}]}\n";

static const char table_text[] =
	"pid:                1\n"
	"\n"
	"start          pages  size path\n"
	"000000001000       1 4.0Ki /bin/x y\n"
	"7f0000000000         2.0Mi\n"
	"000000002000\n";

/* Two documents in a row, as a command printing a stream would. */
static void doc_arrays(struct out *o)
{
	out_arr_open(o, NULL);
	show_u64(o, "ignored", NULL, 1);
	show_str(o, NULL, NULL, "x");
	out_obj_open(o, NULL, NULL);
	out_obj_close(o);
	out_arr_close(o);
	out_obj_open(o, NULL, NULL);
	out_obj_close(o);
}

static const char arrays_json[] = "[1,\"x\",\n{}]\n{}\n";

static void check_escape(const char *in, const char *want, int line)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	json_write_string(f, in);
	fclose(f);
	if (!test_report(!strcmp(buf, want), __FILE__, line, "escape"))
		fprintf(stderr, "     got  [%s]\n     want [%s]\n", buf, want);
	free(buf);
}

static void test_escape(void)
{
	check_escape("", "\"\"", __LINE__);
	check_escape("/usr/lib/libc.so.6", "\"/usr/lib/libc.so.6\"", __LINE__);
	check_escape("a\"b\\c", "\"a\\\"b\\\\c\"", __LINE__);
	check_escape("/tmp/x\ny", "\"/tmp/x\\ny\"", __LINE__);
	check_escape("\b\f\r\t", "\"\\b\\f\\r\\t\"", __LINE__);
	check_escape("\x01\x1f", "\"\\u0001\\u001f\"", __LINE__);
	check_escape("\x7f/", "\"\x7f/\"", __LINE__);
	/* Valid UTF-8 passes through: 2, 3 and 4-byte sequences. */
	check_escape("caf\xc3\xa9", "\"caf\xc3\xa9\"", __LINE__);
	check_escape("\xe2\x82\xac", "\"\xe2\x82\xac\"", __LINE__);
	check_escape("\xf0\x9f\x98\x80", "\"\xf0\x9f\x98\x80\"", __LINE__);
	check_escape("\xf4\x8f\xbf\xbf", "\"\xf4\x8f\xbf\xbf\"", __LINE__);
	/*
	 * Each maximal invalid subpart becomes one U+FFFD, as Python's
	 * bytes.decode("utf-8", "replace") does, and never swallows a quote.
	 */
	check_escape("a\xff" "b", "\"a\\ufffdb\"", __LINE__);
	check_escape("\xc3", "\"\\ufffd\"", __LINE__);
	check_escape("\xc3\"", "\"\\ufffd\\\"\"", __LINE__);
	check_escape("\xc0\xaf", "\"\\ufffd\\ufffd\"", __LINE__);
	check_escape("\xe0\x80\x80", "\"\\ufffd\\ufffd\\ufffd\"", __LINE__);
	check_escape("\xed\xa0\x80", "\"\\ufffd\\ufffd\\ufffd\"", __LINE__);
	check_escape("\xf4\x90\x80\x80",
		     "\"\\ufffd\\ufffd\\ufffd\\ufffd\"", __LINE__);
	check_escape("\xe2\x82", "\"\\ufffd\"", __LINE__);
	check_escape("\xf0\x9f\x98", "\"\\ufffd\"", __LINE__);
	check_escape("\xf0\x9f\x98" "a", "\"\\ufffda\"", __LINE__);
	check_escape("\xe2\x82\xe2\x82\xac", "\"\\ufffd\xe2\x82\xac\"", __LINE__);
	check_escape("\x80", "\"\\ufffd\"", __LINE__);
}

struct size_case {
	uint64_t bytes;
	const char *want;
};

static const struct size_case size_cases[] = {
	/* procps-ng free -h's rules, worked by hand. */
	{ 0, "0B" },
	{ 1, "1B" },
	{ 999, "999B" },		/* three digits: bytes */
	{ 1000, "1.0Ki" },
	{ 1023, "1.0Ki" },
	{ 1024, "1.0Ki" },
	{ 1536, "1.5Ki" },
	{ 4096, "4.0Ki" },
	{ 10 * 1024 + 511, "10Ki" },	/* past 9.9: whole units, cut */
	{ 10 * 1024 + 1000, "10Ki" },	/* 10.98 is cut, not rounded */
	{ 9 * 1024 + 1000, "9Ki" },	/* 9.98 prints 10.0, too long: cut */
	{ 1048575, "1.0Mi" },		/* 1023.999Ki is not "1023Ki" */
	{ 1048576, "1.0Mi" },
	{ 511ULL << 20, "511Mi" },
	{ 2 << 20, "2.0Mi" },
	{ 1ULL << 30, "1.0Gi" },
	{ 3ULL << 29, "1.5Gi" },
	{ 25275973632ULL, "23Gi" },	/* what free -h printed for it */
	{ 1ULL << 40, "1.0Ti" },
	{ 128ULL << 40, "128Ti" },
	{ (128ULL << 40) - 4096, "127Ti" },
	{ 1ULL << 50, "1.0Pi" },
	{ UINT64_MAX, "16384Pi" },	/* Pi is the largest unit */
};

static void test_sizes(void)
{
	char buf[OUT_SIZE_BUF];
	size_t i;

	for (i = 0; i < sizeof(size_cases) / sizeof(size_cases[0]); i++) {
		format_size(buf, sizeof(buf), size_cases[i].bytes);
		CHECK_STR(buf, size_cases[i].want);
	}
}

void test_out(void)
{
	check_doc(doc_values, true, values_json, __LINE__);
	check_doc(doc_values, false, values_text, __LINE__);
	check_doc(doc_table, true, table_json, __LINE__);
	check_doc(doc_table, false, table_text, __LINE__);
	check_doc(doc_arrays, true, arrays_json, __LINE__);
	test_escape();
	test_sizes();
}
