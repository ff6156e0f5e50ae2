/* SPDX-License-Identifier: GPL-2.0 */
/*
 * harness.h: the smallest test harness that does the job.
 *
 * Every CHECK is one counted test with a known, exact answer; a failure
 * prints where and what differed, and main prints "N passed, N failed".
 */
#ifndef PTSCOPE_TEST_HARNESS_H
#define PTSCOPE_TEST_HARNESS_H

#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

struct test_counts {
	unsigned int passed;
	unsigned int failed;
};

extern struct test_counts test_counts;

static inline bool test_report(bool ok, const char *file, int line,
			       const char *what)
{
	if (ok) {
		test_counts.passed++;
	} else {
		test_counts.failed++;
		fprintf(stderr, "FAIL %s:%d: %s\n", file, line, what);
	}
	return ok;
}

#define CHECK(cond) test_report(!!(cond), __FILE__, __LINE__, #cond)

#define CHECK_INT(got, want) do {					\
	long long g_ = (got), w_ = (want);				\
	if (!test_report(g_ == w_, __FILE__, __LINE__, #got))		\
		fprintf(stderr, "     got %lld, want %lld\n", g_, w_);	\
} while (0)

#define CHECK_U64(got, want) do {					\
	uint64_t g_ = (got), w_ = (want);				\
	if (!test_report(g_ == w_, __FILE__, __LINE__, #got))		\
		fprintf(stderr, "     got 0x%" PRIx64 ", want 0x%" PRIx64 "\n", \
			g_, w_);					\
} while (0)

#define CHECK_STR(got, want) do {					\
	const char *g_ = (got), *w_ = (want);				\
	bool ok_ = g_ && w_ ? !strcmp(g_, w_) : g_ == w_;		\
	if (!test_report(ok_, __FILE__, __LINE__, #got))		\
		fprintf(stderr, "     got  [%s]\n     want [%s]\n",	\
			g_ ? g_ : "(null)", w_ ? w_ : "(null)");	\
} while (0)

void test_parse(void);
void test_out(void);
void test_proc(void);
void test_nl(void);
void test_args(void);
void test_pt(void);
void test_stats(void);

#endif /* PTSCOPE_TEST_HARNESS_H */
