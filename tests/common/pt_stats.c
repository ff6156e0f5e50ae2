// SPDX-License-Identifier: GPL-2.0
/*
 * pt_stats.c: see pt_stats.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pt_stats.h"

static char *read_all(const char *path)
{
	size_t len = 0, cap = 8192;
	char *buf = malloc(cap);
	ssize_t n;
	int fd;

	if (!buf)
		return NULL;
	fd = open(path, O_RDONLY);
	if (fd < 0) {
		free(buf);
		return NULL;
	}
	for (;;) {
		if (len + 1 >= cap) {
			char *nb = realloc(buf, cap * 2);

			if (!nb)
				break;
			buf = nb;
			cap *= 2;
		}
		n = read(fd, buf + len, cap - len - 1);
		if (n <= 0)
			break;
		len += n;
	}
	close(fd);
	buf[len] = '\0';
	return buf;
}

char *pt_stats_read(void)
{
	return read_all(PT_STATS_FILE);
}

int64_t pt_stats_get(const char *text, const char *section, const char *name)
{
	char want[64], line[256];
	const char *p = text;
	bool in = !section;
	size_t nl = strlen(name);

	snprintf(want, sizeof(want), strcmp(section ? section : "", "all") ?
		 "[pid %s]" : "[%s]", section ? section : "");
	while (p && *p) {
		const char *e = strchr(p, '\n');
		size_t l = e ? (size_t)(e - p) : strlen(p);

		if (l >= sizeof(line))
			l = sizeof(line) - 1;
		memcpy(line, p, l);
		line[l] = '\0';
		p = e ? e + 1 : NULL;
		if (line[0] == '[') {
			if (in && section)
				return -1;
			in = section && !strcmp(line, want);
			if (!section)
				return -1;
			continue;
		}
		if (in && !strncmp(line, name, nl) && line[nl] == ' ')
			return strtoll(line + nl + 1, NULL, 10);
	}
	return -1;
}

int64_t pt_stats_value(const char *section, const char *name)
{
	char *t = pt_stats_read();
	int64_t v;

	if (!t)
		return -1;
	v = pt_stats_get(t, section, name);
	free(t);
	return v;
}

int pt_stats_cmd(const char *cmd)
{
	int fd = open(PT_STATS_FILE, O_WRONLY);
	int err = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, cmd, strlen(cmd)) < 0)
		err = -errno;
	close(fd);
	return err;
}

bool pt_stats_watching(const char *text, pid_t pid)
{
	const char *w = strstr(text, "\nwatch");
	char *end;

	if (!w)
		return false;
	w += strlen("\nwatch");
	while (*w == ' ') {
		long v = strtol(w + 1, &end, 10);

		if (v == pid)
			return true;
		w = end;
	}
	return false;
}

static int64_t stat_field(pid_t pid, int field)
{
	char path[64], *buf, *p;
	int64_t v = -1;
	int i;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	buf = read_all(path);
	if (!buf)
		return -1;
	/* comm may hold spaces: count fields after its closing paren. */
	p = strrchr(buf, ')');
	for (i = 2; p && i < field; i++)
		p = strchr(p + 1, ' ');
	if (p)
		v = strtoll(p + 1, NULL, 10);
	free(buf);
	return v;
}

int64_t pt_proc_minflt(pid_t pid)
{
	return stat_field(pid, 10);
}

int64_t pt_proc_majflt(pid_t pid)
{
	return stat_field(pid, 12);
}

int64_t pt_vmstat(const char *name)
{
	char *buf = read_all("/proc/vmstat"), *p;
	size_t nl = strlen(name);
	int64_t v = -1;

	if (!buf)
		return -1;
	for (p = buf; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
		if (!strncmp(p, name, nl) && p[nl] == ' ') {
			v = strtoll(p + nl + 1, NULL, 10);
			break;
		}
	}
	free(buf);
	return v;
}
