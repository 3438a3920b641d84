// SPDX-License-Identifier: GPL-2.0
/*
 * ipckit-scale-bench: how ipckit and the kernel's binder scale with the
 * number of live references, in one boot (P13, rows 5 to 7).
 *
 *	ipckit-scale-bench -a DEVICE_A -b DEVICE_B [-m MAX] [-r ROUNDS]
 *			   [-n CALLS] [-N OBJECTS] [-t THREADS]
 *			   [-p refs,teardown,memory]
 *
 * refs      Round trip vs live refs. Per device, a context manager S hands
 *           out distinct nodes of its own (BINDER_TYPE_BINDER objects in
 *           the replies to sync calls, as handles_test does) and a holder
 *           process H takes a strong reference on each (BC_ACQUIRE) and
 *           frees the reply. At each level L of 10, 100, ... 100 000 (up to
 *           MAX) both devices' holders grow to L refs, then time empty sync
 *           calls to S through two of their handles: the last one made and
 *           the one made halfway (L/2). A second holder per device keeps
 *           10 refs and is timed in the same rounds, so "L refs / 10 refs"
 *           compares calls made minutes apart on a TCG vCPU whose speed
 *           drifts with the host's load. ROUNDS rounds of CALLS calls per
 *           handle; each round runs A's holders, then B's, reversed every
 *           other round. A call is binder_call() and the reply buffer's
 *           BC_FREE_BUFFER, as ipckit-bench's "round trip, empty" row.
 *           Printed: a table, a CSV block (the last handle) and the ratio
 *           at MAX to at 10 per device.
 * teardown  H, holding MAX refs, is SIGKILLed; printed: the time until its
 *           exit is seen (pidfd), until the driver's own counters say its
 *           refs, threads and process are gone, and until S has read the
 *           BR_DECREFS of the last of H's nodes (S counts them in shared
 *           memory with a timestamp: a precise end, where the counters'
 *           is as coarse as one reading of them). The reference releases a
 *           dead process from a workqueue (binder_deferred_release()), so
 *           the exit alone does not compare: the counters are debugfs
 *           binder/stats' global "active" lines (print_binder_stats()) and
 *           ipckit/<device>/stats' *_created - *_deleted and procs.
 * memory    Slab bytes per node, per ref and per idle thread, read two
 *           ways: "pages", /proc/meminfo's Slab: (pages held by slab
 *           caches) after vm.stat_refresh folds the per-CPU counters, and
 *           "objects", the sum over /proc/slabinfo of active objects times
 *           object size. S makes OBJECTS nodes and T takes a ref on each
 *           (delta 1: node + ref), then a third process U asks S for the
 *           same nodes (delta 2: refs only): per ref = delta 2 / OBJECTS,
 *           per node = delta 1 / OBJECTS - per ref. Per thread: THREADS
 *           pthreads of one process, created before the first reading,
 *           each make one BINDER_VERSION ioctl (both drivers make the
 *           caller a thread of the process on any ioctl) and wait; delta /
 *           THREADS. Reply buffers are freed and transactions done before
 *           each reading. Each figure is the median of 3 repetitions,
 *           devices interleaved. Both include the kmalloc bucket rounding
 *           (a 136-byte object takes 192), i.e. what the objects cost the
 *           machine, not their sizeof; pages also count whole slabs, less
 *           the free objects that partial slabs already had. The caches
 *           that grew by about one object per object are listed above the
 *           table to show where it went.
 *
 * Like ipckit-bench it reports and never judges: the exit status only says
 * whether every measurement ran. IPCKIT_GET_VERSION tells which device is
 * ipckit, so ratios are ipckit/reference whatever the order of -a and -b.
 *
 * Placement: with two CPUs or more, every binder process (servers,
 * holders) runs on CPU 0 (as ipckit-bench's default "same") and this
 * process, which polls the counters during a teardown, on CPU 1. The
 * reference's release work is queued from the holder's exit, on CPU 0.
 *
 * Time: the reference numbers a new handle by walking the process's
 * handles from the lowest (O(n) per handle), so building up 100 000 refs
 * took it 992 s under TCG against 0.9 s for ipckit (the whole program:
 * 17.5 minutes); the holder prints progress every 30 s while it grows.
 * Every wait is bounded (GROW_MS and friends below).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/ipckit.h>

#include "binder_util.h"
#include "node_giver.h"

#define DEFAULT_MAX_REFS	100000
/*
 * 20 x 100 calls per handle and holder: short rounds, so that the
 * interleaving cancels the TCG vCPU's drift; 2000 samples per median.
 */
#define DEFAULT_ROUNDS		20
#define DEFAULT_CALLS		100
#define DEFAULT_MEM_OBJECTS	10000
#define DEFAULT_MEM_THREADS	1024
#define MEM_REPS		3
#define WARMUP_CALLS		25	/* untimed, per handle and level */
#define FIRST_LEVEL		10
#define HANDLE_0		(-1)	/* h_req.node: the context manager */
#define SMALL_BASE		20000000	/* the 10-ref holder's first node */

#define CODE_PING	0x50494e47	/* "PING": reply empty */

/*
 * Bounds. The long ones are sized for the reference under TCG: its
 * build-up to 100 000 refs takes about 17 minutes, and one holder idles
 * while the other device's holder grows.
 */
#define MGR_MS		60000	/* becoming manager: the last one's release */
#define GROW_MS		(3600 * 1000)	/* one level's build-up */
#define IDLE_MS		(3600 * 1000)	/* a child's wait for its next command */
#define BATCH_MS	600000	/* one reply of nodes */
#define CMD_MS		120000	/* any other command */
#define EXIT_MS		600000	/* a SIGKILLed holder's exit */
#define RELEASE_MS	(1800 * 1000)	/* the driver's release of it */
#define DRAIN_MS	600000	/* counters back to a baseline */
#define PROGRESS_MS	30000

enum { NR_DEV = 2 };
enum { H_LAST, H_MID, NR_H };	/* which handle a level's calls go to */
static const char *const h_name[NR_H] = { "last", "mid" };

struct device {
	const char *path;
	char label[32];		/* "ipckit", "reference", or the basename */
	bool ipckit;
	char stats[256];	/* its driver's debugfs counters */
	/* parts 1 and 2: the context manager and the holders of refs */
	struct binder_child server, holder, small;
};

static struct device dev[NR_DEV];

static struct {
	unsigned int max_refs, rounds, calls, mem_objects, mem_threads;
	bool refs, teardown, memory;
	int child_cpu, parent_cpu;	/* -1: not pinned */
} cfg;

/*
 * What each device's S has seen of its nodes' release (shared): how many
 * BR_DECREFS it read, and when (CLOCK_MONOTONIC ns) it read the last.
 */
struct s_report {
	long decrefs;
	long long last_ns;
};

static struct s_report *s_seen;

/*
 * Round-trip samples (us) of one level, written by the holders (shared,
 * mapped before they fork): [device][holder][handle][round * calls + call].
 */
static double *shm;
static size_t shm_len;

