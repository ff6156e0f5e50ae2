// SPDX-License-Identifier: GPL-2.0
/*
 * ptscope-stress: walkers against a population of processes that never
 * hold still.
 *
 * Walker threads (--walkers, default 4) loop over every netlink command
 * (GET_INFO, GET_SUMMARY, the VMAS and RANGES dumps, VTOP, GET_STATS,
 * SET_STATS) and every /proc/ptscope file (vmas, ranges, pages, summary,
 * vtop, stats, with selection writes), against live targets, targets that
 * just exited, reused pids, pid 1, a kernel thread, themselves and pids
 * that do not exist.
 *
 * A spawner process keeps NR_SLOTS targets alive and churns them: each
 * lives a random while, some are SIGKILLed mid-work, and pid_max is
 * lowered (and restored) so that pids come round again.  A target runs
 * several threads: one maps, fills, pages out, mremaps, mprotects, zaps
 * and unmaps scratch memory (anonymous and memfd), checking the content
 * after every step; one moves, pages out, collapses into a THP,
 * write-protects and forks a "known" region whose content is a function of
 * (seed, generation, index); one verifies that region word by word without
 * pause; one starts threads that map, touch and exit.  Forked grandchildren
 * check the region they inherited, then scribble over their copy.
 *
 * Oracles, none of them ptscope's own output: the targets' memory content
 * (no walk may change a byte), /proc/PID/pagemap before and after every
 * vtop of a tag page (mapped, written and never freed for the target's life), a per-generation "tag" mapping that every walk of
 * a target alive throughout must find (and a stale selection must never
 * show another process's), errno sets fixed per kind of target, and the
 * targets' progress (no walk may starve mmap/munmap).  The VM runner fails
 * the run on any kernel report and checks the unload afterwards.
 *
 *   ptscope-stress [--seconds N] [--walkers N] [--seed N]
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "pt_nl.h"
#include "pt_oracle.h"
#include "pt_stats.h"
#include "uapi/ptscope.h"

#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT		21
#endif
#ifndef MADV_COLLAPSE
#define MADV_COLLAPSE		25
#endif
#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE	0x100000
#endif

#define PAGE		4096UL
#define MB		(1024UL * 1024)
#define NR_SLOTS	4		/* targets alive at once */
#define KNOWN_LEN	(2 * MB)	/* one PMD: MADV_COLLAPSE can fold it */
#define TAG_PAGES	16
#define TAG_LEN		(TAG_PAGES * PAGE)
#define TAG_BASE	0x200000000000UL
#define MAX_WALKERS	16
#define DEAD_RING	64
#define PID_MAX_STRESS	512		/* 300..511: pids come round often */
#define NO_SUCH_PID	4000000		/* above any pid_max */
#define STALL_LIMIT	10		/* seconds without target progress */

/* ---- state shared by the walkers, the spawner and the targets ---------- */

struct slot {
	volatile pid_t pid;		/* 0: empty */
	volatile unsigned long gen;	/* bumped before each new target */
	volatile unsigned long tag;	/* the generation's tag mapping */
	volatile unsigned long known;	/* the known region; 0 while moving */
	volatile int running;		/* set up and not yet exiting */
	volatile int doomed;		/* the spawner will SIGKILL it */
	volatile unsigned long rounds;	/* scratch mmap/munmap rounds */
	double kill_at;			/* spawner only */
};

struct shared {
	volatile int stop;
	struct slot slot[NR_SLOTS];
	unsigned long mutations;	/* target-side operations */
	unsigned long csum_errors;	/* words found wrong */
	unsigned long verified;		/* region verifications done */
	unsigned long grandchildren;
	unsigned long threads;
	unsigned long targets, reused, killed, crashed;
	pid_t dead[DEAD_RING];
	unsigned int dead_next;
	volatile int err_claimed;
	char first_error[256];
	char crash[256];
};

static struct shared *sh;
static uint64_t seed;

#define ADD(field, n)	__atomic_fetch_add(&sh->field, (n), __ATOMIC_RELAXED)
#define LOAD(x)		__atomic_load_n(&(x), __ATOMIC_ACQUIRE)

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static unsigned int rnd(unsigned int *state, unsigned int n)
{
	*state ^= *state << 13;
	*state ^= *state >> 17;
	*state ^= *state << 5;
	return n ? *state % n : 0;
}

/* The content a word must hold: a function of the seed, a stream and an index. */
static inline uint64_t pattern(uint64_t stream, uint64_t idx)
{
	uint64_t x = seed ^ (stream * 0x9e3779b97f4a7c15ULL) ^
		     (idx * 0xbf58476d1ce4e5b9ULL);

	x ^= x >> 31;
	x *= 0x94d049bb133111ebULL;
	x ^= x >> 29;
	return x | 1;	/* never zero, so a zapped page cannot pass */
}

static void fill(void *p, size_t len, uint64_t stream, uint64_t first)
{
	uint64_t *w = p;
	size_t i;

	for (i = 0; i < len / 8; i++)
		w[i] = pattern(stream, first + i);
}

/* Words of [p, p+len) that differ from the pattern. */
static unsigned long check(const void *p, size_t len, uint64_t stream,
			   uint64_t first)
{
	const volatile uint64_t *w = p;
	unsigned long bad = 0;
	size_t i;

	for (i = 0; i < len / 8; i++)
		bad += w[i] != pattern(stream, first + i);
	return bad;
}

static unsigned long check_zero(const void *p, size_t len)
{
	const volatile uint64_t *w = p;
	unsigned long bad = 0;
	size_t i;

	for (i = 0; i < len / 8; i++)
		bad += w[i] != 0;
	return bad;
}

