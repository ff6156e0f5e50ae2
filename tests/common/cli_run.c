// SPDX-License-Identifier: GPL-2.0
/*
 * cli_run.c: fork, exec and capture for the guest tests (cli_run.h).
 * Both pipes are drained together with poll(), so a command that
 * writes a lot to stderr cannot deadlock against a full stdout.
 */
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli_run.h"

#define CLI_MAX_ARGS	32

struct sink {
	char *buf;
	size_t len, cap;
	bool keep;
	unsigned long lines;
};

static void sink_add(struct sink *s, const char *data, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		s->lines += data[i] == '\n';
	if (!s->keep) {
		s->len += n;
		return;
	}
	if (s->len + n + 1 > s->cap) {
		while (s->len + n + 1 > s->cap)
			s->cap = s->cap ? s->cap * 2 : 65536;
		s->buf = realloc(s->buf, s->cap);
		if (!s->buf)
			abort();
	}
	memcpy(s->buf + s->len, data, n);
	s->len += n;
	s->buf[s->len] = '\0';
}

static char *sink_take(struct sink *s)
{
	if (!s->buf) {
		s->buf = malloc(1);
		if (!s->buf)
			abort();
		s->buf[0] = '\0';
	}
	return s->buf;
}

/* VmHWM of a running process, in kB; -1 if it cannot be read. */
static long read_hwm(pid_t pid)
{
	char path[64], line[256];
	long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "VmHWM:", 6))
			v = strtol(line + 6, NULL, 10);
	fclose(f);
	return v;
}

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

int cli_run(struct cli_result *r, bool keep_out, const char *fmt, ...)
{
	double last = 0;
	long hwm;
	char line[1024], *argv[CLI_MAX_ARGS + 1], *tok, *save, buf[65536];
	struct sink out = { .keep = keep_out }, err = { .keep = true };
	struct pollfd fds[2];
	int po[2], pe[2], argc = 0, st, open_fds = 2, i;
	struct rusage ru;
	va_list ap;
	pid_t pid;
	ssize_t n;

	memset(r, 0, sizeof(*r));
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	for (tok = strtok_r(line, " ", &save); tok && argc < CLI_MAX_ARGS;
	     tok = strtok_r(NULL, " ", &save))
		argv[argc++] = tok;
	argv[argc] = NULL;
	if (!argc)
		return -EINVAL;
	if (pipe(po) || pipe(pe))
		return -errno;
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0)
		return -errno;
	if (!pid) {
		dup2(po[1], 1);
		dup2(pe[1], 2);
		close(po[0]);
		close(po[1]);
		close(pe[0]);
		close(pe[1]);
		execvp(argv[0], argv);
		fprintf(stderr, "cli_run: exec %s: %s\n", argv[0],
			strerror(errno));
		_exit(127);
	}
	close(po[1]);
	close(pe[1]);
	fds[0].fd = po[0];
	fds[1].fd = pe[0];
	fds[0].events = fds[1].events = POLLIN;
	while (open_fds) {
		/* Sample only after exec: the forked copy is not the command. */
		if (now() - last > 0.1 && (out.len || err.len)) {
			last = now();
			hwm = read_hwm(pid);
			if (hwm > r->hwm_kb)
				r->hwm_kb = hwm;
		}
		if (poll(fds, 2, 100) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		for (i = 0; i < 2; i++) {
			if (fds[i].fd < 0 || !fds[i].revents)
				continue;
			n = read(fds[i].fd, buf, sizeof(buf));
			if (n > 0) {
				sink_add(i ? &err : &out, buf, n);
				continue;
			}
			if (n < 0 && errno == EINTR)
				continue;
			close(fds[i].fd);
			fds[i].fd = -1;
			open_fds--;
		}
	}
	while (wait4(pid, &st, 0, &ru) < 0 && errno == EINTR)
		;
	r->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	r->maxrss_kb = ru.ru_maxrss;
	r->out_lines = out.lines;
	r->out_len = out.len;
	r->err_len = err.len;
	r->out = sink_take(&out);
	r->err = sink_take(&err);
	return 0;
}

void cli_free(struct cli_result *r)
{
	free(r->out);
	free(r->err);
	r->out = r->err = NULL;
}