static long long now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000LL + ts.tv_nsec / 1000;
}

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void sleep_us(long us)
{
	struct timespec ts = { us / 1000000, (us % 1000000) * 1000 };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/* --- the driver's counters ----------------------------------------------- */

/* Live objects of a driver (the reference: all its devices). */
struct counts {
	long procs, threads, nodes, refs;
};

static char stats_buf[256 * 1024];

/* The whole of a debugfs file (as much as fits), NUL-terminated. */
static int read_all(const char *path, char *buf, size_t size)
{
	size_t got = 0;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	while (got < size - 1) {
		n = read(fd, buf + got, size - 1 - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += n;
	}
	close(fd);
	buf[got] = '\0';
	return 0;
}

/*
 * The reference's binder/stats: the global "<obj>: active N total M" lines
 * come first, then a section per process ("proc <pid>", its lines
 * indented); an object never created has no line. ipckit's stats: "name
 * value" lines, procs being the processes not yet freed.
 */
static int read_counts(const struct device *d, struct counts *c)
{
	char *line, *save = NULL;
	long created[4] = { 0 }, deleted[4] = { 0 }, v;
	static const char *const obj[4] = { "proc", "thread", "node", "ref" };
	char name[64];
	int i, ret;

	memset(c, 0, sizeof(*c));
	ret = read_all(d->stats, stats_buf, sizeof(stats_buf));
	if (ret)
		return ret;
	for (line = strtok_r(stats_buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (!d->ipckit) {
			if (!strncmp(line, "proc ", 5))
				break;	/* the per-process sections */
			if (sscanf(line, "%63[a-z_]: active %ld", name, &v) != 2)
				continue;
			for (i = 0; i < 4; i++)
				if (!strcmp(name, obj[i]))
					created[i] = v;	/* active */
			continue;
		}
		if (sscanf(line, "%63s %ld", name, &v) != 2)
			continue;
		if (!strcmp(name, "procs"))
			c->procs = v;
		for (i = 1; i < 4; i++) {
			size_t len = strlen(obj[i]);

			if (strncmp(name, obj[i], len) || name[len] != '_')
				continue;
			if (!strcmp(name + len + 1, "created"))
				created[i] = v;
			else if (!strcmp(name + len + 1, "deleted"))
				deleted[i] = v;
		}
	}
	if (!d->ipckit)
		c->procs = created[0];
	c->threads = created[1] - deleted[1];
	c->nodes = created[2] - deleted[2];
	c->refs = created[3] - deleted[3];
	return 0;
}

static bool counts_at_most(const struct counts *c, const struct counts *base)
{
	return c->procs <= base->procs && c->threads <= base->threads &&
	       c->nodes <= base->nodes && c->refs <= base->refs;
}

/*
 * Poll until nothing is left above base (nodes too when with_nodes),
 * for at most timeout_ms: the time it took in *us (from start_us), the
 * median cost of one reading in *read_us. Between readings it sleeps
 * 1 ms or three times the last reading's cost, whichever is longer: the
 * reference's file walks every live process's nodes and refs under their
 * locks, and a poller that never let go would slow the release it waits
 * for.
 */
static int wait_counts(const struct device *d, const struct counts *base,
		       bool with_nodes, long long start_us, int timeout_ms,
		       long long *us, double *read_us)
{
	static long costs[4096];
	long long deadline = start_us + timeout_ms * 1000LL, t, cost;
	struct counts c, want = *base;
	size_t n = 0, i, j;
	int ret;

	if (!with_nodes)
		want.nodes = __LONG_MAX__;
	for (;;) {
		t = now_us();
		ret = read_counts(d, &c);
		cost = now_us() - t;
		if (ret)
			return ret;
		if (n < sizeof(costs) / sizeof(costs[0]))
			costs[n++] = cost;
		if (counts_at_most(&c, &want))
			break;
		if (now_us() > deadline) {
			fprintf(stderr,
				"ipckit-scale-bench: %s: after %d s still %ld procs, %ld threads, %ld nodes, %ld refs (want %ld, %ld, %ld, %ld)\n",
				d->label, timeout_ms / 1000, c.procs, c.threads,
				c.nodes, c.refs, base->procs, base->threads,
				base->nodes, base->refs);
			return -ETIMEDOUT;
		}
		sleep_us(cost * 3 > 1000 ? cost * 3 : 1000);
	}
	*us = now_us() - start_us;
	/* Insertion sort: n is small and mostly sorted already. */
	for (i = 1; i < n; i++)
		for (j = i; j && costs[j - 1] > costs[j]; j--) {
			long tmp = costs[j];

			costs[j] = costs[j - 1];
			costs[j - 1] = tmp;
		}
	if (read_us)
		*read_us = costs[n / 2];
	return 0;
}

/* Wait for everything since base to be released (between measurements). */
static int drain(const struct device *d, const struct counts *base)
{
	long long us;

	return wait_counts(d, base, true, now_us(), DRAIN_MS, &us, NULL);
}

/*
 * Wait (up to 10 s) for the counters to hold still for 200 ms: the
 * reference releases the process that binder_is_ipckit() opened and
 * closed from its workqueue, and a baseline read before that would count
 * it.
 */
static int quiesce(const struct device *d)
{
	struct counts a, b;
	int i, ret;

	ret = read_counts(d, &a);
	for (i = 0; !ret && i < 50; i++) {
		binder_sleep_ms(200);
		ret = read_counts(d, &b);
		if (!ret && !memcmp(&a, &b, sizeof(a)))
			return 0;
		a = b;
	}
	return ret ?: -ETIMEDOUT;
}

/* --- S: the context manager handing out nodes (node_giver.h) ------------ */

/*
 * Serve until killed or idle for IDLE_MS. The BR_DECREFS that a dying
 * holder's refs cause are counted in s_seen, for the teardown.
 */
static int server_main(void *arg)
{
	static struct node_giver s;
	const struct device *d = arg;
	struct s_report *seen = &s_seen[d - dev];
	struct node_giver_round rd;
	int ret;

	ret = binder_pin_cpu(cfg.child_cpu);
	if (!ret)
		ret = binder_open_manager(&s.dev, d->path, NULL, MGR_MS);
	binder_child_ready(ret);
	if (ret)
		return 2;
	for (;;) {
		ret = node_giver_read(&s, IDLE_MS, &rd);
		if (ret)
			return ret;
		if (rd.decrefs) {
			/* The count last, published after the time. */
			seen->last_ns = now_ns();
			__atomic_store_n(&seen->decrefs,
					 seen->decrefs + rd.decrefs,
					 __ATOMIC_RELEASE);
		}
		ret = node_giver_answer(&s, &rd);
		if (ret)
			return ret;
	}
}

static int server_start(struct device *d, struct binder_child *c)
{
	int ret = binder_child_start(c, server_main, d);

	if (ret)
		return ret;
	ret = binder_child_wait_ready(c, MGR_MS + 10000);
	if (ret) {
		fprintf(stderr, "ipckit-scale-bench: %s: server: %s\n",
			d->label, strerror(ret < 0 ? -ret : ret));
		binder_child_kill(c);
	}
	return ret ? -EIO : 0;
}

/* --- H: a process holding refs, driven by commands ---------------------- */

enum { H_GROW = 1, H_PING, H_QUIT };

struct h_req {
	__u32 op;
	__u32 count;	/* GROW: refs wanted in all; PING: calls */
	__s32 node;	/* PING: through the handle of this node, or HANDLE_0 */
	__s64 at;	/* PING: shm index of the first sample, or -1 */
};

struct h_rep {
	__s32 err;
	__u32 made;	/* refs held */
	__s64 us;	/* GROW: how long it took */
};

struct h_state {
	const struct device *d;
	__u32 max;
	__u32 base;		/* index of the node of handles[0] */
	struct binder_dev dev;
	__u32 *handles;		/* of node i */
	__u32 made;
	__u32 *cmds;		/* the BC_ACQUIREs of one batch */
};

/* Write len bytes of commands at once: 0, -errno, -EPROTO if not all. */
static int write_all(int fd, const void *buf, size_t len)
{
	size_t consumed = 0;
	int ret = binder_write(fd, buf, len, &consumed);

	return ret ? ret : consumed == len ? 0 : -EPROTO;
}

/*
 * Ask S for count nodes from index base + first, keep their handles, take
 * a strong reference on each and free the reply.
 */
static int h_get(struct h_state *h, __u32 first, __u32 count)
{
	const struct flat_binder_object *objs;
	binder_uintptr_t buf;
	size_t n = 0, i;
	int ret;

	ret = node_giver_get(&h->dev, h->base + first, count, BATCH_MS, &objs,
			     &buf);
	if (ret)
		return ret;
	for (i = 0; i < count; i++) {
		if (objs[i].hdr.type != BINDER_TYPE_HANDLE)
			ret = -EPROTO;
		h->handles[first + i] = objs[i].handle;
		h->cmds[n++] = BC_ACQUIRE;
		h->cmds[n++] = objs[i].handle;
	}
	h->cmds[n++] = BC_FREE_BUFFER;
	memcpy(&h->cmds[n], &buf, sizeof(buf));
	n += sizeof(buf) / sizeof(__u32);
	return write_all(h->dev.fd, h->cmds, n * sizeof(__u32)) ?: ret;
}

/* Grow to want refs in batches of about a second each, with progress. */
static int h_grow(struct h_state *h, __u32 want)
{
	long long start = binder_now_ms(), said = start, t0, elapsed;
	__u32 batch = FIRST_LEVEL, count;
	int ret;

	while (h->made < want) {
		count = batch < want - h->made ? batch : want - h->made;
		t0 = binder_now_ms();
		ret = h_get(h, h->made, count);
		if (ret)
			return ret;
		h->made += count;
		elapsed = binder_now_ms() - t0;
		batch = elapsed ? batch * 1000 / elapsed : NODE_GIVER_MAX_BATCH;
		batch = batch < 1 ? 1 :
			batch > NODE_GIVER_MAX_BATCH ? NODE_GIVER_MAX_BATCH : batch;
		if (binder_now_ms() - said >= PROGRESS_MS) {
			said = binder_now_ms();
			printf("ipckit-scale-bench: %s: %u of %u refs, %.0f s\n",
			       h->d->label, h->made, want, (said - start) / 1e3);
			fflush(stdout);
		}
	}
	return 0;
}

static int h_ping(struct h_state *h, const struct h_req *req)
{
	__u32 handle = 0, i;
	struct binder_result res;
	long long t;
	int ret;

	if (req->node != HANDLE_0) {
		if (req->node < 0 || (__u32)req->node >= h->made)
			return -EINVAL;
		handle = h->handles[req->node];
	}
	if (req->at >= 0 && (__u64)req->at + req->count > shm_len)
		return -EINVAL;
	for (i = 0; i < req->count; i++) {
		t = now_ns();
		ret = binder_call(&h->dev, handle, CODE_PING, 0, NULL, 0, &res);
		if (ret)
			return ret;
		if (res.cmd != BR_REPLY)
			return -EPROTO;
		ret = binder_free_buffer(&h->dev, res.tr.data.ptr.buffer);
		if (ret)
			return ret;
		if (req->at >= 0)
			shm[req->at + i] = (now_ns() - t) / 1e3;
	}
	return 0;
}

struct holder_arg {
	const struct device *d;
	__u32 max, base;
};

static int holder_main(void *arg)
{
	const struct holder_arg *a = arg;
	struct h_state h = { .d = a->d, .max = a->max, .base = a->base };
	struct h_req req;
	struct h_rep rep;
	long long t0;
	int ret;

	h.handles = calloc(h.max ? h.max : 1, sizeof(*h.handles));
	h.cmds = malloc((NODE_GIVER_MAX_BATCH * 2 + 3) * sizeof(__u32));
	ret = h.handles && h.cmds ? binder_pin_cpu(cfg.child_cpu) : -ENOMEM;
	if (!ret)
		ret = binder_open_dev(&h.dev, a->d->path, 0);
	binder_child_ready(ret);
	if (ret)
		return 2;
	for (;;) {
		if (binder_child_wait_go(&req, sizeof(req), IDLE_MS))
			return 3;
		memset(&rep, 0, sizeof(rep));
		t0 = now_us();
		switch (req.op) {
		case H_GROW:
			rep.err = req.count <= h.max ? h_grow(&h, req.count) :
						       -EINVAL;
			break;
		case H_PING:
			rep.err = h_ping(&h, &req);
			break;
		case H_QUIT:
			return 0;
		default:
			rep.err = -EINVAL;
		}
		rep.us = now_us() - t0;
		rep.made = h.made;
		if (binder_child_send(&rep, sizeof(rep)))
			return 4;
	}
}

/* A holder of up to max refs, to nodes base, base + 1, ... */
static int holder_start(struct device *d, struct binder_child *c, __u32 max,
			__u32 base)
{
	struct holder_arg a = { d, max, base };	/* fork copies it */
	int ret = binder_child_start(c, holder_main, &a);

	if (ret)
		return ret;
	ret = binder_child_wait_ready(c, CMD_MS);
	if (ret) {
		fprintf(stderr, "ipckit-scale-bench: %s: holder: %s\n",
			d->label, strerror(ret < 0 ? -ret : ret));
		binder_child_kill(c);
	}
	return ret ? -EIO : 0;
}

static int holder_cmd(const struct device *d, struct binder_child *c,
		      const struct h_req *req, struct h_rep *rep,
		      int timeout_ms)
{
	int ret = binder_child_go(c, req, sizeof(*req));

	if (!ret)
		ret = binder_child_recv(c, rep, sizeof(*rep), timeout_ms);
	if (!ret)
		ret = rep->err;
	if (ret)
		fprintf(stderr, "ipckit-scale-bench: %s: holder command %u: %s\n",
			d->label, req->op, strerror(-ret));
	return ret;
}

static int holder_grow(struct device *d, struct binder_child *c, __u32 want,
		       long long *us)
{
	struct h_req req = { .op = H_GROW, .count = want };
	struct h_rep rep;
	int ret = holder_cmd(d, c, &req, &rep, GROW_MS);

	if (!ret && us)
		*us = rep.us;
	return ret;
}

static int holder_ping(struct device *d, struct binder_child *c, int node,
		       unsigned int calls, long long at)
{
	struct h_req req = { .op = H_PING, .count = calls, .node = node,
			     .at = at };
	struct h_rep rep;

	return holder_cmd(d, c, &req, &rep, CMD_MS);
}

/* --- statistics ---------------------------------------------------------- */

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Nearest-rank percentile p (0..1) of v[0..n), which it sorts. */
static double pct(double *v, size_t n, double p)
{
	size_t k;

	if (!n)
		return 0;
	qsort(v, n, sizeof(*v), cmp_double);
	k = (size_t)(p * n + 0.999999);
	return v[k ? k - 1 : 0];
}

static double ratio(double a, double b)
{
	return b > 0 ? a / b : 0;
}

/* --- part 1 and 2: round trip vs live refs, teardown -------------------- */

#define MAX_LEVELS	8

/*
 * Each device has two holders: "grown" climbs the levels, "small" keeps
 * FIRST_LEVEL refs. Both are timed in the same rounds, so a level's ratio
 * to the small holder does not depend on how fast the (shared, TCG) vCPU
 * was when the first level ran minutes before.
 */
enum { GROWN, SMALL, NR_HOLDERS };

struct level {
	__u32 refs;
	long long build_us[NR_DEV];
	double med[NR_DEV][NR_HOLDERS][NR_H], p90[NR_DEV][NR_HOLDERS][NR_H];
};

static struct level levels[MAX_LEVELS];
static unsigned int nlevels;

static void set_levels(void)
{
	__u32 l;

	nlevels = 0;
	for (l = FIRST_LEVEL; l < cfg.max_refs && nlevels < MAX_LEVELS - 1;
	     l *= 10)
		levels[nlevels++].refs = l;
	levels[nlevels++].refs = cfg.max_refs;
}

static struct binder_child *holder_of(unsigned int di, unsigned int hi)
{
	return hi == GROWN ? &dev[di].holder : &dev[di].small;
}

/* The node whose handle the calls of h go through with l refs held. */
static int h_node(int h, __u32 l)
{
	return h == H_LAST ? (int)l - 1 : (int)l / 2 - 1;
}

/* Where the samples of device di, holder hi, handle h, round r go. */
static size_t shm_at(unsigned int di, unsigned int hi, unsigned int h,
		     unsigned int r)
{
	return ((((size_t)di * NR_HOLDERS + hi) * NR_H + h) * cfg.rounds + r) *
	       cfg.calls;
}

/*
 * Grow the devices' holders to lv->refs, then ROUNDS rounds of CALLS
 * calls through each holder's two handles, in the order device A's
 * grown and small holders, then B's, reversed every other round.
 */
static int measure_level(struct level *lv)
{
	const unsigned int nseries = NR_DEV * NR_HOLDERS;
	size_t n = (size_t)cfg.rounds * cfg.calls;
	unsigned int r, k, di, hi, h;
	__u32 refs;
	int ret;

	for (di = 0; di < NR_DEV; di++) {
		ret = holder_grow(&dev[di], &dev[di].holder, lv->refs,
				  &lv->build_us[di]);
		if (ret)
			return ret;
		printf("ipckit-scale-bench: %s: %u refs, built up in %.1f s\n",
		       dev[di].label, lv->refs, lv->build_us[di] / 1e6);
		fflush(stdout);
	}
	for (r = 0; r <= cfg.rounds; r++)
		for (k = 0; k < nseries; k++) {
			unsigned int s = r % 2 ? nseries - 1 - k : k;

			di = s / NR_HOLDERS;
			hi = s % NR_HOLDERS;
			refs = hi == GROWN ? lv->refs : FIRST_LEVEL;
			for (h = 0; h < NR_H; h++) {
				/* Round 0 warms up, untimed. */
				ret = holder_ping(&dev[di], holder_of(di, hi),
						  h_node(h, refs),
						  r ? cfg.calls : WARMUP_CALLS,
						  r ? (long long)shm_at(di, hi, h, r - 1) : -1);
				if (ret)
					return ret;
			}
		}
	for (di = 0; di < NR_DEV; di++)
		for (hi = 0; hi < NR_HOLDERS; hi++)
			for (h = 0; h < NR_H; h++) {
				double *v = &shm[shm_at(di, hi, h, 0)];

				lv->med[di][hi][h] = pct(v, n, 0.5);
				lv->p90[di][hi][h] = pct(v, n, 0.9);
			}
	return 0;
}

/* The table of the first n levels (all measured), CSV and ratios. */
static void print_refs_report(unsigned int n, int dut, int base)
{
	const struct level *first = &levels[0], *last;
	double total[NR_DEV] = { 0 };
	unsigned int i, di, h;
	char over[72];

	if (!n)
		return;
	snprintf(over, sizeof(over), "%s/%s", dev[dut].label, dev[base].label);
	last = &levels[n - 1];
	printf("\nround trip vs live refs: an empty sync call through one handle of a\n"
	       "process holding `refs` refs (us; median and p90 of %u rounds x %u\n"
	       "calls); last = through the handle made last, mid = the one made\n"
	       "halfway; small = the same calls of a process holding %u refs, timed\n"
	       "in the same rounds; /small = ratio of medians to it; build =\n"
	       "seconds to grow from the level before (in all)\n",
	       cfg.rounds, cfg.calls, FIRST_LEVEL);
	printf("%7s %-10s %15s %8s %8s %8s %8s %8s %8s %7s %7s\n", "refs",
	       "driver", "build s", "last med", "last p90", "mid med",
	       "mid p90", "small l", "small m", "/small l", "/small m");
	for (i = 0; i < n; i++) {
		const struct level *lv = &levels[i];

		for (di = 0; di < NR_DEV; di++) {
			const double (*g)[NR_H] = lv->med[di];
			char build[32];

			total[di] += lv->build_us[di] / 1e6;
			snprintf(build, sizeof(build), "%.1f (%.1f)",
				 lv->build_us[di] / 1e6, total[di]);
			printf("%7u %-10s %15s %8.1f %8.1f %8.1f %8.1f %8.1f %8.1f %8.2f %8.2f\n",
			       lv->refs, dev[di].label, build,
			       g[GROWN][H_LAST], lv->p90[di][GROWN][H_LAST],
			       g[GROWN][H_MID], lv->p90[di][GROWN][H_MID],
			       g[SMALL][H_LAST], g[SMALL][H_MID],
			       ratio(g[GROWN][H_LAST], g[SMALL][H_LAST]),
			       ratio(g[GROWN][H_MID], g[SMALL][H_MID]));
		}
	}
	printf("\n%7s %-20s %8s %8s\n", "refs", "ratio of medians", "last",
	       "mid");
	for (i = 0; i < n; i++)
		printf("%7u %-20s %8.2f %8.2f\n", levels[i].refs, over,
		       ratio(levels[i].med[dut][GROWN][H_LAST],
			     levels[i].med[base][GROWN][H_LAST]),
		       ratio(levels[i].med[dut][GROWN][H_MID],
			     levels[i].med[base][GROWN][H_MID]));
	printf("\nround trip with %u refs held / with %u (medians):\n"
	       "  same rounds = against the %u-ref process timed alongside;\n"
	       "  level %u = against the first level's figure, minutes earlier\n",
	       last->refs, FIRST_LEVEL, FIRST_LEVEL, first->refs);
	for (di = 0; di < NR_DEV; di++)
		for (h = 0; h < NR_H; h++)
			printf("  %-10s %-4s handle: same rounds %.2f, level %u %.2f\n",
			       dev[di].label, h_name[h],
			       ratio(last->med[di][GROWN][h],
				     last->med[di][SMALL][h]),
			       first->refs,
			       ratio(last->med[di][GROWN][h],
				     first->med[di][GROWN][h]));
	printf("\n--- csv: round trip vs live refs, last handle ---\n");
	printf("refs,driver,median_us,p90_us\n");
	for (i = 0; i < n; i++)
		for (di = 0; di < NR_DEV; di++)
			printf("%u,%s,%.1f,%.1f\n", levels[i].refs,
			       dev[di].label, levels[i].med[di][GROWN][H_LAST],
			       levels[i].p90[di][GROWN][H_LAST]);
	printf("--- end csv ---\n");
	fflush(stdout);
}

struct teardown {
	bool have;
	long held_refs;		/* the holder's refs, per the driver */
	long long exit_us;	/* SIGKILL until its exit was seen */
	long long released_us;	/* SIGKILL until the driver let go of it all */
	long long told_us;	/* SIGKILL until S read its last BR_DECREFS */
	double read_us;		/* one reading of the counters (median) */
};

static struct teardown td[NR_DEV];

/* Wait until S has read want BR_DECREFS in all: 0 or -ETIMEDOUT. */
static int wait_decrefs(const struct device *d, long want, long long deadline)
{
	while (__atomic_load_n(&s_seen[d - dev].decrefs, __ATOMIC_ACQUIRE) <
	       want) {
		if (now_us() > deadline) {
			fprintf(stderr, "ipckit-scale-bench: %s: the server read %ld BR_DECREFS of %ld\n",
				d->label, s_seen[d - dev].decrefs, want);
			return -ETIMEDOUT;
		}
		binder_sleep_ms(1);
	}
	return 0;
}

/*
 * SIGKILL the holder of d and time its exit (its pidfd turning readable),
 * the driver's release of its refs, threads and process (base: what the
 * counters said before the holder opened the device), and S's reading of
 * the BR_DECREFS of the last of the holder's nodes.
 */
static int teardown_one(struct device *d, const struct counts *base,
			struct teardown *t)
{
	pid_t pid = d->holder.pid;
	struct pollfd pfd;
	struct counts c;
	long long start;
	long decrefs0;
	int ret, status;

	ret = read_counts(d, &c);
	if (ret)
		return ret;
	t->held_refs = c.refs - base->refs;
	decrefs0 = __atomic_load_n(&s_seen[d - dev].decrefs, __ATOMIC_ACQUIRE);
	pfd.fd = syscall(SYS_pidfd_open, pid, 0);
	pfd.events = POLLIN;
	if (pfd.fd < 0)
		return -errno;
	start = now_us();
	if (kill(pid, SIGKILL)) {
		ret = -errno;
		close(pfd.fd);
		return ret;
	}
	do
		ret = poll(&pfd, 1, EXIT_MS);
	while (ret < 0 && errno == EINTR);
	t->exit_us = now_us() - start;
	close(pfd.fd);
	if (ret <= 0) {
		fprintf(stderr, "ipckit-scale-bench: %s: the holder did not exit\n",
			d->label);
		return -ETIMEDOUT;
	}
	waitpid(pid, &status, 0);
	binder_child_finish(&d->holder, 0);	/* reaped: closes its pipes */
	ret = wait_counts(d, base, false, start, RELEASE_MS, &t->released_us,
			  &t->read_us);
	/* One BR_DECREFS per node: the holder's nodes are its own. */
	if (!ret)
		ret = wait_decrefs(d, decrefs0 + t->held_refs,
				   start + RELEASE_MS * 1000LL);
	if (!ret)
		t->told_us = s_seen[d - dev].last_ns / 1000 - start;
	t->have = !ret;
	return ret;
}

static void print_teardown_report(int dut, int base)
{
	unsigned int di;

	printf("\nteardown of a process holding %u refs, SIGKILLed: ms until its\n"
	       "exit is seen (pidfd); until the driver's counters (debugfs) say\n"
	       "its refs, threads and process are gone, polled every 1 ms or 3\n"
	       "readings if longer (reading = the cost of one, the resolution);\n"
	       "until the nodes' owner read the BR_DECREFS of the last of them\n",
	       cfg.max_refs);
	printf("%-10s %10s %9s %12s %9s %11s %11s\n", "driver", "refs held",
	       "exit", "released", "(reading)", "owner told", "after exit");
	for (di = 0; di < NR_DEV; di++) {
		if (!td[di].have) {
			printf("%-10s %10s\n", dev[di].label, "-");
			continue;
		}
		printf("%-10s %10ld %9.1f %12.1f %9.2f %11.1f %11.1f\n",
		       dev[di].label, td[di].held_refs, td[di].exit_us / 1e3,
		       td[di].released_us / 1e3, td[di].read_us / 1e3,
		       td[di].told_us / 1e3,
		       (td[di].released_us - td[di].exit_us) / 1e3);
	}
	if (td[dut].have && td[base].have)
		printf("%s/%s: exit %.2f, released %.2f, owner told %.2f\n",
		       dev[dut].label, dev[base].label,
		       ratio(td[dut].exit_us, td[base].exit_us),
		       ratio(td[dut].released_us, td[base].released_us),
		       ratio(td[dut].told_us, td[base].told_us));
	fflush(stdout);
}

/*
 * Parts 1 and 2 share their holders: the teardown kills the ones that
 * hold MAX refs after the last level (or grows them straight to MAX when
 * the refs part is off).
 */
static int part_refs(int dut, int base)
{
	/* The counters before S, and with all but the grown holder. */
	struct counts before[NR_DEV], others[NR_DEV];
	unsigned int i = 0, di;
	long long us;
	int ret = 0;

	for (di = 0; !ret && di < NR_DEV; di++) {
		ret = read_counts(&dev[di], &before[di]);
		if (!ret)
			ret = server_start(&dev[di], &dev[di].server);
		if (!ret && cfg.refs)
			ret = holder_start(&dev[di], &dev[di].small,
					   FIRST_LEVEL, SMALL_BASE);
		if (!ret && cfg.refs)
			ret = holder_grow(&dev[di], &dev[di].small,
					  FIRST_LEVEL, NULL);
		if (!ret)
			ret = read_counts(&dev[di], &others[di]);
		if (!ret)
			ret = holder_start(&dev[di], &dev[di].holder,
					   cfg.max_refs, 0);
	}
	if (!ret && cfg.refs) {
		set_levels();
		for (i = 0; !ret && i < nlevels; i++) {
			ret = measure_level(&levels[i]);
			if (ret)
				break;
		}
		print_refs_report(i, dut, base);
	} else if (!ret) {
		for (di = 0; !ret && di < NR_DEV; di++) {
			ret = holder_grow(&dev[di], &dev[di].holder,
					  cfg.max_refs, &us);
			if (!ret)
				printf("ipckit-scale-bench: %s: %u refs, built up in %.1f s\n",
				       dev[di].label, cfg.max_refs, us / 1e6);
		}
	}
	for (di = 0; !ret && cfg.teardown && di < NR_DEV; di++)
		ret = teardown_one(&dev[di], &others[di], &td[di]);
	if (cfg.teardown)
		print_teardown_report(dut, base);
	for (di = 0; di < NR_DEV; di++) {
		binder_child_kill(&dev[di].holder);
		binder_child_kill(&dev[di].small);
		binder_child_kill(&dev[di].server);
	}
	/* The next part starts from a clean slate (a free manager slot). */
	for (di = 0; !ret && di < NR_DEV; di++)
		ret = drain(&dev[di], &before[di]);
	return ret;
}

/* --- part 3: kernel memory per object ------------------------------------ */

#define MAX_CACHES	512

struct slab_cache {
	char name[40];
	long objs, size;	/* active objects, object size */
};

struct mem_reading {
	long long slab;		/* bytes in slab pages */
	long long objects;	/* bytes of active objects (slabinfo), or -1 */
	struct slab_cache caches[MAX_CACHES];
	size_t ncaches;
};

/* Readings: before, after the first and after the second step. */
static struct mem_reading mr[3];

/*
 * Slab: in /proc/meminfo is the global page counter, to which each CPU
 * adds its own difference only now and then; writing vm.stat_refresh
 * folds them in. Without it (not root), wait for the periodic fold.
 */
static void settle(void)
{
	int fd;

	binder_sleep_ms(300);
	fd = open("/proc/sys/vm/stat_refresh", O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, "1\n", 2) != 2)
		binder_sleep_ms(2500);
	if (fd >= 0)
		close(fd);
}

static int read_slabinfo(struct mem_reading *m)
{
	char line[512];
	FILE *f = fopen("/proc/slabinfo", "re");

	m->ncaches = 0;
	m->objects = -1;
	if (!f)
		return -errno;
	m->objects = 0;
	while (fgets(line, sizeof(line), f) && m->ncaches < MAX_CACHES) {
		struct slab_cache *c = &m->caches[m->ncaches];
		long num;

		if (sscanf(line, "%39s %ld %ld %ld", c->name, &c->objs, &num,
			   &c->size) != 4)
			continue;
		m->objects += (long long)c->objs * c->size;
		m->ncaches++;
	}
	fclose(f);
	return 0;
}

static int mem_read(struct mem_reading *m)
{
	char line[256];
	long kb = -1;
	FILE *f;

	settle();
	f = fopen("/proc/meminfo", "re");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "Slab: %ld kB", &kb) == 1)
			break;
	fclose(f);
	if (kb < 0)
		return -ENOENT;
	m->slab = kb * 1024;
	/* Only to show which caches grew: not required. */
	read_slabinfo(m);
	return 0;
}