static void checksum_error(unsigned long bad, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void checksum_error(unsigned long bad, const char *fmt, ...)
{
	va_list ap;

	if (!bad)
		return;
	ADD(csum_errors, bad);
	if (__atomic_exchange_n(&sh->err_claimed, 1, __ATOMIC_ACQ_REL))
		return;
	va_start(ap, fmt);
	vsnprintf(sh->first_error, sizeof(sh->first_error), fmt, ap);
	va_end(ap);
}

/* ---- targets --------------------------------------------------------- */

struct target {
	struct slot *slot;
	unsigned long gen;
	uint64_t known_stream, tag_stream;
	char *known;			/* under rw */
	char *tag;
	pthread_rwlock_t rw;		/* write: the region moves or is RO */
	volatile int stop;
	unsigned int rng;
};

/* A 2 MiB-aligned, 2 MiB anonymous mapping, or NULL. */
static char *map_aligned_2m(void)
{
	char *r = mmap(NULL, 2 * KNOWN_LEN, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *a;

	if (r == MAP_FAILED)
		return NULL;
	a = (char *)(((unsigned long)r + KNOWN_LEN - 1) & ~(KNOWN_LEN - 1));
	if (a > r)
		munmap(r, a - r);
	munmap(a + KNOWN_LEN, r + 2 * KNOWN_LEN - (a + KNOWN_LEN));
	return a;
}

static void known_check(struct target *t, const char *when)
{
	checksum_error(check(t->known, KNOWN_LEN, t->known_stream, 0),
		       "target gen %lu: known region wrong %s", t->gen, when);
	ADD(verified, 1);
}

static void *verifier(void *arg)
{
	struct target *t = arg;

	while (!t->stop) {
		pthread_rwlock_rdlock(&t->rw);
		known_check(t, "in the verifier");
		pthread_rwlock_unlock(&t->rw);
		checksum_error(check(t->tag, TAG_LEN, t->tag_stream, 0),
			       "target gen %lu: tag region wrong", t->gen);
	}
	return NULL;
}

/* Grandchild: the inherited copy must be intact; then it is ours to spoil. */
static void fork_grandchild(struct target *t)
{
	pid_t pid;
	int status;

	pthread_rwlock_rdlock(&t->rw);
	pid = fork();
	if (pid == 0) {
		unsigned long bad = check(t->known, KNOWN_LEN, t->known_stream, 0);

		memset(t->known, 0x5a, KNOWN_LEN);
		_exit(bad ? 3 : 0);
	}
	pthread_rwlock_unlock(&t->rw);
	if (pid < 0)
		return;
	ADD(grandchildren, 1);
	if (waitpid(pid, &status, 0) == pid &&
	    !(WIFEXITED(status) && WEXITSTATUS(status) == 0))
		checksum_error(1, "target gen %lu: grandchild saw a wrong copy (status %#x)",
			       t->gen, status);
}

static void move_known(struct target *t)
{
	char *to = map_aligned_2m(), *from;

	if (!to)
		return;
	pthread_rwlock_wrlock(&t->rw);
	from = t->known;
	t->slot->known = 0;
	if (mremap(from, KNOWN_LEN, KNOWN_LEN, MREMAP_MAYMOVE | MREMAP_FIXED,
		   to) == MAP_FAILED) {
		munmap(to, KNOWN_LEN);
		to = from;
	}
	t->known = to;
	t->slot->known = (unsigned long)to;
	known_check(t, "after mremap");
	pthread_rwlock_unlock(&t->rw);
}

static void *known_mutator(void *arg)
{
	struct target *t = arg;

	while (!t->stop) {
		unsigned long off = rnd(&t->rng, KNOWN_LEN / PAGE) * PAGE;
		unsigned long len = (1 + rnd(&t->rng, 64)) * PAGE;

		if (off + len > KNOWN_LEN)
			len = KNOWN_LEN - off;
		switch (rnd(&t->rng, 7)) {
		case 0:
			pthread_rwlock_rdlock(&t->rw);
			madvise(t->known + off, len, MADV_PAGEOUT);
			pthread_rwlock_unlock(&t->rw);
			break;
		case 1:
			pthread_rwlock_rdlock(&t->rw);
			madvise(t->known, KNOWN_LEN, MADV_HUGEPAGE);
			madvise(t->known, KNOWN_LEN, MADV_COLLAPSE);
			pthread_rwlock_unlock(&t->rw);
			break;
		case 2:
			pthread_rwlock_wrlock(&t->rw);
			mprotect(t->known, KNOWN_LEN, PROT_READ);
			known_check(t, "while read-only");
			mprotect(t->known, KNOWN_LEN, PROT_READ | PROT_WRITE);
			pthread_rwlock_unlock(&t->rw);
			break;
		case 3:
			move_known(t);
			break;
		case 4:
			/* Rewrite with the same words: faults, dirty bits, COW. */
			pthread_rwlock_rdlock(&t->rw);
			fill(t->known + off, len, t->known_stream, off / 8);
			pthread_rwlock_unlock(&t->rw);
			break;
		case 5:
			fork_grandchild(t);
			break;
		case 6:
			pthread_rwlock_rdlock(&t->rw);
			madvise(t->known, KNOWN_LEN, MADV_NOHUGEPAGE);
			pthread_rwlock_unlock(&t->rw);
			break;
		}
		ADD(mutations, 1);
	}
	return NULL;
}

/* One round on fresh scratch memory, every step checked. */
static void scratch_round(struct target *t, unsigned long round)
{
	uint64_t stream = t->known_stream ^ (round << 20) ^ 0x5c;
	size_t n = (4 + rnd(&t->rng, 252)) * PAGE, half = n / 2 & ~(PAGE - 1);
	char *p, *q;

	p = mmap(NULL, n, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return;
	fill(p, n, stream, 0);
	madvise(p, half, MADV_PAGEOUT);
	checksum_error(check(p, n, stream, 0), "gen %lu: scratch after MADV_PAGEOUT",
		       t->gen);
	q = mremap(p, n, 2 * n, MREMAP_MAYMOVE);
	if (q != MAP_FAILED) {
		p = q;
		checksum_error(check(p, n, stream, 0), "gen %lu: scratch after mremap",
			       t->gen);
		fill(p + n, n, stream, n / 8);
		n *= 2;
	}
	mprotect(p, half, PROT_READ);
	checksum_error(check(p, n, stream, 0), "gen %lu: scratch after mprotect",
		       t->gen);
	mprotect(p, half, PROT_READ | PROT_WRITE);
	madvise(p, half, MADV_DONTNEED);
	checksum_error(check_zero(p, half), "gen %lu: scratch not zero after MADV_DONTNEED",
		       t->gen);
	checksum_error(check(p + half, n - half, stream, half / 8),
		       "gen %lu: scratch beyond MADV_DONTNEED", t->gen);
	munmap(p, n);
	ADD(mutations, 6);
}

/* Shared file memory: MADV_DONTNEED drops PTEs, not the page cache. */
static void memfd_round(struct target *t, unsigned long round)
{
	uint64_t stream = t->known_stream ^ (round << 20) ^ 0xfd;
	size_t n = 64 * PAGE;
	int fd = memfd_create("ptscope-stress", 0);
	char *p;

	if (fd < 0)
		return;
	if (ftruncate(fd, n)) {
		close(fd);
		return;
	}
	p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	if (p == MAP_FAILED)
		return;
	fill(p, n, stream, 0);
	madvise(p, n, MADV_DONTNEED);
	checksum_error(check(p, n, stream, 0), "gen %lu: memfd after MADV_DONTNEED",
		       t->gen);
	madvise(p, n, MADV_PAGEOUT);
	checksum_error(check(p, n, stream, 0), "gen %lu: memfd after MADV_PAGEOUT",
		       t->gen);
	munmap(p, n);
	ADD(mutations, 3);
}

static void *scratch_churn(void *arg)
{
	struct target *t = arg;
	unsigned long round;

	for (round = 0; !t->stop; round++) {
		if (round % 4 == 3)
			memfd_round(t, round);
		else
			scratch_round(t, round);
		t->slot->rounds++;
	}
	return NULL;
}

static void *short_thread(void *arg)
{
	char *p = mmap(NULL, 8 * PAGE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	(void)arg;
	if (p != MAP_FAILED) {
		memset(p, 1, 8 * PAGE);
		munmap(p, 8 * PAGE);
	}
	return NULL;
}

static void *thread_churn(void *arg)
{
	struct target *t = arg;
	pthread_t th;

	while (!t->stop) {
		if (pthread_create(&th, NULL, short_thread, NULL) == 0) {
			pthread_join(th, NULL);
			ADD(threads, 1);
		}
		usleep(5000);
	}
	return NULL;
}

static void run_target(struct slot *slot, unsigned long gen, double life)
{
	void *(*fns[])(void *) = { verifier, known_mutator, scratch_churn,
				   thread_churn };
	pthread_rwlockattr_t rwa;
	pthread_t th[4];
	struct target t;
	double end = now() + life;
	unsigned int i;

	memset(&t, 0, sizeof(t));
	t.slot = slot;
	t.gen = gen;
	t.known_stream = gen * 2;
	t.tag_stream = gen * 2 + 1;
	t.rng = (unsigned int)(seed ^ (gen * 2654435761U)) | 1;
	/* Writers first: the verifier would otherwise starve the mover. */
	pthread_rwlockattr_init(&rwa);
	pthread_rwlockattr_setkind_np(&rwa,
				      PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
	pthread_rwlock_init(&t.rw, &rwa);
	t.tag = mmap((void *)slot->tag, TAG_LEN, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	t.known = map_aligned_2m();
	if (t.tag != (char *)slot->tag || !t.known)
		_exit(4);
	fill(t.tag, TAG_LEN, t.tag_stream, 0);
	fill(t.known, KNOWN_LEN, t.known_stream, 0);
	slot->known = (unsigned long)t.known;
	__atomic_store_n(&slot->running, 1, __ATOMIC_RELEASE);

	/* With pid_max low, a moment may have no pid to spare. */
	for (i = 0; i < 4; i++) {
		int tries = 0;

		while (pthread_create(&th[i], NULL, fns[i], &t)) {
			if (++tries == 100)
				_exit(4);
			usleep(10000);
		}
	}
	while (now() < end && !sh->stop)
		usleep(20000);
	slot->running = 0;
	t.stop = 1;
	for (i = 0; i < 4; i++)
		pthread_join(th[i], NULL);
	known_check(&t, "at exit");
	checksum_error(check(t.tag, TAG_LEN, t.tag_stream, 0),
		       "target gen %lu: tag region wrong at exit", gen);
	_exit(0);
}

/* ---- the spawner ----------------------------------------------------- */

static void spawn(struct slot *s, unsigned long gen, unsigned int *rng,
		  unsigned char *used)
{
	double life = 0.3 + rnd(rng, 2700) / 1000.0;
	pid_t pid;

	s->running = 0;
	s->known = 0;
	s->rounds = 0;
	s->tag = TAG_BASE + (gen % 100000) * 4 * TAG_LEN;
	s->doomed = rnd(rng, 4) == 0;
	s->kill_at = now() + life * rnd(rng, 1000) / 1000.0;
	__atomic_store_n(&s->gen, gen, __ATOMIC_RELEASE);
	pid = fork();
	if (pid == 0)
		run_target(s, gen, life);
	if (pid < 0)
		return;
	sh->targets++;
	if (used[pid / 8] & (1 << (pid % 8)))
		sh->reused++;
	used[pid / 8] |= 1 << (pid % 8);
	__atomic_store_n(&s->pid, pid, __ATOMIC_RELEASE);
}

static void reap(pid_t pid, int status)
{
	unsigned int i;

	for (i = 0; i < NR_SLOTS; i++) {
		struct slot *s = &sh->slot[i];

		if (s->pid != pid)
			continue;
		if (WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL &&
		    (s->doomed || sh->stop)) {
			sh->killed++;
		} else if (!WIFEXITED(status) || WEXITSTATUS(status)) {
			sh->crashed++;
			snprintf(sh->crash, sizeof(sh->crash),
				 "target pid %d gen %lu ended with status %#x",
				 pid, s->gen, status);
		}
		s->running = 0;
		sh->dead[sh->dead_next++ % DEAD_RING] = pid;
		__atomic_store_n(&s->pid, 0, __ATOMIC_RELEASE);
	}
}

static void spawner(void)
{
	static unsigned char used[4194304 / 8 + 1];
	unsigned int rng = (unsigned int)seed * 7 + 1, i;
	unsigned long gen = 0;
	int status;
	pid_t pid;

	while (!sh->stop) {
		for (i = 0; i < NR_SLOTS; i++) {
			struct slot *s = &sh->slot[i];

			if (!s->pid)
				spawn(s, ++gen, &rng, used);
			else if (s->doomed && s->running && now() >= s->kill_at) {
				s->running = 0;
				kill(s->pid, SIGKILL);
			}
		}
		while ((pid = waitpid(-1, &status, WNOHANG)) > 0)
			reap(pid, status);
		usleep(10000);
	}
	for (i = 0; i < NR_SLOTS; i++) {
		sh->slot[i].running = 0;
		if (sh->slot[i].pid)
			kill(sh->slot[i].pid, SIGKILL);
	}
	while ((pid = waitpid(-1, &status, 0)) > 0)
		reap(pid, status);
	_exit(0);
}

/* ---- walkers --------------------------------------------------------- */

enum op {
	OP_NL_INFO, OP_NL_SUMMARY, OP_NL_VMAS, OP_NL_RANGES, OP_NL_VTOP,
	OP_NL_GET_STATS, OP_NL_SET_STATS, OP_NL_STALE_DUMP,
	OP_PROC_VMAS, OP_PROC_RANGES, OP_PROC_PAGES, OP_PROC_SUMMARY,
	OP_PROC_VTOP, OP_PROC_STATS, OP_PROC_BAD_SELECTION, OP_PROC_STALE,
	OP_CNT
};

static const char * const op_names[OP_CNT] = {
	"nl-info", "nl-summary", "nl-vmas", "nl-ranges", "nl-vtop",
	"nl-get-stats", "nl-set-stats", "nl-stale-dump",
	"proc-vmas", "proc-ranges", "proc-pages", "proc-summary",
	"proc-vtop", "proc-stats", "proc-bad-selection", "proc-stale",
};

/* Relative frequencies; the stale ops wait for a target to die. */
static const unsigned int op_weight[OP_CNT] = {
	4, 8, 8, 10, 12, 6, 6, 1,
	8, 8, 6, 6, 10, 6, 3, 1,
};

enum kind { K_LIVE, K_DEAD, K_INIT, K_KTHREAD, K_SELF, K_NONE, K_CNT };

static const char * const kind_names[K_CNT] = {
	"live target", "dead or reused pid", "pid 1", "kernel thread",
	"itself", "no such pid",
};

struct pick {
	enum kind kind;
	pid_t pid;
	int slot;
	unsigned long gen, tag, known;
	bool running;
};

struct walker {
	pthread_t th;
	int id;
	unsigned int rng;
	struct pt_nl nl;
	unsigned long ops[OP_CNT];
	unsigned long nl_reqs, proc_ops, unexpected;
	unsigned long alive_checks, vtop_cmp, vtop_mismatch;
	unsigned long stale_esrch, stale_old, stale_wrong;
	bool stats_ok;
};

static volatile int walkers_stop;
static pthread_mutex_t print_lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned long unexpected_printed;
static bool stats_supported = true;

static void unexpected(struct walker *w, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void unexpected(struct walker *w, const char *fmt, ...)
{
	va_list ap;

	w->unexpected++;
	pthread_mutex_lock(&print_lock);
	if (unexpected_printed++ < 20) {
		printf("  walker %d: ", w->id);
		va_start(ap, fmt);
		vprintf(fmt, ap);
		va_end(ap);
		printf("\n");
	}
	pthread_mutex_unlock(&print_lock);
}

static struct pick pick_target(struct walker *w)
{
	struct pick p = { .slot = -1 };
	unsigned int r = rnd(&w->rng, 100), tries;

	if (r < 70) {
		for (tries = 0; tries < 8; tries++) {
			struct slot *s = &sh->slot[rnd(&w->rng, NR_SLOTS)];

			p.gen = LOAD(s->gen);
			p.pid = LOAD(s->pid);
			p.running = LOAD(s->running);
			p.tag = s->tag;
			p.known = s->known;
			if (p.pid && LOAD(s->gen) == p.gen) {
				p.kind = K_LIVE;
				p.slot = s - sh->slot;
				return p;
			}
		}
	}
	if (r < 80) {
		p.pid = sh->dead[rnd(&w->rng, DEAD_RING)];
		if (p.pid) {
			p.kind = K_DEAD;
			return p;
		}
	}
	switch (rnd(&w->rng, 4)) {
	case 0:
		p.kind = K_INIT;
		p.pid = 1;
		break;
	case 1:
		p.kind = K_KTHREAD;
		p.pid = 2;		/* kthreadd */
		break;
	case 2:
		p.kind = K_SELF;
		p.pid = getpid();
		break;
	default:
		p.kind = K_NONE;
		p.pid = NO_SUCH_PID;
		break;
	}
	return p;
}

/* A live target that was set up and not exiting before and after. */
static bool alive_throughout(const struct pick *p)
{
	const struct slot *s;

	if (p->kind != K_LIVE || !p->running)
		return false;
	s = &sh->slot[p->slot];
	return LOAD(s->gen) == p->gen && LOAD(s->running) &&
	       LOAD(s->pid) == p->pid;
}

/* The errors a request about @p may end with (0 included). */
static bool err_expected(const struct pick *p, int err)
{
	switch (p->kind) {
	case K_LIVE:
		return !err || (err == -ESRCH && !alive_throughout(p));
	case K_DEAD:
		return !err || err == -ESRCH;
	case K_INIT:
	case K_SELF:
		return !err;
	case K_KTHREAD:
		return err == -EINVAL;
	default:
		return err == -ESRCH;
	}
}

static void verdict(struct walker *w, enum op op, const struct pick *p,
		    int err, const char *extack)
{
	if (!err_expected(p, err))
		unexpected(w, "%s on %s (pid %d): %s (%s)", op_names[op],
			   kind_names[p->kind], p->pid,
			   err ? strerror(-err) : "success", extack ? extack : "");
}

/* ---- netlink operations ---- */

struct dump_seen {
	unsigned long tag;
	bool tag_found;
	unsigned long vmas;
	unsigned long tag_pages;	/* present pages inside the tag */
	bool bad;
};

/* Calls fn for each top-level attribute of type @type in a genl message. */
static void for_each_top_attr(const struct nlmsghdr *nh, unsigned int type,
			      void (*fn)(const struct nlattr *a, void *arg),
			      void *arg, bool *bad)
{
	if (!pt_nl_valid(pt_nl_msg_attrs(nh), pt_nl_msg_len(nh)))
		*bad = true;
	pt_nl_for_each(a, pt_nl_msg_attrs(nh), pt_nl_msg_len(nh))
		if ((a->nla_type & NLA_TYPE_MASK) == type)
			fn(a, arg);
}

static void vma_seen(const struct nlattr *a, void *arg)
{
	const struct nlattr *v[PTSCOPE_VMA_MAX + 1];
	struct dump_seen *d = arg;

	if (!pt_nl_parse_nest(a, v, PTSCOPE_VMA_MAX) || !v[PTSCOPE_VMA_START] ||
	    !v[PTSCOPE_VMA_END] ||
	    pt_nl_u64(v[PTSCOPE_VMA_END]) <= pt_nl_u64(v[PTSCOPE_VMA_START])) {
		d->bad = true;
		return;
	}
	d->vmas++;
	if (pt_nl_u64(v[PTSCOPE_VMA_START]) <= d->tag &&
	    pt_nl_u64(v[PTSCOPE_VMA_END]) >= d->tag + TAG_LEN)
		d->tag_found = true;
}

static int vmas_cb(const struct nlmsghdr *nh, void *arg)
{
	struct dump_seen *d = arg;

	for_each_top_attr(nh, PTSCOPE_A_VMA, vma_seen, d, &d->bad);
	return 0;
}

static void range_seen(const struct nlattr *a, void *arg)
{
	const struct nlattr *r[PTSCOPE_RANGE_MAX + 1];
	struct dump_seen *d = arg;
	uint64_t s, e;

	if (!pt_nl_parse_nest(a, r, PTSCOPE_RANGE_MAX) ||
	    !r[PTSCOPE_RANGE_START] || !r[PTSCOPE_RANGE_END] ||
	    !r[PTSCOPE_RANGE_STATE]) {
		d->bad = true;
		return;
	}
	s = pt_nl_u64(r[PTSCOPE_RANGE_START]);
	e = pt_nl_u64(r[PTSCOPE_RANGE_END]);
	if (e <= s)
		d->bad = true;
	if (pt_nl_u8(r[PTSCOPE_RANGE_STATE]) != PTSCOPE_STATE_PRESENT)
		return;
	if (s < d->tag)
		s = d->tag;
	if (e > d->tag + TAG_LEN)
		e = d->tag + TAG_LEN;
	if (e > s)
		d->tag_pages += (e - s) / PAGE;
}

static int ranges_cb(const struct nlmsghdr *nh, void *arg)
{
	struct dump_seen *d = arg;

	for_each_top_attr(nh, PTSCOPE_A_RANGE, range_seen, d, &d->bad);
	return 0;
}

static int nl_request(struct walker *w, struct pt_nl_req *r, pt_nl_cb cb,
		      void *arg)
{
	int err;

	w->nl_reqs++;
	err = pt_nl_xfer(&w->nl, r, cb, arg, NULL);
	return err;
}

static int info_cb(const struct nlmsghdr *nh, void *arg)
{
	const struct nlattr *tb[PTSCOPE_A_MAX + 1], *i[PTSCOPE_INFO_MAX + 1];
	uint32_t *levels = arg;

	if (pt_nl_parse_msg(nh, tb, PTSCOPE_A_MAX) && tb[PTSCOPE_A_INFO] &&
	    pt_nl_parse_nest(tb[PTSCOPE_A_INFO], i, PTSCOPE_INFO_MAX))
		*levels = pt_nl_u32(i[PTSCOPE_INFO_LEVELS]);
	return 0;
}

static uint32_t expected_levels;	/* pt_paging_levels(): an mmap probe */

static void op_nl_info(struct walker *w)
{
	struct pt_nl_req r;
	uint32_t levels = 0;
	int err;

	pt_nl_init(&r, w->nl.family, PTSCOPE_CMD_GET_INFO, 0);
	err = nl_request(w, &r, info_cb, &levels);
	if (err || levels != expected_levels)
		unexpected(w, "nl-info: %s (%s), %u levels, want %u",
			   strerror(-err), w->nl.extack, levels,
			   expected_levels);
}

static void op_nl_summary(struct walker *w, const struct pick *p)
{
	struct pt_nl_req r;
	int err, msgs;

	/* A dump: messages with no attributes, then the summary. */
	pt_nl_init(&r, w->nl.family, PTSCOPE_CMD_GET_SUMMARY, NLM_F_DUMP);
	pt_nl_put_u32(&r, PTSCOPE_A_PID, p->pid);
	w->nl_reqs++;
	err = pt_nl_xfer(&w->nl, &r, NULL, NULL, &msgs);
	if (!err && msgs < 1)
		unexpected(w, "nl-summary: %d reply messages", msgs);
	verdict(w, OP_NL_SUMMARY, p, err, w->nl.extack);
	if (alive_throughout(p))
		w->alive_checks++;
}

static void op_nl_vmas(struct walker *w, const struct pick *p)
{
	struct dump_seen d = { .tag = p->tag };
	struct pt_nl_req r;
	int err;

	pt_nl_init(&r, w->nl.family, PTSCOPE_CMD_GET_VMAS, NLM_F_DUMP);
	pt_nl_put_u32(&r, PTSCOPE_A_PID, p->pid);
	if (rnd(&w->rng, 2))
		pt_nl_put_u32(&r, PTSCOPE_A_FLAGS, PTSCOPE_RF(HOLES));
	err = nl_request(w, &r, vmas_cb, &d);
	verdict(w, OP_NL_VMAS, p, err, w->nl.extack);
	if (!err && d.bad)
		unexpected(w, "nl-vmas: malformed VMA message");
	if (!err && !d.vmas && (p->kind == K_INIT || p->kind == K_SELF))
		unexpected(w, "nl-vmas: pid %d: no VMA at all", p->pid);
	if (alive_throughout(p)) {
		w->alive_checks++;
		if (!err && !d.tag_found)
			unexpected(w, "nl-vmas: pid %d alive throughout, its tag VMA %#lx missing",
				   p->pid, p->tag);
	}
}

static void op_nl_ranges(struct walker *w, const struct pick *p)
{
	struct dump_seen d = { .tag = p->tag };
	unsigned int how = rnd(&w->rng, 4);
	bool on_tag = p->kind == K_LIVE && rnd(&w->rng, 2);
	struct pt_nl_req r;
	int err;

	pt_nl_init(&r, w->nl.family, PTSCOPE_CMD_GET_RANGES, NLM_F_DUMP);
	pt_nl_put_u32(&r, PTSCOPE_A_PID, p->pid);
	pt_nl_put_u32(&r, PTSCOPE_A_FLAGS, how);
	if (on_tag) {
		pt_nl_put_u64(&r, PTSCOPE_A_START, p->tag);
		pt_nl_put_u64(&r, PTSCOPE_A_END, p->tag + TAG_LEN);
	} else if (p->kind == K_LIVE && p->known && rnd(&w->rng, 2)) {
		pt_nl_put_u64(&r, PTSCOPE_A_START, p->known);
		pt_nl_put_u64(&r, PTSCOPE_A_END, p->known + KNOWN_LEN);
	}
	err = nl_request(w, &r, ranges_cb, &d);
	verdict(w, OP_NL_RANGES, p, err, w->nl.extack);
	if (!err && d.bad)
		unexpected(w, "nl-ranges: malformed range message");
	if (on_tag && alive_throughout(p)) {
		w->alive_checks++;
		if (!err && d.tag_pages != TAG_PAGES)
			unexpected(w, "nl-ranges: pid %d alive throughout, %lu of its %d tag pages present",
				   p->pid, d.tag_pages, TAG_PAGES);
	}
}

struct vtop_seen {
	int stop;
	uint64_t phys;
};

static int vtop_cb(const struct nlmsghdr *nh, void *arg)
{
	const struct nlattr *tb[PTSCOPE_A_MAX + 1], *v[PTSCOPE_VTOP_MAX + 1];
	struct vtop_seen *s = arg;

	if (!pt_nl_parse_msg(nh, tb, PTSCOPE_A_MAX) || !tb[PTSCOPE_A_VTOP] ||
	    !pt_nl_parse_nest(tb[PTSCOPE_A_VTOP], v, PTSCOPE_VTOP_MAX) ||
	    !v[PTSCOPE_VTOP_STOP]) {
		s->stop = -2;
		return 0;
	}
	s->stop = pt_nl_u8(v[PTSCOPE_VTOP_STOP]);
	s->phys = pt_nl_u64(v[PTSCOPE_VTOP_PHYS]);
	return 0;
}

/*
 * The address to translate: mostly a tag page (never moves), else a page
 * of the known region (moves, pages out, collapses), else anywhere.
 */
static unsigned long vtop_addr(struct walker *w, const struct pick *p)
{
	unsigned int r = rnd(&w->rng, 10);

	if (p->kind == K_LIVE && r < 5)
		return p->tag + rnd(&w->rng, TAG_PAGES) * PAGE + rnd(&w->rng, PAGE);
	if (p->kind == K_LIVE && p->known && r < 8)
		return p->known + rnd(&w->rng, KNOWN_LEN);
	return ((unsigned long)rnd(&w->rng, 1U << 31) << 16) & 0x7ffffffff000UL;
}

/* pagemap's frame for addr, or 0 when not present (or unreadable). */
static uint64_t pagemap_pfn(pid_t pid, unsigned long addr)
{
	uint64_t e;

	if (pt_pagemap_read(pid, addr & ~(PAGE - 1), 1, &e) ||
	    !(e & PM_PRESENT))
		return 0;
	return e & PM_PFN_MASK;
}

/*
 * ptscope's translation is compared with pagemap's read before and after
 * it: when both agree, nothing moved in between, and vtop must agree too.
 */
static void vtop_compare(struct walker *w, const struct pick *p,
			 unsigned long addr, bool leaf, uint64_t phys,
			 uint64_t before, const char *what)
{
	uint64_t after;

	/*
	 * Only tag pages, which are never freed: a frame freed and faulted
	 * again (MADV_PAGEOUT and a refault, heap trimming in this very
	 * process) can come back as the same pfn from the per-CPU free
	 * lists, and pagemap before and after would not see the change.
	 */
	if (!before || p->kind != K_LIVE || addr < p->tag ||
	    addr >= p->tag + TAG_LEN)
		return;
	after = pagemap_pfn(p->pid, addr);
	if (after != before || (p->kind == K_LIVE && !alive_throughout(p)))
		return;
	w->vtop_cmp++;
	if (!leaf || phys >> 12 != before) {
		w->vtop_mismatch++;
		unexpected(w, "%s: pid %d %#lx: pagemap pfn %#" PRIx64 " before and after, vtop %s %#" PRIx64,
			   what, p->pid, addr, before, leaf ? "phys" : "no leaf",
			   phys);
	}
}

static void op_nl_vtop(struct walker *w, const struct pick *p)
{
	unsigned long addr = vtop_addr(w, p);
	struct vtop_seen s = { .stop = -1 };
	struct pt_nl_req r;
	uint64_t before;
	int err;

	before = p->kind == K_LIVE || p->kind == K_SELF ?
		 pagemap_pfn(p->pid, addr) : 0;
	pt_nl_init(&r, w->nl.family, PTSCOPE_CMD_VTOP, 0);
	pt_nl_put_u32(&r, PTSCOPE_A_PID, p->pid);
	pt_nl_put_u64(&r, PTSCOPE_A_ADDR, addr);
	err = nl_request(w, &r, vtop_cb, &s);
	verdict(w, OP_NL_VTOP, p, err, w->nl.extack);
	if (err)
		return;
	if (s.stop < 0) {
		unexpected(w, "nl-vtop: no or malformed reply");
		return;
	}
	vtop_compare(w, p, addr, s.stop == PTSCOPE_VTOP_STOP_LEAF, s.phys,
		     before, "nl-vtop");
	if (alive_throughout(p))
		w->alive_checks++;
}

struct stats_seen {
	pid_t watch[PTSCOPE_STATS_WATCH_MAX + 1];
	int nr_watch;
	bool has_counters, enabled_attr;
};

static int stats_cb(const struct nlmsghdr *nh, void *arg)
{
	const struct nlattr *tb[PTSCOPE_A_MAX + 1];
	struct stats_seen *s = arg;
	const struct nlattr *a;

	if (!pt_nl_parse_msg(nh, tb, PTSCOPE_A_MAX) || !tb[PTSCOPE_A_STATS])
		return 0;
	a = tb[PTSCOPE_A_STATS];
	pt_nl_for_each(n, pt_nl_data(a), pt_nl_len(a)) {
		unsigned int type = n->nla_type & NLA_TYPE_MASK;

		if (type == PTSCOPE_STATS_WATCH_PID &&
		    s->nr_watch <= PTSCOPE_STATS_WATCH_MAX)
			s->watch[s->nr_watch++] = pt_nl_u32(n);
		if (type == PTSCOPE_STATS_COUNTERS)
			s->has_counters = true;
		if (type == PTSCOPE_STATS_ENABLED)
			s->enabled_attr = true;
	}
	return 0;
}

static int nl_get_stats(struct walker *w, pid_t pid, struct stats_seen *s)
{
	struct pt_nl_req r;

	memset(s, 0, sizeof(*s));
	pt_nl_init(&r, w->nl.family, PTSCOPE_CMD_GET_STATS, 0);
	if (pid)
		pt_nl_put_u32(&r, PTSCOPE_A_PID, pid);
	return nl_request(w, &r, stats_cb, s);
}

static void op_nl_get_stats(struct walker *w, const struct pick *p)
{
	struct stats_seen s;
	int err;

	if (rnd(&w->rng, 2)) {
		err = nl_get_stats(w, 0, &s);
		if (err || !s.has_counters || !s.enabled_attr ||
		    s.nr_watch > PTSCOPE_STATS_WATCH_MAX)
			unexpected(w, "nl-get-stats (global): %s, counters %d, %d watched",
				   strerror(-err), s.has_counters, s.nr_watch);
		return;
	}
	err = nl_get_stats(w, p->pid, &s);
	verdict(w, OP_NL_GET_STATS, p, err, w->nl.extack);
}

static int nl_set_stats(struct walker *w, int type, uint32_t v)
{
	struct pt_nl_req r;
	struct nlattr *n;

	pt_nl_init(&r, w->nl.family, PTSCOPE_CMD_SET_STATS, 0);
	n = pt_nl_nest_start(&r, PTSCOPE_A_STATS);
	if (type == PTSCOPE_STATS_ENABLED)
		pt_nl_put_u8(&r, type, v);
	else
		pt_nl_put_u32(&r, type, v);
	pt_nl_nest_end(&r, n);
	return nl_request(w, &r, NULL, NULL);
}

/* A watched pid to drop: from the global list, so the list never clogs. */
static pid_t some_watched(struct walker *w)
{
	struct stats_seen s;

	if (nl_get_stats(w, 0, &s) || !s.nr_watch)
		return 0;
	return s.watch[rnd(&w->rng, s.nr_watch)];
}

static void op_nl_set_stats(struct walker *w, const struct pick *p)
{
	unsigned int r = rnd(&w->rng, 10);
	pid_t pid;
	int err;

	if (!stats_supported)
		return;
	if (r < 3) {
		err = nl_set_stats(w, PTSCOPE_STATS_ENABLED, r != 0);
		if (err)
			unexpected(w, "nl-set-stats enabled=%d: %s (%s)", r != 0,
				   strerror(-err), w->nl.extack);
	} else if (r < 6) {
		err = nl_set_stats(w, PTSCOPE_STATS_WATCH_ADD, p->pid);
		if (err == -EEXIST || err == -ENOSPC)
			err = 0;
		verdict(w, OP_NL_SET_STATS, p, err, w->nl.extack);
	} else {
		pid = some_watched(w);
		if (!pid)
			return;
		err = nl_set_stats(w, PTSCOPE_STATS_WATCH_DEL, pid);
		if (err && err != -ENOENT)
			unexpected(w, "nl-set-stats watch-del %d: %s (%s)", pid,
				   strerror(-err), w->nl.extack);
	}
}

/*
 * Wait (up to 4 s) until the target of @p has been replaced; false if it
 * outlived the wait.
 */
static bool wait_replaced(const struct pick *p)
{
	double end = now() + 4;

	while (now() < end && !walkers_stop) {
		if (LOAD(sh->slot[p->slot].gen) != p->gen)
			return true;
		usleep(20000);
	}
	return false;
}

/*
 * A per-page dump of a live target, one message read, then the target dies
 * (and its pid may come back): the rest must end cleanly, ESRCH or done.
 */
static void op_nl_stale_dump(struct walker *w, const struct pick *p)
{
	struct dump_seen d = { .tag = p->tag };
	struct pt_nl_answer first = { 0 };
	struct pt_nl_req r;
	int err;

	if (p->kind != K_LIVE)
		return;
	pt_nl_init(&r, w->nl.family, PTSCOPE_CMD_GET_RANGES, NLM_F_DUMP);
	pt_nl_put_u32(&r, PTSCOPE_A_PID, p->pid);
	pt_nl_put_u32(&r, PTSCOPE_A_FLAGS, PTSCOPE_RF(PER_PAGE));
	w->nl_reqs++;
	err = pt_nl_send(&w->nl, &r);
	if (!err)
		err = pt_nl_read_one(&w->nl, NULL, NULL, &first);
	if (err) {
		unexpected(w, "nl-stale-dump: %s", strerror(-err));
		return;
	}
	wait_replaced(p);
	/* The first datagram may already hold the end of the dump. */
	if (first.done)
		return;
	err = pt_nl_recv(&w->nl, ranges_cb, &d, NULL);
	if (err == -ESRCH)
		w->stale_esrch++;
	else if (!err)
		w->stale_old++;
	else
		unexpected(w, "nl-stale-dump: the rest ended with %s (%s)",
			   strerror(-err), w->nl.extack);
}

/* ---- procfs operations ---- */

/*
 * open, write SEL, read up to MAX bytes.  *werr and *rerr get the write's
 * and the read's -errno (0 on success).  Returns the text read (malloc()ed,
 * NUL-terminated) or NULL.
 */
static char *proc_session(const char *file, const char *sel, size_t max,
			  int *werr, int *rerr)
{
	char path[64], *buf;
	size_t len = 0, cap = 65536;
	ssize_t n;
	int fd;

	*werr = *rerr = 0;
	snprintf(path, sizeof(path), "/proc/ptscope/%s", file);
	fd = open(path, O_RDWR);
	if (fd < 0) {
		*werr = -errno;
		return NULL;
	}
	if (sel && write(fd, sel, strlen(sel)) != (ssize_t)strlen(sel)) {
		*werr = -errno;
		close(fd);
		return NULL;
	}
	buf = malloc(cap + 1);
	if (!buf)
		abort();
	while (len < max) {
		if (len == cap) {
			cap *= 2;
			buf = realloc(buf, cap + 1);
			if (!buf)
				abort();
		}
		n = read(fd, buf + len, cap - len);
		if (n < 0) {
			*rerr = -errno;
			break;
		}
		if (n == 0)
			break;
		len += n;
	}
	buf[len] = '\0';
	close(fd);
	return buf;
}

static void proc_walk(struct walker *w, enum op op, const struct pick *p)
{
	static const char * const files[] = {
		[OP_PROC_VMAS] = "vmas", [OP_PROC_RANGES] = "ranges",
		[OP_PROC_PAGES] = "pages", [OP_PROC_SUMMARY] = "summary",
	};
	bool partial = rnd(&w->rng, 4) == 0, whole = true;
	int werr, rerr, err;
	char sel[96], *text;

	if (op == OP_PROC_SUMMARY) {
		snprintf(sel, sizeof(sel), "%d\n", p->pid);
	} else if (p->kind == K_LIVE && p->known && rnd(&w->rng, 2)) {
		snprintf(sel, sizeof(sel), "%d %lx %lx%s\n", p->pid, p->known,
			 p->known + KNOWN_LEN, rnd(&w->rng, 2) ? " holes" : "");
		whole = false;
	} else {
		snprintf(sel, sizeof(sel), "%d%s\n", p->pid,
			 rnd(&w->rng, 3) ? "" : " 0 7fffffffffff holes");
	}
	w->proc_ops++;
	text = proc_session(files[op], sel, partial ? 4096 : 1 << 22, &werr,
			    &rerr);
	err = werr ? werr : rerr;
	verdict(w, op, p, err, files[op]);
	if (!err && text && !partial && !text[0] && op != OP_PROC_SUMMARY)
		unexpected(w, "%s: pid %d: empty report", files[op], p->pid);
	if (op == OP_PROC_VMAS && whole && !partial && alive_throughout(p)) {
		char want[32];

		w->alive_checks++;
		snprintf(want, sizeof(want), "\n%08lx-", p->tag);
		if (!err && text && !strstr(text, want))
			unexpected(w, "proc-vmas: pid %d alive throughout, tag %#lx missing",
				   p->pid, p->tag);
	}
	free(text);

	/* The tag region through the row parser: all present. */
	if (op == OP_PROC_RANGES && p->kind == K_LIVE && rnd(&w->rng, 2)) {
		struct pt_row *rows = NULL;
		unsigned long pages = 0;
		int i, n;

		w->proc_ops++;
		n = pt_read_rows("ranges", p->pid, p->tag, p->tag + TAG_LEN, &rows);
		verdict(w, op, p, n < 0 ? n : 0, "ranges on the tag");
		for (i = 0; i < n; i++)
			if (rows[i].state == PT_PRESENT)
				pages += (rows[i].end - rows[i].start) / PAGE;
		free(rows);
		if (alive_throughout(p)) {
			w->alive_checks++;
			if (n >= 0 && pages != TAG_PAGES)
				unexpected(w, "proc-ranges: pid %d alive throughout, %lu of %d tag pages present",
					   p->pid, pages, TAG_PAGES);
		}
	}
}

static void op_proc_vtop(struct walker *w, const struct pick *p)
{
	unsigned long addr = vtop_addr(w, p);
	uint64_t before, phys = 0;
	int werr, rerr, err;
	char sel[64], *text, *s;

	before = p->kind == K_LIVE || p->kind == K_SELF ?
		 pagemap_pfn(p->pid, addr) : 0;
	snprintf(sel, sizeof(sel), "%d %lx\n", p->pid, addr);
	w->proc_ops++;
	text = proc_session("vtop", sel, 1 << 16, &werr, &rerr);
	err = werr ? werr : rerr;
	verdict(w, OP_PROC_VTOP, p, err, "vtop");
	if (!err && text) {
		s = strstr(text, "physical address ");
		if (s)
			phys = strtoull(s + strlen("physical address "), NULL, 16);
		if (!strstr(text, "stop: "))
			unexpected(w, "proc-vtop: no stop line");
		vtop_compare(w, p, addr, s != NULL, phys, before, "proc-vtop");
	}
	free(text);
}

static void op_proc_stats(struct walker *w, const struct pick *p)
{
	unsigned int r = rnd(&w->rng, 10);
	int werr, rerr, err;
	char cmd[48], *text;
	pid_t pid;

	w->proc_ops++;
	if (r < 5 || !stats_supported) {
		text = proc_session("stats", NULL, 1 << 20, &werr, &rerr);
		if (werr || rerr || !text || !strstr(text, "enabled ") ||
		    !strstr(text, "\n[all]\n"))
			unexpected(w, "proc-stats read: %s",
				   strerror(-(werr ? werr : rerr)));
		free(text);
		return;
	}
	if (r < 7) {
		snprintf(cmd, sizeof(cmd), r == 5 ? "on\n" : "off\n");
		err = pt_stats_cmd(cmd);
		if (err)
			unexpected(w, "proc-stats %s: %s", r == 5 ? "on" : "off",
				   strerror(-err));
	} else if (r < 9) {
		snprintf(cmd, sizeof(cmd), "watch %d\n", p->pid);
		err = pt_stats_cmd(cmd);
		if (err == -EEXIST || err == -ENOSPC)
			err = 0;
		verdict(w, OP_PROC_STATS, p, err, "watch");
	} else {
		pid = some_watched(w);
		if (!pid)
			return;
		snprintf(cmd, sizeof(cmd), "unwatch %d\n", pid);
		err = pt_stats_cmd(cmd);
		if (err && err != -ENOENT)
			unexpected(w, "proc-stats unwatch %d: %s", pid, strerror(-err));
	}
}

/* Malformed selections: EINVAL, always, whoever the pid is. */
static void op_proc_bad_selection(struct walker *w, const struct pick *p)
{
	static const char * const files[] = { "vmas", "ranges", "pages",
					      "summary", "vtop" };
	static const char * const bad[] = {
		"%d zz\n", "%d 1000 10\n", "%d 0 1 2 3 4 5\n", "-%d\n",
		"%d 0x\n", "%d holes holes\n",
	};
	const char *file = files[rnd(&w->rng, 5)];
	char sel[64];
	int werr, rerr;

	snprintf(sel, sizeof(sel), bad[rnd(&w->rng, 6)], p->pid);
	if (!strcmp(file, "vtop") && rnd(&w->rng, 2))
		snprintf(sel, sizeof(sel), "%d\n", p->pid);
	w->proc_ops++;
	free(proc_session(file, sel, 4096, &werr, &rerr));
	if (werr != -EINVAL)
		unexpected(w, "proc-bad-selection: %s '%.*s': %s, want EINVAL",
			   file, (int)strcspn(sel, "\n"), sel,
			   werr ? strerror(-werr) : "accepted");
}

/*
 * A selection made while the target lived, read after it died and its pid
 * perhaps came back: ESRCH, or a report of the old target (still held by
 * some other walker), but never one of the process now wearing its pid.
 */
static void op_proc_stale(struct walker *w, const struct pick *p)
{
	char sel[32], want[32], path[] = "/proc/ptscope/vmas";
	char *buf;
	ssize_t n;
	size_t len = 0;
	int fd;

	if (p->kind != K_LIVE)
		return;
	fd = open(path, O_RDWR);
	if (fd < 0) {
		unexpected(w, "proc-stale: open: %s", strerror(errno));
		return;
	}
	snprintf(sel, sizeof(sel), "%d\n", p->pid);
	w->proc_ops++;
	if (write(fd, sel, strlen(sel)) < 0) {
		if (errno != ESRCH)
			unexpected(w, "proc-stale: select %d: %s", p->pid,
				   strerror(errno));
		close(fd);
		return;
	}
	if (!wait_replaced(p)) {
		close(fd);
		return;
	}
	buf = malloc(1 << 22);
	if (!buf)
		abort();
	while ((n = read(fd, buf + len, (1 << 22) - 1 - len)) > 0)
		len += n;
	buf[len] = '\0';
	snprintf(want, sizeof(want), "\n%08lx-", p->tag);
	if (n < 0 && errno == ESRCH && !len)
		w->stale_esrch++;
	else if (n == 0 && strstr(buf, want))
		w->stale_old++;
	else {
		w->stale_wrong++;
		unexpected(w, "proc-stale: pid %d read after exit: %s, %zu bytes, old tag %s",
			   p->pid, n < 0 ? strerror(errno) : "eof", len,
			   strstr(buf, want) ? "present" : "absent");
	}
	free(buf);
	close(fd);
}

static enum op pick_op(struct walker *w)
{
	unsigned int total = 0, r, i;

	for (i = 0; i < OP_CNT; i++)
		total += op_weight[i];
	r = rnd(&w->rng, total);
	for (i = 0; i < OP_CNT; i++) {
		if (r < op_weight[i])
			return i;
		r -= op_weight[i];
	}
	return OP_NL_INFO;
}

static void *walker_main(void *arg)
{
	struct walker *w = arg;

	while (!walkers_stop) {
		struct pick p = pick_target(w);
		enum op op = pick_op(w);

		switch (op) {
		case OP_NL_INFO: op_nl_info(w); break;
		case OP_NL_SUMMARY: op_nl_summary(w, &p); break;
		case OP_NL_VMAS: op_nl_vmas(w, &p); break;
		case OP_NL_RANGES: op_nl_ranges(w, &p); break;
		case OP_NL_VTOP: op_nl_vtop(w, &p); break;
		case OP_NL_GET_STATS: op_nl_get_stats(w, &p); break;
		case OP_NL_SET_STATS: op_nl_set_stats(w, &p); break;
		case OP_NL_STALE_DUMP: op_nl_stale_dump(w, &p); break;
		case OP_PROC_VTOP: op_proc_vtop(w, &p); break;
		case OP_PROC_STATS: op_proc_stats(w, &p); break;
		case OP_PROC_BAD_SELECTION: op_proc_bad_selection(w, &p); break;
		case OP_PROC_STALE: op_proc_stale(w, &p); break;
		default: proc_walk(w, op, &p); break;
		}
		w->ops[op]++;
	}
	return NULL;
}

/* ---- the run ----------------------------------------------------------- */

static char saved_pid_max[32];

static int write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY), err = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, text, strlen(text)) < 0)
		err = -errno;
	close(fd);
	return err;
}

/* Lower pid_max so that pids come round; restored by restore_pid_max(). */
static bool lower_pid_max(void)
{
	char want[32];
	int fd = open("/proc/sys/kernel/pid_max", O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return false;
	n = read(fd, saved_pid_max, sizeof(saved_pid_max) - 1);
	close(fd);
	if (n <= 0)
		return false;
	saved_pid_max[n] = '\0';
	if (atoi(saved_pid_max) <= PID_MAX_STRESS)
		return true;
	snprintf(want, sizeof(want), "%d\n", PID_MAX_STRESS);
	if (write_file("/proc/sys/kernel/pid_max", want)) {
		saved_pid_max[0] = '\0';
		return false;
	}
	return true;
}

static void restore_pid_max(void)
{
	if (saved_pid_max[0] && write_file("/proc/sys/kernel/pid_max",
					   saved_pid_max))
		pt_fail("stress/pid-max: cannot restore pid_max %s",
			saved_pid_max);
}

/* Statistics off and the watch list empty, as the run found them. */
static void stats_cleanup(struct walker *w)
{
	pid_t pid;
	int i;

	if (!stats_supported)
		return;
	for (i = 0; i < 2 * PTSCOPE_STATS_WATCH_MAX && (pid = some_watched(w)); i++)
		nl_set_stats(w, PTSCOPE_STATS_WATCH_DEL, pid);
	if (nl_set_stats(w, PTSCOPE_STATS_ENABLED, 0))
		pt_fail("stress/stats-off: %s", w->nl.extack);
}

static void usage(const char *prog)
{
	fprintf(stderr, "usage: %s [--seconds N] [--walkers N] [--seed N]\n",
		prog);
	exit(2);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "seconds", required_argument, NULL, 's' },
		{ "walkers", required_argument, NULL, 'w' },
		{ "seed", required_argument, NULL, 'S' },
		{ "help", no_argument, NULL, 'h' },
		{ }
	};
	static struct walker walkers[MAX_WALKERS];
	unsigned long total[OP_CNT] = { 0 }, nl_reqs = 0, proc_ops = 0;
	unsigned long unexp = 0, alive = 0, vcmp = 0, vbad = 0;
	unsigned long st_esrch = 0, st_old = 0, st_wrong = 0;
	unsigned long last_rounds = 0, rounds;
	int seconds = 60, nwalkers = 4, opt, i, status;
	double start, end, last_progress, worst_stall = 0, t;
	bool pid_max_low;
	pid_t spawner_pid;
	static struct walker ctl;

	seed = (uint64_t)time(NULL);
	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (opt) {
		case 's': seconds = atoi(optarg); break;
		case 'w': nwalkers = atoi(optarg); break;
		case 'S': seed = strtoull(optarg, NULL, 0); break;
		default: usage(argv[0]);
		}
	}
	if (seconds < 1 || nwalkers < 1 || nwalkers > MAX_WALKERS ||
	    optind != argc)
		usage(argv[0]);
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("stress: %d s, %d walkers, %d targets at a time, seed %" PRIu64 "\n",
	       seconds, nwalkers, NR_SLOTS, seed);
	if (geteuid()) {
		pt_skip("stress: needs root (pagemap PFNs, statistics, pid_max)");
		return pt_summary();
	}
	if (pt_nl_open(&ctl.nl)) {
		pt_fail("stress/setup: cannot reach the ptscope netlink family");
		pt_nl_close(&ctl.nl);
		return pt_summary();
	}
	expected_levels = pt_paging_levels();
	{
		int err = pt_stats_cmd("off\n");

		if (err == -EOPNOTSUPP) {
			stats_supported = false;
			pt_skip("stress/stats: this kernel lacks the tracepoints");
		}
	}
	pid_max_low = lower_pid_max();

	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED) {
		pt_fail("stress/setup: mmap: %s", strerror(errno));
		restore_pid_max();
		return pt_summary();
	}
	spawner_pid = fork();
	if (spawner_pid == 0)
		spawner();
	/* Let the first targets set themselves up. */
	usleep(300000);

	for (i = 0; i < nwalkers; i++) {
		struct walker *w = &walkers[i];

		w->id = i;
		w->rng = (unsigned int)(seed * 31 + i * 7919) | 1;
		if (pt_nl_open(&w->nl) ||
		    pthread_create(&w->th, NULL, walker_main, w)) {
			pt_fail("stress/setup: walker %d cannot start", i);
			nwalkers = i;
			break;
		}
	}

	start = now();
	end = start + seconds;
	last_progress = start;
	while ((t = now()) < end) {
		usleep(200000);
		rounds = 0;
		for (i = 0; i < NR_SLOTS; i++)
			rounds += sh->slot[i].rounds;
		/* Slots restart at 0: any change means a target got on. */
		if (rounds != last_rounds) {
			last_rounds = rounds;
			last_progress = now();
		}
		if (now() - last_progress > worst_stall)
			worst_stall = now() - last_progress;
		if ((int)(t - start) / 10 != (int)(now() - start) / 10)
			printf("  %3d s: %lu targets, %lu mutations, %lu verifications\n",
			       (int)(now() - start), sh->targets, sh->mutations,
			       sh->verified);
	}
	walkers_stop = 1;
	for (i = 0; i < nwalkers; i++)
		pthread_join(walkers[i].th, NULL);
	sh->stop = 1;
	waitpid(spawner_pid, &status, 0);
	t = now() - start;

	for (i = 0; i < nwalkers; i++) {
		struct walker *w = &walkers[i];
		int k;

		for (k = 0; k < OP_CNT; k++)
			total[k] += w->ops[k];
		nl_reqs += w->nl_reqs;
		proc_ops += w->proc_ops;
		unexp += w->unexpected;
		alive += w->alive_checks;
		vcmp += w->vtop_cmp;
		vbad += w->vtop_mismatch;
		st_esrch += w->stale_esrch;
		st_old += w->stale_old;
		st_wrong += w->stale_wrong;
		pt_nl_close(&w->nl);
	}
	printf("  operations:");
	for (i = 0; i < OP_CNT; i++)
		printf(" %s=%lu", op_names[i], total[i]);
	printf("\n");

	for (i = 0; i < OP_CNT; i++)
		if (!total[i])
			break;
	if (unexp)
		pt_fail("stress/replies: %lu of %lu requests ended outside their expected set",
			unexp, nl_reqs + proc_ops);
	else if (i < OP_CNT)
		pt_fail("stress/replies: operation %s never ran", op_names[i]);
	else
		pt_pass("stress/replies: %lu netlink requests and %lu procfs sessions, every one a valid reply or an expected errno",
			nl_reqs, proc_ops);
	if (alive)
		pt_pass("stress/alive: %lu walks of targets alive throughout succeeded and found their tag", alive);
	else
		pt_fail("stress/alive: no walk of a target alive throughout was checked");
	if (vcmp && !vbad)
		pt_pass("stress/vtop-vs-pagemap: %lu translations agree with pagemap", vcmp);
	else
		pt_fail("stress/vtop-vs-pagemap: %lu of %lu translations disagree with pagemap",
			vbad, vcmp);
	if (st_wrong)
		pt_fail("stress/stale-selection: %lu stale reads showed another process", st_wrong);
	else if (st_esrch + st_old)
		pt_pass("stress/stale-selection: %lu reads after the target died: %lu ESRCH, %lu the old target",
			st_esrch + st_old, st_esrch, st_old);
	else
		pt_skip("stress/stale-selection: no target died during a stale read");
	if (sh->csum_errors || !sh->verified)
		pt_fail("stress/checksums: %lu wrong words in %lu verifications; first: %s",
			sh->csum_errors, sh->verified, sh->first_error);
	else
		pt_pass("stress/checksums: %lu verifications of known memory, %lu grandchildren, no byte changed",
			sh->verified, sh->grandchildren);
	if (sh->crashed || !WIFEXITED(status) || WEXITSTATUS(status))
		pt_fail("stress/targets: %lu targets ended badly (%s), spawner status %#x",
			sh->crashed, sh->crash, status);
	else if (sh->targets < 2 * NR_SLOTS)
		pt_fail("stress/targets: only %lu targets in %.0f s", sh->targets, t);
	else
		pt_pass("stress/targets: %lu targets (%lu SIGKILLed mid-work), %lu short-lived threads, all exited cleanly",
			sh->targets, sh->killed, sh->threads);
	if (worst_stall > STALL_LIMIT)
		pt_fail("stress/progress: targets made no mmap/munmap progress for %.1f s",
			worst_stall);
	else
		pt_pass("stress/progress: targets kept mapping and unmapping (longest pause %.1f s)",
			worst_stall);
	if (sh->reused)
		pt_pass("stress/pid-reuse: %lu targets got a pid an earlier target had", sh->reused);
	else
		pt_skip("stress/pid-reuse: no pid came round%s",
			pid_max_low ? "" : " (pid_max could not be lowered)");

	ctl.rng = 1;
	stats_cleanup(&ctl);
	{
		uint32_t levels = 0;
		struct pt_nl_req r;
		int err;

		pt_nl_init(&r, ctl.nl.family, PTSCOPE_CMD_GET_INFO, 0);
		err = pt_nl_xfer(&ctl.nl, &r, info_cb, &levels, NULL);
		if (!err && levels == expected_levels)
			pt_pass("stress/after: the module still answers (%u-level paging)", levels);
		else
			pt_fail("stress/after: GET_INFO %s, %u levels", strerror(-err), levels);
	}
	pt_nl_close(&ctl.nl);
	restore_pid_max();

	printf("stress: %.0f s, %d walkers, %lu netlink requests, %lu procfs reads, %lu target mutations, %lu targets (pids reused: %lu), %lu checksum errors\n",
	       t, nwalkers, nl_reqs, proc_ops, sh->mutations, sh->targets,
	       sh->reused, sh->csum_errors);
	return pt_summary();
}