/* The caches of b that grew from a by at least a quarter object per object. */
static void print_cache_growth(const char *what, const struct device *d,
			       const struct mem_reading *a,
			       const struct mem_reading *b, unsigned int n)
{
	const char *sep = "";
	size_t i, j;

	printf("  %s, %u %s:", d->label, n, what);
	for (i = 0; i < b->ncaches; i++) {
		long before = 0, grew;

		for (j = 0; j < a->ncaches; j++)
			if (!strcmp(a->caches[j].name, b->caches[i].name))
				before = a->caches[j].objs;
		grew = b->caches[i].objs - before;
		if (grew * 4 >= (long)n) {
			printf("%s %s +%.2f x %ld B", sep, b->caches[i].name,
			       (double)grew / n, b->caches[i].size);
			sep = ",";
		}
	}
	printf("\n");
}

enum { MEM_NODE_REF, MEM_REF, MEM_NODE, MEM_THREAD, NR_MEM };
static const char *const mem_name[NR_MEM] = {
	"node + ref", "ref", "node", "idle thread",
};
/*
 * Two readings of the same growth: slab pages (meminfo) and active objects
 * times their size (slabinfo). Pages are what the machine gave up,
 * rounded to whole slabs and partly absorbed by free objects already in
 * partial slabs; objects show the kmalloc buckets exactly.
 */
enum { BY_PAGES, BY_OBJECTS, NR_BY };
static double mem[NR_DEV][NR_BY][NR_MEM][MEM_REPS];

/* Bytes per object from a to b, n objects, into mem[di][*][o][rep]. */
static void record_mem(int di, int o, unsigned int rep,
		       const struct mem_reading *a,
		       const struct mem_reading *b, unsigned int n)
{
	mem[di][BY_PAGES][o][rep] = (double)(b->slab - a->slab) / n;
	mem[di][BY_OBJECTS][o][rep] = a->objects < 0 || b->objects < 0 ? -1 :
		(double)(b->objects - a->objects) / n;
}

static int kill_and_drain(const struct device *d, struct binder_child *c,
			  size_t nc, const struct counts *base)
{
	size_t i;

	for (i = 0; i < nc; i++)
		binder_child_kill(&c[i]);
	return drain(d, base);
}

/* Per node and per ref: S, then T with node + ref, then U with ref only. */
static int mem_refs(struct device *d, unsigned int rep)
{
	struct binder_child c[3] = { };	/* S, T, U */
	const unsigned int n = cfg.mem_objects;
	struct counts base;
	int ret, i;

	ret = read_counts(d, &base);
	if (ret)
		return ret;
	ret = server_start(d, &c[0]);
	for (i = 1; !ret && i < 3; i++)
		ret = holder_start(d, &c[i], n, 0);
	/* A first call each: threads, buffers, whatever a driver makes once. */
	for (i = 1; !ret && i < 3; i++)
		ret = holder_ping(d, &c[i], HANDLE_0, WARMUP_CALLS, -1);
	if (!ret)
		ret = mem_read(&mr[0]);
	if (!ret)
		ret = holder_grow(d, &c[1], n, NULL);
	if (!ret)
		ret = mem_read(&mr[1]);
	if (!ret)
		ret = holder_grow(d, &c[2], n, NULL);
	if (!ret)
		ret = mem_read(&mr[2]);
	if (!ret) {
		int di = d - dev;

		int by;

		record_mem(di, MEM_NODE_REF, rep, &mr[0], &mr[1], n);
		record_mem(di, MEM_REF, rep, &mr[1], &mr[2], n);
		for (by = 0; by < NR_BY; by++)
			mem[di][by][MEM_NODE][rep] =
				mem[di][by][MEM_NODE_REF][rep] -
				mem[di][by][MEM_REF][rep];
		if (!rep) {
			print_cache_growth("nodes + refs", d, &mr[0], &mr[1], n);
			print_cache_growth("refs", d, &mr[1], &mr[2], n);
		}
	}
	return kill_and_drain(d, c, 3, &base) ?: ret;
}

/* --- idle threads: P's threads each make one ioctl, then wait ---------- */

struct tp_state {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool go, quit;
	unsigned int done, failed;
	int fd;
};

static void *tp_thread(void *arg)
{
	struct tp_state *st = arg;
	struct binder_version ver;
	bool ok;

	pthread_mutex_lock(&st->lock);
	while (!st->go && !st->quit)
		pthread_cond_wait(&st->cond, &st->lock);
	pthread_mutex_unlock(&st->lock);
	ok = !st->quit && !ioctl(st->fd, BINDER_VERSION, &ver);
	pthread_mutex_lock(&st->lock);
	st->done++;
	st->failed += !ok;
	pthread_cond_broadcast(&st->cond);
	/* P's process exit (bounded by its own waits) ends this wait. */
	while (!st->quit)
		pthread_cond_wait(&st->cond, &st->lock);
	pthread_mutex_unlock(&st->lock);
	return NULL;
}

static int threads_main(void *arg)
{
	static struct tp_state st = {
		.lock = PTHREAD_MUTEX_INITIALIZER,
		.cond = PTHREAD_COND_INITIALIZER,
	};
	const struct device *d = arg;
	struct binder_dev bd;
	pthread_attr_t attr;
	struct timespec deadline;
	unsigned int i, result;
	pthread_t tid;
	char go;
	int ret;

	ret = binder_pin_cpu(cfg.child_cpu);
	if (!ret)
		ret = binder_open_dev(&bd, d->path, 0);
	st.fd = bd.fd;
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 64 * 1024);
	for (i = 0; !ret && i < cfg.mem_threads; i++)
		ret = -pthread_create(&tid, &attr, tp_thread, &st);
	binder_child_ready(ret);
	if (ret)
		return 2;
	if (binder_child_wait_go(&go, 1, CMD_MS))
		return 3;
	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_sec += CMD_MS / 1000;
	pthread_mutex_lock(&st.lock);
	st.go = true;
	pthread_cond_broadcast(&st.cond);
	while (st.done < cfg.mem_threads &&
	       !pthread_cond_timedwait(&st.cond, &st.lock, &deadline))
		;
	result = st.done < cfg.mem_threads ? ~0u : st.failed;
	pthread_mutex_unlock(&st.lock);
	if (binder_child_send(&result, sizeof(result)))
		return 4;
	/* Wait to be killed (the parent reads the slab meanwhile). */
	binder_child_wait_go(&go, 1, CMD_MS);
	return 0;
}

static int mem_threads(struct device *d, unsigned int rep)
{
	struct binder_child p = { };
	unsigned int result = ~0u;
	struct counts base;
	int ret;

	ret = read_counts(d, &base);
	if (ret)
		return ret;
	ret = binder_child_start(&p, threads_main, d);
	if (!ret) {
		ret = binder_child_wait_ready(&p, CMD_MS);
		if (ret > 0)
			ret = -ret;
	}
	if (!ret)
		ret = mem_read(&mr[0]);
	if (!ret)
		ret = binder_child_go(&p, "g", 1);
	if (!ret)
		ret = binder_child_recv(&p, &result, sizeof(result), CMD_MS);
	if (!ret && result) {
		fprintf(stderr, "ipckit-scale-bench: %s: %s of %u threads' ioctls failed\n",
			d->label, result == ~0u ? "some" : "a few",
			cfg.mem_threads);
		ret = -EIO;
	}
	if (!ret)
		ret = mem_read(&mr[1]);
	if (!ret) {
		record_mem(d - dev, MEM_THREAD, rep, &mr[0], &mr[1],
			   cfg.mem_threads);
		if (!rep)
			print_cache_growth("threads", d, &mr[0], &mr[1],
					   cfg.mem_threads);
	}
	if (ret)
		fprintf(stderr, "ipckit-scale-bench: %s: threads: %s\n",
			d->label, strerror(-ret));
	return kill_and_drain(d, &p, 1, &base) ?: ret;
}

static int part_memory(int dut, int base)
{
	unsigned int rep, k, di, o, by;
	double v[MEM_REPS], med[NR_DEV];
	int ret = 0;

	printf("\nkernel memory: slab bytes per object (/proc/meminfo Slab: after\n"
	       "vm.stat_refresh; %u nodes and refs, %u threads; median of %u\n"
	       "repetitions, devices interleaved)\n"
	       "slab caches grown by a quarter object per object or more\n"
	       "(/proc/slabinfo, first repetition; objects per object x size):\n",
	       cfg.mem_objects, cfg.mem_threads, MEM_REPS);
	fflush(stdout);
	for (rep = 0; !ret && rep < MEM_REPS; rep++)
		for (k = 0; !ret && k < NR_DEV; k++) {
			di = rep % 2 ? NR_DEV - 1 - k : k;
			ret = mem_refs(&dev[di], rep);
			if (!ret)
				ret = mem_threads(&dev[di], rep);
		}
	if (ret)
		return ret;
	printf("%-12s %-7s %20s %20s %7s\n", "object", "by", dev[0].label,
	       dev[1].label, "ratio");
	for (o = 0; o < NR_MEM; o++)
		for (by = 0; by < NR_BY; by++) {
			printf("%-12s %-7s", by ? "" : mem_name[o],
			       by ? "objects" : "pages");
			for (di = 0; di < NR_DEV; di++) {
				char cell[48];

				memcpy(v, mem[di][by][o], sizeof(v));
				med[di] = pct(v, MEM_REPS, 0.5);
				snprintf(cell, sizeof(cell), "%.0f [%.0f..%.0f]",
					 med[di], v[0], v[MEM_REPS - 1]);
				printf(" %20s", v[0] < 0 ? "-" : cell);
			}
			printf(" %7.2f\n", ratio(med[dut], med[base]));
		}
	printf("bytes per object: median [min..max] of the repetitions; pages =\n"
	       "meminfo's Slab: delta, objects = slabinfo's active objects x size;\n"
	       "node = (node + ref) - ref; ratio: %s/%s\n",
	       dev[dut].label, dev[base].label);
	fflush(stdout);
	return 0;
}

/* --- setup ---------------------------------------------------------------- */

static const char *basename_of(const char *path)
{
	const char *b = strrchr(path, '/');

	return b ? b + 1 : path;
}

static void usage(const char *prog)
{
	fprintf(stderr,
		"usage: %s -a DEVICE_A -b DEVICE_B [-m MAX] [-r ROUNDS] [-n CALLS]\n"
		"       [-N OBJECTS] [-t THREADS] [-p refs,teardown,memory]\n"
		"  -m  refs of the last level and of the teardown (default %u)\n"
		"  -r  rounds per level, devices interleaved (default %u)\n"
		"  -n  calls per handle, device and round (default %u)\n"
		"  -N  nodes and refs of the memory part (default %u)\n"
		"  -t  threads of the memory part (default %u)\n"
		"  -p  parts to run (default all)\n",
		prog, DEFAULT_MAX_REFS, DEFAULT_ROUNDS, DEFAULT_CALLS,
		DEFAULT_MEM_OBJECTS, DEFAULT_MEM_THREADS);
}

static int parse_count(const char *s, unsigned int *v, unsigned long lo,
		       unsigned long hi)
{
	char *end;
	unsigned long n = strtoul(s, &end, 10);

	if (*s < '0' || *s > '9' || *end || n < lo || n > hi)
		return -1;
	*v = n;
	return 0;
}

static int parse_parts(const char *s)
{
	char buf[64], *tok, *save = NULL;

	cfg.refs = cfg.teardown = cfg.memory = false;
	snprintf(buf, sizeof(buf), "%s", s);
	for (tok = strtok_r(buf, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		if (!strcmp(tok, "refs"))
			cfg.refs = true;
		else if (!strcmp(tok, "teardown"))
			cfg.teardown = true;
		else if (!strcmp(tok, "memory"))
			cfg.memory = true;
		else
			return -1;
	}
	return 0;
}

static int setup_device(struct device *d, bool same_kind)
{
	int ret = binder_is_ipckit(d->path);

	if (ret < 0) {
		fprintf(stderr, "ipckit-scale-bench: %s: %s\n", d->path,
			strerror(-ret));
		return ret;
	}
	d->ipckit = ret;
	snprintf(d->label, sizeof(d->label), "%s", same_kind ?
		 basename_of(d->path) : d->ipckit ? "ipckit" : "reference");
	if (d->ipckit)
		snprintf(d->stats, sizeof(d->stats),
			 "/sys/kernel/debug/ipckit/%s/stats",
			 basename_of(d->path));
	else
		snprintf(d->stats, sizeof(d->stats),
			 "/sys/kernel/debug/binder/stats");
	if (access(d->stats, R_OK)) {
		ret = -errno;
		fprintf(stderr, "ipckit-scale-bench: %s: %s: %s (debugfs mounted?)\n",
			d->label, d->stats, strerror(-ret));
		return ret;
	}
	return 0;
}

int main(int argc, char **argv)
{
	int opt, ret = 0, dut, base, failed = 0;
	bool same_kind;
	size_t len;

	cfg.max_refs = DEFAULT_MAX_REFS;
	cfg.rounds = DEFAULT_ROUNDS;
	cfg.calls = DEFAULT_CALLS;
	cfg.mem_objects = DEFAULT_MEM_OBJECTS;
	cfg.mem_threads = DEFAULT_MEM_THREADS;
	cfg.refs = cfg.teardown = cfg.memory = true;
	while ((opt = getopt(argc, argv, "a:b:m:r:n:N:t:p:h")) != -1) {
		switch (opt) {
		case 'a':
			dev[0].path = optarg;
			break;
		case 'b':
			dev[1].path = optarg;
			break;
		case 'm':
			if (parse_count(optarg, &cfg.max_refs, 2 * FIRST_LEVEL,
					SMALL_BASE))
				goto bad_usage;
			break;
		case 'r':
			if (parse_count(optarg, &cfg.rounds, 1, 1000))
				goto bad_usage;
			break;
		case 'n':
			if (parse_count(optarg, &cfg.calls, 1, 100000))
				goto bad_usage;
			break;
		case 'N':
			if (parse_count(optarg, &cfg.mem_objects, 1, 1000000))
				goto bad_usage;
			break;
		case 't':
			if (parse_count(optarg, &cfg.mem_threads, 1, 10000))
				goto bad_usage;
			break;
		case 'p':
			if (parse_parts(optarg))
				goto bad_usage;
			break;
		default:
			goto bad_usage;
		}
	}
	if (!dev[0].path || !dev[1].path || optind != argc)
		goto bad_usage;

	ret = binder_is_ipckit(dev[0].path);
	same_kind = ret >= 0 && ret == binder_is_ipckit(dev[1].path);
	if (setup_device(&dev[0], same_kind) ||
	    setup_device(&dev[1], same_kind))
		return 1;
	/* Ratios are ipckit over the reference, whatever -a and -b say. */
	dut = !same_kind && dev[0].ipckit ? 0 : 1;
	base = 1 - dut;
	if (sysconf(_SC_NPROCESSORS_ONLN) >= 2) {
		cfg.child_cpu = 0;
		cfg.parent_cpu = 1;
	} else {
		cfg.child_cpu = -1;
		cfg.parent_cpu = -1;
	}
	ret = binder_pin_cpu(cfg.parent_cpu);
	if (!ret)
		ret = quiesce(&dev[0]);
	if (!ret)
		ret = quiesce(&dev[1]);
	if (ret) {
		fprintf(stderr, "ipckit-scale-bench: setup: %s\n",
			strerror(-ret));
		return 1;
	}
	/* Shared with the holders, which fork later. */
	len = (size_t)NR_DEV * NR_HOLDERS * NR_H * cfg.rounds * cfg.calls;
	shm = mmap(NULL, len * sizeof(double), PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (shm == MAP_FAILED) {
		perror("ipckit-scale-bench: mmap");
		return 1;
	}
	shm_len = len;
	s_seen = mmap(NULL, NR_DEV * sizeof(*s_seen), PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (s_seen == MAP_FAILED) {
		perror("ipckit-scale-bench: mmap");
		return 1;
	}

	printf("ipckit-scale-bench: %s = %s, %s = %s\n", dev[0].label,
	       dev[0].path, dev[1].label, dev[1].path);
	printf("ipckit-scale-bench: parts%s%s%s; %u refs at most, %u rounds x %u calls; memory: %u objects, %u threads; binder processes on CPU %d, this one on CPU %d\n",
	       cfg.refs ? " refs" : "", cfg.teardown ? " teardown" : "",
	       cfg.memory ? " memory" : "", cfg.max_refs, cfg.rounds,
	       cfg.calls, cfg.mem_objects, cfg.mem_threads, cfg.child_cpu,
	       cfg.parent_cpu);
	fflush(stdout);

	if (cfg.refs || cfg.teardown) {
		long long t0 = binder_now_ms();

		ret = part_refs(dut, base);
		printf("ipckit-scale-bench: refs/teardown %s in %.1f s\n",
		       ret ? "stopped" : "done", (binder_now_ms() - t0) / 1e3);
		failed |= ret;
	}
	if (cfg.memory) {
		long long t0 = binder_now_ms();

		ret = part_memory(dut, base);
		printf("ipckit-scale-bench: memory %s in %.1f s\n",
		       ret ? "stopped" : "done", (binder_now_ms() - t0) / 1e3);
		failed |= ret;
	}
	fflush(stdout);
	return failed ? 1 : 0;

bad_usage:
	usage(argv[0]);
	return 2;
}
