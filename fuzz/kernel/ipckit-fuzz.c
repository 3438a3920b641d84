// SPDX-License-Identifier: GPL-2.0
/*
 * ipckit-fuzz: a coverage-guided fuzzer for ipckit's Binder interface, in
 * the spirit of syzkaller's binder descriptions. Documentation/
 * kernel-fuzzer.rst has the design; in short:
 *
 *  - a program is a sequence of well-typed ops, each run by one thread
 *    (NTHR per process) of one of NPROC worker processes; BINDER_WRITE_READ
 *    ops carry a stream of BC_* commands, transactions carry objects;
 *  - arguments that name live things (handles, buffers, node requests,
 *    death cookies, fds) are indices into pools the worker fills from what
 *    it reads back, so most ops are meaningful; a few are raw bad values;
 *  - the executor (this process) hands one op at a time to the thread that
 *    runs it over a pipe and waits for it, so a replay does the same thing;
 *  - each worker thread has its own KCOV handle; PCs and edges are hashed
 *    into bitmaps shared with the executor; a program that reaches a new
 *    edge joins the corpus, which is mutated (insert, remove, change,
 *    splice); without KCOV it runs blind (generation only);
 *  - after each program /dev/kmsg is scanned for kernel reports, and an op
 *    that does not return, or a worker that does not die, is a hang: the
 *    program is written out as a reproducer and the run stops.
 *
 * usage: ipckit-fuzz [-d DEV] [-t SECONDS] [-n OPS] [-s SEED] [-o DIR] [-b]
 *        ipckit-fuzz [-d DEV] -r PROGRAM...   replay, report kernel trouble
 *        ipckit-fuzz -g smoke|uring|freeze|random [-s SEED]   write a
 *                                             program to stdout
 */
#include <errno.h>
#include <liburing.h>
#include <sched.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/android/binder_netlink.h>
#include <linux/genetlink.h>
#include <linux/ipckit.h>
#include <linux/android/binder_freeze.h>
#include <linux/ipckit_binderfs.h>
#include <linux/ipckit_netlink.h>
#include <linux/netlink.h>

#define KCOV_INIT_TRACE		_IOR('c', 1, unsigned long)
#define KCOV_ENABLE		_IO('c', 100)
#define KCOV_TRACE_PC		0
#define KCOV_WORDS		(64 << 10)

#define NPROC		3
#define NTHR		2
#define MAX_OPS		48
#define MAX_CMDS	5
#define MAX_OBJS	5
#define NARGS		6
#define NOARGS		4
#define POOL		32
#define NODES		8
#define MAP_GOOD	((1 << 20) - 2 * 4096)

#define EDGE_BITS	22
#define EDGE_BYTES	(1u << (EDGE_BITS - 3))

/* A raw value, not a pool index: bit 32 set, value in the low 32 bits. */
#define RAW		(1ULL << 32)

/* ---- program model --------------------------------------------------- */

enum op_kind {
	OP_OPEN, OP_MMAP, OP_MUNMAP, OP_WR, OP_MAX_THREADS, OP_CTX_MGR,
	OP_CTX_MGR_EXT, OP_THREAD_EXIT, OP_VERSION, OP_NODE_DEBUG,
	OP_NODE_INFO, OP_FREEZE, OP_FROZEN_INFO, OP_SPAM, OP_EXT_ERROR,
	OP_BAD_IOCTL, OP_CLOSE, OP_KILL,
	/* New kinds go at the end: programs name ops, but keep the order. */
	OP_URING_WR, OP_URING_REAP, OP_URING_CLOSE, OP_URING_THREAD,
	OP_URING_EXEC, OP_NL_STATS, OP_NL_PROC, OP_NL_GROUP,
	OP_FS_MOUNT, OP_FS_ADD, OP_FS_OPEN, OP_FS_UNLINK, OP_FS_UMOUNT,
	OP_COUNT
};

static const char *const op_names[OP_COUNT] = {
	"open", "mmap", "munmap", "wr", "max_threads", "ctx_mgr",
	"ctx_mgr_ext", "thread_exit", "version", "node_debug", "node_info",
	"freeze", "frozen_info", "spam", "ext_error", "bad_ioctl", "close",
	"kill", "uring_wr", "uring_reap", "uring_close", "uring_thread",
	"uring_exec", "nl_stats", "nl_proc", "nl_group",
	"fs_mount", "fs_add", "fs_open", "fs_unlink", "fs_umount",
};

static const int op_weight[OP_COUNT] = {
	12, 12, 4, 240, 8, 12, 8, 8, 4, 8, 8, 12, 8, 8, 8, 4, 8, 4,
	/* a thread's exit or an exec with a read pending waits for ipckit's
	 * watcher (50 ms): those two are rare */
	40, 12, 6, 3, 2, 6, 8, 6,
	/* binderfs: mounts are slow-ish, devices are whole contexts */
	3, 4, 4, 2, 2,
};

/* Ops that carry a command stream (a BINDER_WRITE_READ's write half). */
static bool has_cmds(int kind)
{
	return kind == OP_WR || kind == OP_URING_WR ||
	       kind == OP_URING_THREAD || kind == OP_URING_EXEC;
}

enum cmd_kind {
	C_TXN, C_REPLY, C_TXN_SG, C_REPLY_SG, C_FREE, C_INCREFS, C_ACQUIRE,
	C_RELEASE, C_DECREFS, C_INCREFS_DONE, C_ACQUIRE_DONE, C_REQ_DEATH,
	C_CLEAR_DEATH, C_DEAD_DONE, C_ENTER_LOOPER, C_REGISTER_LOOPER,
	C_EXIT_LOOPER, C_ACQUIRE_RESULT, C_ATTEMPT_ACQUIRE, C_BAD,
	/* New kinds go at the end, as ops. Freeze notifications (6.12): */
	C_REQ_FREEZE, C_CLEAR_FREEZE, C_FREEZE_DONE, C_COUNT
};

static const char *const cmd_names[C_COUNT] = {
	"txn", "reply", "txn_sg", "reply_sg", "free", "increfs", "acquire",
	"release", "decrefs", "increfs_done", "acquire_done", "req_death",
	"clear_death", "dead_done", "enter_looper", "register_looper",
	"exit_looper", "acquire_result", "attempt_acquire", "bad",
	"req_freeze", "clear_freeze", "freeze_done",
};

static const int cmd_weight[C_COUNT] = {
	24, 10, 8, 5, 10, 4, 4, 4, 4, 3, 3, 4, 3, 3, 2, 2, 1, 1, 1, 1,
	3, 2, 2,
};

enum obj_kind {
	O_BINDER, O_WEAK_BINDER, O_HANDLE, O_WEAK_HANDLE, O_FD, O_FDA, O_PTR,
	O_BAD, O_COUNT
};

static const char *const obj_names[O_COUNT] = {
	"binder", "weak_binder", "handle", "weak_handle", "fd", "fda", "ptr",
	"badobj",
};

static const int obj_weight[O_COUNT] = { 5, 2, 5, 2, 3, 2, 4, 1 };

struct obj {
	uint8_t kind;
	uint64_t a[NOARGS];
};

struct cmd {
	uint8_t kind, nobj;
	uint64_t a[NARGS];
	struct obj objs[MAX_OBJS];
};

struct op {
	uint8_t kind, p, t, ncmd;
	uint64_t a[NARGS];
	struct cmd cmds[MAX_CMDS];
};

struct prog {
	int nops;
	struct op ops[MAX_OPS];
};

/* ---- random numbers ---------------------------------------------------- */

static uint64_t rng_state;

static uint64_t rnd64(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint64_t rnd(uint64_t n)
{
	return n ? rnd64() % n : 0;
}

static int pick(const int *w, int n)
{
	int total = 0, i, r;

	for (i = 0; i < n; i++)
		total += w[i];
	r = rnd(total);
	for (i = 0; i < n; i++) {
		if (r < w[i])
			return i;
		r -= w[i];
	}
	return n - 1;
}

static uint64_t interesting(void)
{
	static const uint64_t v[] = {
		0, 1, 2, 3, 7, 8, 16, 63, 64, 255, 4096, 0x7fffffff,
		0x80000000, 0xffffffff, 0xfffffff8, 0x1000000,
	};

	return v[rnd(sizeof(v) / sizeof(v[0]))];
}

/* A pool index, now and then a raw (bad) value. */
static uint64_t sel(void)
{
	if (rnd(12) == 0)
		return RAW | (rnd(2) ? interesting() : (rnd64() & 0xffffffff));
	return rnd(4) ? rnd(4) : rnd(POOL);
}

/* ---- generation -------------------------------------------------------- */

static void gen_obj(struct obj *o, int nobj_before)
{
	o->kind = pick(obj_weight, O_COUNT);
	memset(o->a, 0, sizeof(o->a));
	switch (o->kind) {
	case O_BINDER:
	case O_WEAK_BINDER:
		o->a[0] = rnd(10) ? rnd(NODES) : RAW | rnd64();
		o->a[1] = rnd(3) ? FLAT_BINDER_FLAG_ACCEPTS_FDS | rnd(3) :
			(rnd(2) ? FLAT_BINDER_FLAG_TXN_SECURITY_CTX :
			 rnd64() & 0xffff);
		break;
	case O_HANDLE:
	case O_WEAK_HANDLE:
		o->a[0] = sel();
		break;
	case O_FD:
		o->a[0] = sel();
		o->a[1] = rnd(4) ? 0 : rnd64();
		break;
	case O_FDA:
		o->a[0] = rnd(8) ? rnd(4) : interesting();	/* num_fds */
		o->a[2] = nobj_before ? rnd(nobj_before) : rnd(3);
		o->a[3] = rnd(4) ? rnd(4) * 4 : interesting();
		break;
	case O_PTR:
		o->a[0] = rnd(8) ? rnd(64) + 1 : interesting();	/* length */
		o->a[1] = nobj_before && rnd(2) ? BINDER_BUFFER_FLAG_HAS_PARENT : 0;
		o->a[2] = nobj_before ? rnd(nobj_before) : rnd(3);
		o->a[3] = rnd(4) ? rnd(8) * 8 : interesting();
		break;
	default:
		o->a[0] = rnd64() & 0xffffffff;	/* type */
		break;
	}
}

static void gen_cmd(struct cmd *c)
{
	int i;

	memset(c, 0, sizeof(*c));
	c->kind = pick(cmd_weight, C_COUNT);
	switch (c->kind) {
	case C_TXN:
	case C_REPLY:
	case C_TXN_SG:
	case C_REPLY_SG:
		c->a[0] = sel();			/* target handle */
		c->a[1] = rnd(3) ? TF_ACCEPT_FDS | (rnd(3) ? 0 : TF_ONE_WAY) :
			rnd64() & 0x7f;			/* flags */
		c->a[2] = rnd(16);			/* code */
		c->a[3] = rnd(4) ? rnd(3) * 8 : rnd(256);	/* extra data */
		c->a[4] = rnd(6) ? 0 : 1 + rnd(6);	/* bad mode */
		c->a[5] = rnd(6) ? 0 : interesting();	/* extra sg bytes */
		c->nobj = rnd(3) ? rnd(MAX_OBJS + 1) : 0;
		for (i = 0; i < c->nobj; i++)
			gen_obj(&c->objs[i], i);
		break;
	case C_ATTEMPT_ACQUIRE:
	case C_ACQUIRE_RESULT:
	case C_BAD:
		c->a[0] = rnd64();
		c->a[1] = sel();
		break;
	default:
		c->a[0] = sel();
		c->a[1] = rnd(10) ? rnd(4) : rnd64();
		break;
	}
}

static void gen_args(struct op *o)
{
	int i;

	memset(o->a, 0, sizeof(o->a));
	o->ncmd = 0;
	switch (o->kind) {
	case OP_OPEN:
		o->a[0] = rnd(12) == 0;		/* blocking reads */
		break;
	case OP_MMAP:
		o->a[0] = rnd(5) ? 0 : 1 + rnd(5);	/* size class */
		o->a[1] = rnd(10) ? 0 : 1 + rnd(2);	/* bad prot/flags */
		break;
	case OP_WR:
		o->a[0] = rnd(5) ? 1 : rnd(5);		/* read size class */
		o->a[1] = rnd(10) ? 0 : 1 + rnd(4);	/* bad mode */
		o->a[2] = rnd(64);
		o->ncmd = rnd(4) ? 1 + rnd(3) : rnd(MAX_CMDS + 1);
		for (i = 0; i < o->ncmd; i++)
			gen_cmd(&o->cmds[i]);
		break;
	case OP_FREEZE:
		o->a[0] = rnd(10) ? rnd(NPROC) : RAW | interesting();
		o->a[1] = rnd(8) ? rnd(2) : interesting();
		o->a[2] = rnd(3) ? 0 : rnd(20);
		break;
	case OP_FROZEN_INFO:
		o->a[0] = rnd(10) ? rnd(NPROC) : RAW | interesting();
		break;
	case OP_CTX_MGR_EXT:
		o->a[0] = rnd(NODES);
		o->a[1] = rnd(2) ? FLAT_BINDER_FLAG_TXN_SECURITY_CTX : rnd(0x200);
		o->a[2] = rnd(8) == 0;			/* wrong type */
		break;
	case OP_NODE_DEBUG:
		o->a[0] = rnd(3) ? 0 : rnd(NODES + 1);
		break;
	case OP_NODE_INFO:
		o->a[0] = sel();
		o->a[1] = rnd(8) == 0;			/* reserved set */
		break;
	case OP_BAD_IOCTL:
		o->a[0] = rnd64();
		break;
	case OP_URING_WR:
	case OP_URING_THREAD:
	case OP_URING_EXEC:
		/* read size class as OP_WR, mostly a read (which may pend) */
		o->a[0] = rnd(3) ? (rnd(2) ? 1 : 3) : rnd(5);
		o->a[1] = rnd(12) ? 0 : 1 + rnd(4);	/* bad bwr mode */
		o->a[2] = rnd(2) ? rnd(64) : rnd64();
		/* 1 flags, 2 reserved, 3 cmd_op, 4 bwr pointer, 5 IOSQE_ASYNC,
		 * 6 registered file, 7 not an ipckit fd */
		o->a[3] = rnd(4) ? (rnd(5) ? 0 : 6) : rnd(8);
		o->a[4] = o->kind == OP_URING_WR ?
			(rnd(6) ? 0 : 1 + 4 * rnd(10)) : rnd(16);
		o->a[5] = rnd(4) ? 0 : rnd(5);		/* ring flavor */
		o->ncmd = rnd(3) ? rnd(3) : 1 + rnd(MAX_CMDS);
		for (i = 0; i < o->ncmd; i++)
			gen_cmd(&o->cmds[i]);
		break;
	case OP_URING_REAP:
		o->a[0] = rnd(6) ? 0 : rnd(20);		/* wait, ms */
		break;
	case OP_URING_CLOSE:
		o->a[0] = rnd(2);			/* recreate */
		o->a[1] = rnd(3) ? 0 : rnd(5);		/* its flavor */
		break;
	case OP_NL_STATS:
	case OP_NL_PROC:
		/* bit 0 dump, bit 1 another command (bits 8-15), bit 2 PID */
		o->a[0] = rnd(2) | (rnd(12) ? 0 : 2 | rnd(8) << 8) |
			(rnd(8) ? 0 : 4);
		o->a[1] = rnd(3) ? 0 : rnd(8);		/* device attribute */
		o->a[2] = rnd(4) ? 0 : rnd64();		/* extra attribute */
		o->a[3] = rnd(4) ? 0 : rnd(12);		/* malformed */
		o->a[4] = rnd(3) ? 0 : rnd(5);		/* how to read */
		o->a[5] = rnd(8) ? rnd(NPROC + 2) :
			RAW | (rnd(2) ? interesting() : rnd64() & 0xffffffff);
		break;
	case OP_NL_GROUP:
		o->a[0] = rnd(8);
		o->a[1] = rnd(4) ? rnd(8) : rnd64() & 0xffffffff;
		break;
	case OP_FS_MOUNT:
		/* 0 plain, 1 max=, 2 stats=global, 3 bad option, 4 max= too
		 * big, 5 remount with max= */
		o->a[0] = rnd(3) ? rnd(2) : rnd(6);
		o->a[1] = rnd(5);
		break;
	case OP_FS_ADD:
		/* 0-3 a name of FS_NAMES (they collide), 4 "", 5 ".", 6 "..",
		 * 7 "a/b", 8 unterminated, 9 random bytes (a[1]) */
		o->a[0] = rnd(3) ? rnd(4) : rnd(10);
		o->a[1] = rnd64();
		o->a[2] = rnd(12) == 0;			/* bad pointer */
		break;
	case OP_FS_OPEN:
		o->a[0] = rnd(4);			/* name */
		o->a[1] = rnd(12) == 0;			/* blocking reads */
		break;
	case OP_FS_UNLINK:
		o->a[0] = rnd(4);
		o->a[1] = rnd(8) == 0;			/* binder-control */
		break;
	case OP_FS_UMOUNT:
		o->a[0] = rnd(3) != 0;			/* MNT_DETACH */
		break;
	default:
		o->a[0] = rnd(8) ? rnd(16) : interesting();
		break;
	}
}

static void gen_op(struct op *o)
{
	memset(o, 0, sizeof(*o));
	o->kind = pick(op_weight, OP_COUNT);
	o->p = rnd(NPROC);
	o->t = rnd(NTHR);
	gen_args(o);
}

static void insert_op(struct prog *pr, int at, const struct op *o)
{
	memmove(&pr->ops[at + 1], &pr->ops[at],
		(pr->nops - at) * sizeof(pr->ops[0]));
	pr->ops[at] = *o;
	pr->nops++;
}

/*
 * A binderfs op of a worker that has no mount (a program's mounts go
 * with it) or opens a name nobody added only meets ENOENT: most of the
 * time give it the fs_mount or fs_add it needs, just before it.
 */
static void fs_prepare(struct prog *pr)
{
	bool mounted[NPROC] = { false };
	unsigned int added[NPROC] = { 0 };	/* bit per name */
	struct op pre;
	int i;

	for (i = 0; i < pr->nops; i++) {
		int kind = pr->ops[i].kind, p = pr->ops[i].p % NPROC;

		if (kind == OP_FS_MOUNT) {
			mounted[p] = true;
			continue;
		}
		if (kind == OP_FS_UMOUNT) {
			mounted[p] = false;
			added[p] = 0;
		}
		if (kind < OP_FS_ADD || kind > OP_FS_UNLINK)
			continue;
		pre = pr->ops[i];
		pre.ncmd = 0;
		memset(pre.a, 0, sizeof(pre.a));
		if (!mounted[p] && rnd(4) && pr->nops < MAX_OPS) {
			pre.kind = OP_FS_MOUNT;
			insert_op(pr, i++, &pre);
			mounted[p] = true;
		}
		if (kind == OP_FS_OPEN && mounted[p] && rnd(4) &&
		    !(added[p] & 1u << (pr->ops[i].a[0] % 4)) &&
		    pr->nops < MAX_OPS) {
			pre.kind = OP_FS_ADD;
			pre.a[0] = pr->ops[i].a[0] % 4;
			insert_op(pr, i++, &pre);
		}
		if (pr->ops[i].kind == OP_FS_ADD && pr->ops[i].a[0] % 10 < 4)
			added[p] |= 1u << (pr->ops[i].a[0] % 4);
		if (pr->ops[i].kind == OP_FS_OPEN)
			added[p] |= 1u << (pr->ops[i].a[0] % 4);
	}
}

static void gen_prog(struct prog *pr)
{
	int p, n;

	pr->nops = 0;
	for (p = 0; p < NPROC; p++) {
		if (rnd(12) == 0)
			continue;
		struct op *o = &pr->ops[pr->nops++];

		memset(o, 0, sizeof(*o));
		o->kind = OP_OPEN;
		o->p = p;
		o->a[0] = rnd(16) == 0;
		if (rnd(12) == 0)
			continue;
		o = &pr->ops[pr->nops++];
		memset(o, 0, sizeof(*o));
		o->kind = OP_MMAP;
		o->p = p;
		o->a[0] = rnd(10) ? 0 : 1 + rnd(5);
		if (p == 0 && rnd(3)) {
			o = &pr->ops[pr->nops++];
			memset(o, 0, sizeof(*o));
			o->kind = OP_CTX_MGR;
		}
	}
	n = 4 + rnd(MAX_OPS - pr->nops - 4);
	while (n-- > 0 && pr->nops < MAX_OPS)
		gen_op(&pr->ops[pr->nops++]);
	fs_prepare(pr);
}

/* ---- mutation ---------------------------------------------------------- */

static void tweak(uint64_t *v)
{
	switch (rnd(4)) {
	case 0:
		*v ^= 1ULL << rnd(32);
		break;
	case 1:
		*v += rnd(9) - 4;
		break;
	case 2:
		*v = (*v & RAW) | interesting();
		break;
	default:
		*v = sel();
		break;
	}
}

static void mutate(struct prog *pr, struct prog *const *corpus, int ncorpus)
{
	int n = 1 + rnd(3), i;

	while (n--) {
		struct op *o;
		struct cmd *c;

		if (pr->nops == 0) {
			gen_op(&pr->ops[pr->nops++]);
			continue;
		}
		i = rnd(pr->nops);
		o = &pr->ops[i];
		switch (rnd(8)) {
		case 0:	/* insert */
			if (pr->nops >= MAX_OPS)
				break;
			memmove(o + 1, o, (pr->nops - i) * sizeof(*o));
			pr->nops++;
			gen_op(o);
			break;
		case 1:	/* remove */
			memmove(o, o + 1, (pr->nops - i - 1) * sizeof(*o));
			pr->nops--;
			break;
		case 2:	/* change args */
			if (rnd(2))
				gen_args(o);
			else
				tweak(&o->a[rnd(NARGS)]);
			if (rnd(4) == 0) {
				o->p = rnd(NPROC);
				o->t = rnd(NTHR);
			}
			break;
		case 3:	/* splice */
			if (ncorpus) {
				const struct prog *q = corpus[rnd(ncorpus)];
				int j = rnd(q->nops + 1), k = i;

				while (j < q->nops && k < MAX_OPS)
					pr->ops[k++] = q->ops[j++];
				pr->nops = k;
			}
			break;
		case 4:	/* duplicate */
			if (pr->nops < MAX_OPS) {
				int to = rnd(pr->nops + 1);
				struct op copy = *o;

				memmove(&pr->ops[to + 1], &pr->ops[to],
					(pr->nops - to) * sizeof(*o));
				pr->ops[to] = copy;
				pr->nops++;
			}
			break;
		default: /* commands and objects */
			if (!has_cmds(o->kind)) {
				tweak(&o->a[rnd(NARGS)]);
				break;
			}
			if (o->ncmd == 0 || (rnd(4) == 0 && o->ncmd < MAX_CMDS)) {
				gen_cmd(&o->cmds[o->ncmd++]);
				break;
			}
			c = &o->cmds[rnd(o->ncmd)];
			switch (rnd(5)) {
			case 0:
				gen_cmd(c);
				break;
			case 1:
				tweak(&c->a[rnd(NARGS)]);
				break;
			case 2:
				if (c->nobj < MAX_OBJS)
					gen_obj(&c->objs[c->nobj], c->nobj), c->nobj++;
				break;
			case 3:
				if (c->nobj)
					tweak(&c->objs[rnd(c->nobj)].a[rnd(NOARGS)]);
				break;
			default:
				if (c->nobj)
					c->nobj--;
				else
					o->ncmd--;
				break;
			}
			break;
		}
	}
}

/* ---- serialization ----------------------------------------------------- */

static void write_prog(FILE *f, const struct prog *pr)
{
	int i, j, k, x;

	fprintf(f, "# ipckit-fuzz program v1: %d ops\n", pr->nops);
	for (i = 0; i < pr->nops; i++) {
		const struct op *o = &pr->ops[i];

		fprintf(f, "%s %u %u", op_names[o->kind], o->p, o->t);
		for (x = 0; x < NARGS; x++)
			fprintf(f, " %#llx", (unsigned long long)o->a[x]);
		fputc('\n', f);
		for (j = 0; j < o->ncmd; j++) {
			const struct cmd *c = &o->cmds[j];

			fprintf(f, " %s", cmd_names[c->kind]);
			for (x = 0; x < NARGS; x++)
				fprintf(f, " %#llx", (unsigned long long)c->a[x]);
			fputc('\n', f);
			for (k = 0; k < c->nobj; k++) {
				const struct obj *ob = &c->objs[k];

				fprintf(f, "  %s", obj_names[ob->kind]);
				for (x = 0; x < NOARGS; x++)
					fprintf(f, " %#llx",
						(unsigned long long)ob->a[x]);
				fputc('\n', f);
			}
		}
	}
}

static int lookup(const char *const *names, int n, const char *s)
{
	int i;

	for (i = 0; i < n; i++)
		if (!strcmp(names[i], s))
			return i;
	return -1;
}

static int parse_args(char *s, uint64_t *a, int n)
{
	char *end;
	int i;

	for (i = 0; i < n; i++) {
		while (*s == ' ' || *s == '\t')
			s++;
		if (!*s || *s == '\n')
			break;
		a[i] = strtoull(s, &end, 0);
		if (end == s)
			return -1;
		s = end;
	}
	return 0;
}

static int read_prog(FILE *f, struct prog *pr)
{
	char line[512], word[32];
	int lineno = 0, depth, k, off;
	struct op *o = NULL;
	struct cmd *c = NULL;

	memset(pr, 0, sizeof(*pr));
	while (fgets(line, sizeof(line), f)) {
		lineno++;
		depth = strspn(line, " ");
		if (line[depth] == '#' || line[depth] == '\n' || !line[depth])
			continue;
		if (sscanf(line + depth, "%31s%n", word, &off) != 1)
			goto bad;
		off += depth;
		if (depth == 0) {
			unsigned int p, t;
			int n;

			k = lookup(op_names, OP_COUNT, word);
			if (k < 0 || pr->nops >= MAX_OPS)
				goto bad;
			o = &pr->ops[pr->nops++];
			if (sscanf(line + off, "%u %u%n", &p, &t, &n) != 2 ||
			    p >= NPROC || t >= NTHR)
				goto bad;
			o->kind = k;
			o->p = p;
			o->t = t;
			if (parse_args(line + off + n, o->a, NARGS))
				goto bad;
			c = NULL;
		} else if (depth == 1) {
			k = lookup(cmd_names, C_COUNT, word);
			if (k < 0 || !o || o->ncmd >= MAX_CMDS)
				goto bad;
			c = &o->cmds[o->ncmd++];
			c->kind = k;
			if (parse_args(line + off, c->a, NARGS))
				goto bad;
		} else {
			k = lookup(obj_names, O_COUNT, word);
			if (k < 0 || !c || c->nobj >= MAX_OBJS)
				goto bad;
			c->objs[c->nobj].kind = k;
			if (parse_args(line + off, c->objs[c->nobj].a, NOARGS))
				goto bad;
			c->nobj++;
		}
	}
	return 0;
bad:
	fprintf(stderr, "ipckit-fuzz: bad program line %d: %s", lineno, line);
	return -1;
}

/* ---- shared state ------------------------------------------------------ */

struct shared {
	struct prog prog;
	pid_t pid[NPROC];
	int blocking[NPROC];
	uint64_t edges, pcs, new_edges;
	/* generic netlink ids, resolved once by the executor (0: none) */
	int nl_ipckit, nl_binder, grp_events, grp_report;
	/* io_uring completions reaped: res 0, -ECANCELED, other errors */
	uint64_t cqe_ok, cqe_canceled, cqe_err;
	uint8_t edge_bits[EDGE_BYTES];
	uint8_t pc_bits[EDGE_BYTES];
};

static struct shared *sh;
static const char *dev_path = "/dev/ipckit";
static bool use_kcov;

static void cover_add(uint8_t *bits, uint64_t h, uint64_t *count, bool edge)
{
	uint32_t i = h & ((1u << EDGE_BITS) - 1);
	uint8_t m = 1u << (i & 7);

	if (bits[i >> 3] & m)
		return;
	bits[i >> 3] |= m;
	__atomic_add_fetch(count, 1, __ATOMIC_RELAXED);
	if (edge)
		__atomic_add_fetch(&sh->new_edges, 1, __ATOMIC_RELAXED);
}

static uint64_t hash64(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	return x ^ (x >> 33);
}

/* ---- worker: one process, NTHR threads --------------------------------- */

struct pools {
	uint64_t handles[POOL];
	int nhandles;
	uint64_t buffers[POOL];
	int nbuffers;
	uint64_t req_ptr[POOL], req_cookie[POOL];
	int nreqs;
	uint64_t dead[POOL];
	int ndead;
	uint64_t frozen[POOL];	/* cookies of BR_FROZEN_BINDERs read */
	int nfrozen;
	int fds[POOL];
	int nfds;
};

/*
 * io_uring: each worker thread has a ring (made when first used), and
 * one more for the short-lived threads of uring_thread. A command's
 * binder_write_read and read buffer must stay valid until its CQE: they
 * live in a slot of the ring, busy from the submission to the reap (or
 * the ring's close, after which ipckit no longer touches them).
 */
#define NSLOT		8
#define URING_RBUF	2048

struct uslot {
	struct binder_write_read bwr;
	uint8_t rbuf[URING_RBUF];
	bool busy;
};

struct uring {
	struct io_uring ring;
	bool up, registered;
	struct uslot slots[NSLOT];
};

struct worker {
	int p;
	struct uring ur[NTHR + 1];
	int nl_lsn, nl_parked;	/* the listener; a dump left half-read */
	int fd;
	void *map;
	size_t map_size;
	int null_fd, pipe_fd[2];
	struct pools pl;
	pthread_mutex_t lock;
	int cmd_fd[NTHR];
	int res_fd;
	bool fs_ok;		/* in a mount namespace of its own */
};

struct result {
	int t, idx;
	long ret;
};

static struct worker wk;

static void pool_push(uint64_t *pool, int *n, uint64_t v)
{
	int i;

	for (i = 0; i < *n && i < POOL; i++)
		if (pool[i] == v)
			return;
	pool[*n % POOL] = v;
	(*n)++;
}

static uint64_t pool_get(const uint64_t *pool, int n, uint64_t s, uint64_t dflt)
{
	if (s & RAW)
		return s & 0xffffffff;
	if (n == 0)
		return dflt;
	return pool[s % (n < POOL ? n : POOL)];
}

static int fd_get(uint64_t s)
{
	if (s & RAW)
		return (int)(s & 0xffffffff);
	switch (s % (3 + (wk.pl.nfds < POOL ? wk.pl.nfds : POOL))) {
	case 0:
		return wk.null_fd;
	case 1:
		return wk.pipe_fd[0];
	case 2:
		return wk.fd;
	default:
		return wk.pl.fds[(s % (3 + wk.pl.nfds)) - 3];
	}
}

static uint64_t node_ptr(uint64_t k)
{
	return k & RAW ? k & ~RAW : 0x10000 + (k % NODES) * 0x100;
}

static uint64_t node_cookie(uint64_t k)
{
	return k & RAW ? k : 0xc0c0 + (k % NODES);
}

static bool in_map(uint64_t p, uint64_t len)
{
	uint64_t b = (uint64_t)(uintptr_t)wk.map;

	return wk.map && p >= b && len <= wk.map_size && p - b <= wk.map_size - len;
}

static void learn_txn(const struct binder_transaction_data *tr)
{
	uint64_t data = tr->data.ptr.buffer, offs = tr->data.ptr.offsets;
	uint64_t i, n = tr->offsets_size / sizeof(binder_size_t);

	pool_push(wk.pl.buffers, &wk.pl.nbuffers, data);
	if (!in_map(data, tr->data_size) ||
	    !in_map(offs, n * sizeof(binder_size_t)))
		return;
	for (i = 0; i < n; i++) {
		binder_size_t off = ((binder_size_t *)(uintptr_t)offs)[i];
		const struct binder_object_header *hdr;

		if (off + sizeof(struct flat_binder_object) > tr->data_size)
			continue;
		hdr = (void *)(uintptr_t)(data + off);
		if (hdr->type == BINDER_TYPE_HANDLE ||
		    hdr->type == BINDER_TYPE_WEAK_HANDLE) {
			const struct flat_binder_object *fo = (const void *)hdr;

			pool_push(wk.pl.handles, &wk.pl.nhandles, fo->handle);
		} else if (hdr->type == BINDER_TYPE_FD) {
			const struct binder_fd_object *fo = (const void *)hdr;

			if (wk.pl.nfds >= POOL)
				close(wk.pl.fds[wk.pl.nfds % POOL]);
			wk.pl.fds[wk.pl.nfds % POOL] = fo->fd;
			wk.pl.nfds++;
		}
	}
}

static void learn(const uint8_t *buf, size_t len)
{
	size_t pos = 0;

	while (pos + 4 <= len) {
		uint32_t code;
		size_t sz;

		memcpy(&code, buf + pos, 4);
		pos += 4;
		sz = _IOC_SIZE(code);
		if (pos + sz > len)
			break;
		switch (code) {
		case BR_TRANSACTION_SEC_CTX:
		case BR_TRANSACTION:
		case BR_REPLY: {
			struct binder_transaction_data tr;

			memcpy(&tr, buf + pos, sizeof(tr));
			learn_txn(&tr);
			break;
		}
		case BR_INCREFS:
		case BR_ACQUIRE: {
			struct binder_ptr_cookie pc;

			memcpy(&pc, buf + pos, sizeof(pc));
			if (wk.pl.nreqs < POOL) {
				wk.pl.req_ptr[wk.pl.nreqs] = pc.ptr;
				wk.pl.req_cookie[wk.pl.nreqs] = pc.cookie;
				wk.pl.nreqs++;
			} else {
				wk.pl.req_ptr[wk.pl.nreqs % POOL] = pc.ptr;
				wk.pl.req_cookie[wk.pl.nreqs++ % POOL] = pc.cookie;
			}
			break;
		}
		case BR_DEAD_BINDER: {
			binder_uintptr_t cookie;

			memcpy(&cookie, buf + pos, sizeof(cookie));
			pool_push(wk.pl.dead, &wk.pl.ndead, cookie);
			break;
		}
		case BR_FROZEN_BINDER: {
			struct binder_frozen_state_info info;

			memcpy(&info, buf + pos, sizeof(info));
			pool_push(wk.pl.frozen, &wk.pl.nfrozen, info.cookie);
			break;
		}
		default:
			break;
		}
		pos += sz;
	}
}

struct tls {
	uint8_t data[2048];
	binder_size_t offs[MAX_OBJS + 2];
	uint8_t scratch[8192];
	uint8_t wbuf[4096];
	uint8_t rbuf[8192];
};

/* Lay out one transaction's objects; returns the data size. */
static size_t build_objs(struct tls *ts, const struct cmd *c, size_t *noffs,
			 size_t *sg)
{
	size_t pos = c->a[3] % 256, i;
	uint64_t bad = c->a[4];

	memset(ts->data, 0, pos);
	pos = (pos + 7) & ~7UL;
	*sg = 0;
	for (i = 0; i < c->nobj; i++) {
		const struct obj *o = &c->objs[i];
		uint8_t *at = ts->data + pos;
		size_t sz = sizeof(struct flat_binder_object);

		ts->offs[i] = pos;
		switch (o->kind) {
		case O_BINDER:
		case O_WEAK_BINDER: {
			struct flat_binder_object fo = {
				.hdr.type = o->kind == O_BINDER ? BINDER_TYPE_BINDER :
					BINDER_TYPE_WEAK_BINDER,
				.flags = o->a[1],
				.binder = node_ptr(o->a[0]),
				.cookie = node_cookie(o->a[0]),
			};
			memcpy(at, &fo, sz);
			break;
		}
		case O_HANDLE:
		case O_WEAK_HANDLE: {
			struct flat_binder_object fo = {
				.hdr.type = o->kind == O_HANDLE ? BINDER_TYPE_HANDLE :
					BINDER_TYPE_WEAK_HANDLE,
				.handle = pool_get(wk.pl.handles, wk.pl.nhandles,
						   o->a[0], 0),
			};
			memcpy(at, &fo, sz);
			break;
		}
		case O_FD: {
			struct binder_fd_object fo = {
				.hdr.type = BINDER_TYPE_FD,
				.fd = fd_get(o->a[0]),
				.cookie = o->a[1],
			};
			sz = sizeof(fo);
			memcpy(at, &fo, sz);
			break;
		}
		case O_FDA: {
			struct binder_fd_array_object fo = {
				.hdr.type = BINDER_TYPE_FDA,
				.num_fds = o->a[0],
				.parent = o->a[2],
				.parent_offset = o->a[3],
			};
			sz = sizeof(fo);
			memcpy(at, &fo, sz);
			break;
		}
		case O_PTR: {
			size_t len = o->a[0];
			struct binder_buffer_object fo = {
				.hdr.type = BINDER_TYPE_PTR,
				.flags = o->a[1],
				.buffer = (uintptr_t)(ts->scratch + (i * 512)),
				.length = len,
				.parent = o->a[2],
				.parent_offset = o->a[3],
			};
			sz = sizeof(fo);
			memcpy(at, &fo, sz);
			if (len < 1 << 20)
				*sg += (len + 7) & ~7UL;
			break;
		}
		default: {
			uint32_t type = o->a[0];

			memcpy(at, &type, 4);
			break;
		}
		}
		pos += (sz + 7) & ~7UL;
	}
	*noffs = c->nobj;
	switch (bad) {
	case 1:	/* misaligned offset */
		if (c->nobj)
			ts->offs[0] += 4;
		break;
	case 2:	/* offset past the data */
		if (c->nobj)
			ts->offs[c->nobj - 1] = pos + 8;
		else
			ts->offs[(*noffs)++] = pos;
		break;
	case 3:	/* offsets out of order */
		if (c->nobj >= 2) {
			binder_size_t x = ts->offs[0];

			ts->offs[0] = ts->offs[1];
			ts->offs[1] = x;
		}
		break;
	case 4:	/* object truncated by the data size */
		if (pos >= 4)
			pos -= 4;
		break;
	default:
		break;
	}
	return pos;
}

/* A BC_ code and its struct binder_handle_cookie (death, freeze). */
static size_t put_handle_cookie(uint8_t *b, uint32_t code, uint32_t handle,
				uint64_t cookie)
{
	struct binder_handle_cookie hc = { .handle = handle, .cookie = cookie };

	memcpy(b, &code, 4);
	memcpy(b + 4, &hc, sizeof(hc));
	return 4 + sizeof(hc);
}

/* A BC_ code and the cookie of a notification it acknowledges. */
static size_t put_cookie(uint8_t *b, uint32_t code, uint64_t cookie)
{
	memcpy(b, &code, 4);
	memcpy(b + 4, &cookie, 8);
	return 12;
}

static size_t put_cmd(struct tls *ts, size_t w, const struct cmd *c)
{
	uint8_t *b = ts->wbuf + w;
	uint32_t code;
	size_t n = 4;

	if (w + 4 + sizeof(struct binder_transaction_data_sg) > sizeof(ts->wbuf))
		return w;
	switch (c->kind) {
	case C_TXN:
	case C_REPLY:
	case C_TXN_SG:
	case C_REPLY_SG: {
		struct binder_transaction_data_sg sg;
		struct binder_transaction_data *tr = &sg.transaction_data;
		size_t noffs, sgsize;
		size_t dsize = build_objs(ts, c, &noffs, &sgsize);

		memset(&sg, 0, sizeof(sg));
		code = c->kind == C_TXN ? BC_TRANSACTION :
			c->kind == C_REPLY ? BC_REPLY :
			c->kind == C_TXN_SG ? BC_TRANSACTION_SG : BC_REPLY_SG;
		tr->target.handle = pool_get(wk.pl.handles, wk.pl.nhandles,
					     c->a[0], 0);
		tr->flags = c->a[1];
		tr->code = c->a[2];
		tr->data_size = dsize;
		tr->offsets_size = noffs * sizeof(binder_size_t);
		if (c->a[4] == 5)
			tr->offsets_size += 3;
		tr->data.ptr.buffer = (uintptr_t)ts->data;
		tr->data.ptr.offsets = (uintptr_t)ts->offs;
		if (c->a[4] == 6)
			tr->data.ptr.buffer = 0x10;
		sg.buffers_size = sgsize + c->a[5];
		memcpy(b, &code, 4);
		n = code == BC_TRANSACTION_SG || code == BC_REPLY_SG ?
			sizeof(sg) : sizeof(*tr);
		memcpy(b + 4, &sg, n);
		n += 4;
		break;
	}
	case C_FREE: {
		uint64_t buf = pool_get(wk.pl.buffers, wk.pl.nbuffers, c->a[0], 0);

		code = BC_FREE_BUFFER;
		memcpy(b, &code, 4);
		memcpy(b + 4, &buf, 8);
		n = 12;
		break;
	}
	case C_INCREFS:
	case C_ACQUIRE:
	case C_RELEASE:
	case C_DECREFS: {
		uint32_t h = pool_get(wk.pl.handles, wk.pl.nhandles, c->a[0], 0);

		code = c->kind == C_INCREFS ? BC_INCREFS :
			c->kind == C_ACQUIRE ? BC_ACQUIRE :
			c->kind == C_RELEASE ? BC_RELEASE : BC_DECREFS;
		memcpy(b, &code, 4);
		memcpy(b + 4, &h, 4);
		n = 8;
		break;
	}
	case C_INCREFS_DONE:
	case C_ACQUIRE_DONE: {
		struct binder_ptr_cookie pc;
		int k;

		if (c->a[0] & RAW || wk.pl.nreqs == 0) {
			pc.ptr = node_ptr(c->a[0]);
			pc.cookie = node_cookie(c->a[0]);
		} else {
			k = c->a[0] % (wk.pl.nreqs < POOL ? wk.pl.nreqs : POOL);
			pc.ptr = wk.pl.req_ptr[k];
			pc.cookie = wk.pl.req_cookie[k];
		}
		code = c->kind == C_INCREFS_DONE ? BC_INCREFS_DONE : BC_ACQUIRE_DONE;
		memcpy(b, &code, 4);
		memcpy(b + 4, &pc, sizeof(pc));
		n = 4 + sizeof(pc);
		break;
	}
	case C_REQ_DEATH:
	case C_CLEAR_DEATH:
		n = put_handle_cookie(b, c->kind == C_REQ_DEATH ?
				      BC_REQUEST_DEATH_NOTIFICATION :
				      BC_CLEAR_DEATH_NOTIFICATION,
				      pool_get(wk.pl.handles, wk.pl.nhandles,
					       c->a[0], 0),
				      0xdead0000 + c->a[1]);
		break;
	case C_DEAD_DONE:
		n = put_cookie(b, BC_DEAD_BINDER_DONE,
			       pool_get(wk.pl.dead, wk.pl.ndead, c->a[0],
					0xdead0000));
		break;
	case C_REQ_FREEZE:
	case C_CLEAR_FREEZE:
		/* A small a[1] is a cookie a request may have used. */
		n = put_handle_cookie(b, c->kind == C_REQ_FREEZE ?
				      BC_REQUEST_FREEZE_NOTIFICATION :
				      BC_CLEAR_FREEZE_NOTIFICATION,
				      pool_get(wk.pl.handles, wk.pl.nhandles,
					       c->a[0], 0),
				      0xf4ee0000 + c->a[1]);
		break;
	case C_FREEZE_DONE:
		n = put_cookie(b, BC_FREEZE_NOTIFICATION_DONE,
			       pool_get(wk.pl.frozen, wk.pl.nfrozen, c->a[0],
					0xf4ee0000));
		break;
	case C_ENTER_LOOPER:
	case C_REGISTER_LOOPER:
	case C_EXIT_LOOPER:
		code = c->kind == C_ENTER_LOOPER ? BC_ENTER_LOOPER :
			c->kind == C_REGISTER_LOOPER ? BC_REGISTER_LOOPER :
			BC_EXIT_LOOPER;
		memcpy(b, &code, 4);
		break;
	case C_ACQUIRE_RESULT: {
		int32_t v = c->a[0];

		code = BC_ACQUIRE_RESULT;
		memcpy(b, &code, 4);
		memcpy(b + 4, &v, 4);
		n = 8;
		break;
	}
	case C_ATTEMPT_ACQUIRE: {
		struct binder_pri_desc pd = {
			.priority = c->a[0],
			.desc = pool_get(wk.pl.handles, wk.pl.nhandles, c->a[1], 0),
		};

		code = BC_ATTEMPT_ACQUIRE;
		memcpy(b, &code, 4);
		memcpy(b + 4, &pd, sizeof(pd));
		n = 4 + sizeof(pd);
		break;
	}
	default: {	/* an unknown or mis-sized command word */
		code = c->a[0];
		if (rnd(2) == 0)
			code = (code & ~0xffu) | ('c' << 8) | (code & 0x1f);
		memcpy(b, &code, 4);
		memset(b + 4, 0, 8);
		n = 12;
		break;
	}
	}
	return w + n;
}

static long do_wr(struct tls *ts, const struct op *o)
{
	static const size_t rsizes[] = { 0, 256, 8, 2048, 48 };
	struct binder_write_read bwr = { 0 };
	size_t w = 0;
	int i;
	long ret;

	pthread_mutex_lock(&wk.lock);
	for (i = 0; i < o->ncmd; i++)
		w = put_cmd(ts, w, &o->cmds[i]);
	pthread_mutex_unlock(&wk.lock);
	bwr.write_buffer = (uintptr_t)ts->wbuf;
	bwr.write_size = w;
	bwr.read_buffer = (uintptr_t)ts->rbuf;
	bwr.read_size = rsizes[o->a[0] % 5];
	switch (o->a[1]) {
	case 1:
		if (w)
			bwr.write_size = w - (o->a[2] % w);
		break;
	case 2:
		bwr.write_buffer = 0x1000;
		break;
	case 3:
		bwr.read_buffer = 1;
		break;
	case 4:
		if (w)
			bwr.write_consumed = o->a[2] % w;
		break;
	default:
		break;
	}
	ret = ioctl(wk.fd, BINDER_WRITE_READ, &bwr);
	if (ret < 0)
		ret = -errno;
	pthread_mutex_lock(&wk.lock);
	if (bwr.read_buffer == (uintptr_t)ts->rbuf &&
	    bwr.read_consumed <= sizeof(ts->rbuf))
		learn(ts->rbuf, bwr.read_consumed);
	pthread_mutex_unlock(&wk.lock);
	return ret;
}

/* ---- worker: io_uring passthrough -------------------------------------- */

static void ring_down(struct uring *u)
{
	int i;

	if (!u->up)
		return;
	io_uring_queue_exit(&u->ring);
	u->up = false;
	u->registered = false;
	for (i = 0; i < NSLOT; i++)
		u->slots[i].busy = false;
}

/* Flavors: plain, 128-byte SQEs, SQPOLL, DEFER_TASKRUN, COOP_TASKRUN. */
static int ring_up(struct uring *u, uint64_t flavor)
{
	struct io_uring_params p = { 0 };
	int ret, i;

	if (u->up)
		return 0;
	switch (flavor % 5) {
	case 1:
		p.flags = IORING_SETUP_SQE128;
		break;
	case 2:
		p.flags = IORING_SETUP_SQPOLL;
		p.sq_thread_idle = 10;
		break;
	case 3:
		p.flags = IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN;
		break;
	case 4:
		p.flags = IORING_SETUP_COOP_TASKRUN | IORING_SETUP_TASKRUN_FLAG;
		break;
	default:
		break;
	}
	ret = io_uring_queue_init_params(NSLOT, &u->ring, &p);
	if (ret < 0 && p.flags) {
		memset(&p, 0, sizeof(p));
		ret = io_uring_queue_init_params(NSLOT, &u->ring, &p);
	}
	if (ret < 0)
		return ret;
	u->up = true;
	u->registered = false;
	for (i = 0; i < NSLOT; i++)
		u->slots[i].busy = false;
	return 0;
}

/*
 * Reap completions, learning from what the reads delivered; wait up to
 * wait_ms for the first one (never blocks longer). Returns how many.
 */
static int ring_reap(struct uring *u, int wait_ms)
{
	struct io_uring_cqe *cqe;
	int n = 0, ret;

	if (!u->up)
		return 0;
	for (;;) {
		cqe = NULL;
		if (wait_ms > 0 && n == 0) {
			struct __kernel_timespec ts = {
				.tv_nsec = (long)wait_ms * 1000000,
			};

			ret = io_uring_wait_cqe_timeout(&u->ring, &cqe, &ts);
		} else {
			ret = io_uring_peek_cqe(&u->ring, &cqe);
			if (ret == -EAGAIN && n == 0) {
				/* task work (DEFER_TASKRUN) runs on an enter */
				io_uring_get_events(&u->ring);
				ret = io_uring_peek_cqe(&u->ring, &cqe);
			}
		}
		if (ret < 0 || !cqe)
			break;
		__atomic_add_fetch(cqe->res >= 0 ? &sh->cqe_ok :
				   cqe->res == -ECANCELED ? &sh->cqe_canceled :
				   &sh->cqe_err, 1, __ATOMIC_RELAXED);
		if (cqe->user_data < NSLOT) {
			struct uslot *s = &u->slots[cqe->user_data];

			if (cqe->res == 0 && s->bwr.read_buffer == (uintptr_t)s->rbuf &&
			    s->bwr.read_consumed <= URING_RBUF)
				learn(s->rbuf, s->bwr.read_consumed);
			s->busy = false;
		}
		io_uring_cqe_seen(&u->ring, cqe);
		if (++n >= 4 * NSLOT)
			break;
	}
	return n;
}

/*
 * One IPCKIT_URING_CMD_WRITE_READ on ring u for device fd, its write half
 * built as OP_WR's; a[3] picks a bad variant, a[5] the ring's flavor when
 * it is made here. Returns io_uring_submit()'s result or an errno.
 */
static long uring_wr(struct tls *ts, const struct op *o, struct uring *u,
		     int fd)
{
	static const size_t rsizes[] = { 0, 256, 8, 2048, 48 };
	struct ipckit_uring_write_read pl = { 0 };
	struct io_uring_sqe *sqe;
	struct uslot *s = NULL;
	size_t w = 0;
	int i, ret;

	ret = ring_up(u, o->a[5]);
	if (ret < 0)
		return ret;
	ring_reap(u, 0);
	for (i = 0; i < NSLOT && !s; i++)
		if (!u->slots[i].busy)
			s = &u->slots[i];
	if (!s)
		return -EBUSY;
	sqe = io_uring_get_sqe(&u->ring);
	if (!sqe)
		return -EBUSY;
	for (i = 0; i < o->ncmd; i++)
		w = put_cmd(ts, w, &o->cmds[i]);
	memset(&s->bwr, 0, sizeof(s->bwr));
	s->bwr.write_buffer = (uintptr_t)ts->wbuf;
	s->bwr.write_size = w;
	s->bwr.read_buffer = (uintptr_t)s->rbuf;
	s->bwr.read_size = rsizes[o->a[0] % 5];
	switch (o->a[1]) {
	case 1:
		if (w)
			s->bwr.write_size = w - (o->a[2] % w);
		break;
	case 2:
		s->bwr.write_buffer = 0x1000;
		break;
	case 3:
		s->bwr.read_buffer = 1;
		break;
	case 4:
		if (w)
			s->bwr.write_consumed = o->a[2] % w;
		break;
	default:
		break;
	}
	io_uring_prep_rw(IORING_OP_URING_CMD, sqe, fd, NULL, 0, 0);
	sqe->cmd_op = IPCKIT_URING_CMD_WRITE_READ;
	pl.bwr = (uintptr_t)&s->bwr;
	switch (o->a[3] % 8) {
	case 1:
		pl.flags = 1u << (o->a[2] % 32);
		break;
	case 2:
		pl.reserved = o->a[2] | 1;
		break;
	case 3:
		sqe->cmd_op = o->a[2] & 1 ? (uint32_t)(o->a[2] >> 1) :
			IPCKIT_URING_CMD_WRITE_READ ^ (1u << (o->a[2] % 32));
		break;
	case 4:
		pl.bwr = o->a[2] % 3 == 0 ? 0x1000 : o->a[2] % 3 == 1 ?
			~0xfffULL : (uintptr_t)&s->bwr + 4;
		break;
	case 5:
		sqe->flags |= IOSQE_ASYNC;
		break;
	case 6:	/* the device as the ring's registered file 0 */
		/*
		 * Unregistering waits until no request uses the old table:
		 * forever with a read pending on it. Only on an idle ring
		 * (this slot is the one we hold).
		 */
		for (i = 0; i < NSLOT; i++)
			if (u->slots[i].busy)
				break;
		if (!u->registered || ((o->a[2] & 1) && i == NSLOT)) {
			if (u->registered)
				io_uring_unregister_files(&u->ring);
			u->registered = io_uring_register_files(&u->ring, &fd, 1) == 0;
		}
		if (u->registered) {
			sqe->fd = 0;
			sqe->flags |= IOSQE_FIXED_FILE;
		}
		break;
	case 7:
		sqe->fd = o->a[2] & 1 ? wk.null_fd : wk.pipe_fd[0];
		break;
	default:
		break;
	}
	memcpy(sqe->cmd, &pl, sizeof(pl));
	sqe->user_data = s - u->slots;
	s->busy = true;
	ret = io_uring_submit(&u->ring);
	/* a[4] bits 0-1 == 1: wait up to 1-10 ms for a completion */
	ring_reap(u, (o->a[4] & 3) == 1 ? 1 + (o->a[4] >> 2) % 10 : 0);
	return ret;
}

struct uthread {
	struct tls *ts;
	const struct op *o;
	long ret;
};

/*
 * A short-lived Binder thread: clears its first-read return with an empty
 * BINDER_WRITE_READ, submits on the spare ring, then per a[4] & 3 exits
 * with the read pending (0), after BINDER_THREAD_EXIT (1), after closing
 * the ring (2), or after reaping for 5 ms (3).
 */
static void *uthread_main(void *arg)
{
	struct uthread *ut = arg;
	const struct op *o = ut->o;
	struct binder_write_read bwr = { 0 };
	int32_t v = 0;

	ioctl(wk.fd, BINDER_WRITE_READ, &bwr);
	ut->ret = uring_wr(ut->ts, o, &wk.ur[NTHR], wk.fd);
	switch (o->a[4] & 3) {
	case 1:
		ioctl(wk.fd, BINDER_THREAD_EXIT, &v);
		break;
	case 2:
		ring_down(&wk.ur[NTHR]);
		break;
	case 3:
		ring_reap(&wk.ur[NTHR], 5);
		break;
	default:
		break;
	}
	return NULL;
}

static long uring_thread(struct tls *ts, const struct op *o)
{
	struct uthread ut = { .ts = ts, .o = o, .ret = 0 };
	struct timespec dl;
	pthread_t tid;
	int err;

	/* A ring left by an earlier thread is kept now and then (bit 2). */
	if (!(o->a[4] & 4))
		ring_down(&wk.ur[NTHR]);
	if (pthread_create(&tid, NULL, uthread_main, &ut))
		return -EAGAIN;
	/* Its exit may wait for ipckit to cancel the read: bounded. The
	 * executor calls an op that takes 20 s a hang. */
	clock_gettime(CLOCK_REALTIME, &dl);
	dl.tv_sec += 30;
	err = pthread_timedjoin_np(tid, NULL, &dl);
	if (err) {
		pthread_detach(tid);
		return -err;
	}
	/* bit 3: the ring goes now, else with the next uring_thread */
	if (o->a[4] & 8)
		ring_down(&wk.ur[NTHR]);
	return ut.ret;
}

/*
 * A child process with a pending read: on its own open of the device, or
 * (a[4] bit 2) on the worker's fd, a thread of the worker's Binder
 * process. Per a[4] & 3 it execs (the fuzzer, which exits at once),
 * exits, is killed, or closes the ring and exits. Bounded wait.
 */
static long uring_exec(struct tls *ts, const struct op *o)
{
	static struct uring cu;	/* the child's copy; untouched here */
	int mode = o->a[4] & 3, status = 0;
	double t0;
	pid_t pid;

	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		struct binder_write_read bwr = { 0 };
		int fd = wk.fd;

		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (!(o->a[4] & 4)) {
			fd = open(dev_path, O_RDWR | O_CLOEXEC | O_NONBLOCK);
			if (fd >= 0 && (o->a[4] & 8))
				mmap(NULL, MAP_GOOD, PROT_READ, MAP_PRIVATE, fd, 0);
		}
		ioctl(fd, BINDER_WRITE_READ, &bwr);
		uring_wr(ts, o, &cu, fd);
		switch (mode) {
		case 0: {
			char *argv[] = { "ipckit-fuzz", "--exec-exit", NULL };

			execv("/proc/self/exe", argv);
			_exit(127);
		}
		case 2:
			usleep(200000);
			break;
		case 3:
			ring_down(&cu);
			break;
		default:
			break;
		}
		_exit(0);
	}
	if (mode == 2) {
		usleep(1000 + (o->a[2] & 0xffff) % 5000);
		kill(pid, SIGKILL);
	}
	{
		struct timespec ts0;

		clock_gettime(CLOCK_MONOTONIC, &ts0);
		t0 = ts0.tv_sec + ts0.tv_nsec / 1e9;
	}
	for (;;) {
		struct timespec ts1;
		pid_t r = waitpid(pid, &status, WNOHANG);

		if (r == pid)
			break;
		if (r < 0)
			return -errno;
		clock_gettime(CLOCK_MONOTONIC, &ts1);
		if (ts1.tv_sec + ts1.tv_nsec / 1e9 - t0 > 30) {
			/* the executor has called it a hang by now */
			kill(pid, SIGKILL);
			return -ETIMEDOUT;
		}
		usleep(500);
	}
	return WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
}

/* ---- worker: generic netlink ------------------------------------------- */

static int nl_open(void)
{
	struct sockaddr_nl a = { .nl_family = AF_NETLINK };
	int s = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);

	if (s >= 0 && bind(s, (struct sockaddr *)&a, sizeof(a))) {
		close(s);
		return -1;
	}
	return s;
}

static struct nlattr *nl_put(uint8_t *buf, size_t *len, size_t cap,
			     uint16_t type, const void *data, size_t dlen)
{
	struct nlattr *na = (struct nlattr *)(buf + *len);

	if (*len + NLA_HDRLEN + NLA_ALIGN(dlen) > cap)
		return NULL;
	na->nla_type = type;
	na->nla_len = NLA_HDRLEN + dlen;
	memcpy(buf + *len + NLA_HDRLEN, data, dlen);
	memset(buf + *len + NLA_HDRLEN + dlen, 0, NLA_ALIGN(dlen) - dlen);
	*len += NLA_HDRLEN + NLA_ALIGN(dlen);
	return na;
}

/*
 * Read what socket s has for us: at most max messages, each waited for
 * up to tmo_ms. Stops at NLMSG_DONE or NLMSG_ERROR; returns the error
 * (0 or a negative errno) of the last, or the negative errno of recv.
 */
static int nl_drain(int s, int max, int tmo_ms, int *nmsg)
{
	uint8_t buf[16384];
	int err = 0, n = 0;

	while (n < max) {
		struct pollfd pfd = { .fd = s, .events = POLLIN };
		ssize_t len;
		struct nlmsghdr *nh;

		if (poll(&pfd, 1, tmo_ms) != 1)
			break;
		len = recv(s, buf, sizeof(buf), MSG_DONTWAIT);
		if (len < 0) {
			if (errno == ENOBUFS) {	/* a listener that fell behind */
				err = -ENOBUFS;
				n++;
				continue;
			}
			err = -errno;
			break;
		}
		for (nh = (struct nlmsghdr *)buf; NLMSG_OK(nh, (size_t)len);
		     nh = NLMSG_NEXT(nh, len)) {
			n++;
			if (nh->nlmsg_type == NLMSG_DONE)
				goto out;
			if (nh->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = NLMSG_DATA(nh);

				if (nh->nlmsg_len >= NLMSG_LENGTH(sizeof(*e)))
					err = e->error;
				goto out;
			}
		}
		if (len == 0)
			break;
	}
out:
	if (nmsg)
		*nmsg = n;
	return err;
}

/*
 * GET_STATS or GET_PROC, doit or dump, attributes by the op's arguments:
 * a[0] bit 0 dump, bit 1 command a[0] >> 8, bit 2 a PID attribute;
 * a[1] the device attribute; a[2] an extra attribute (type bits 16-23,
 * length bits 24-28); a[3] a malformation; a[4] how the replies are read;
 * a[5] the pid (a worker, self, init, or raw).
 */
static long nl_request(const struct op *o, int cmd)
{
	uint8_t buf[1024], junk[32] = { 0 };
	struct nlmsghdr *nh = (struct nlmsghdr *)buf;
	struct genlmsghdr *gh = NLMSG_DATA(nh);
	struct nlattr *last = NULL, *dev = NULL;
	size_t len = NLMSG_HDRLEN + GENL_HDRLEN, send_len;
	const char *devname = strrchr(dev_path, '/') ? strrchr(dev_path, '/') + 1 :
		dev_path;
	int mal = o->a[3] % 12, mode = o->a[4] % 5, s, err, n = 0;
	char name[320];
	uint32_t pid;

	if (mode == 4) {	/* read the rest of the parked dump */
		if (wk.nl_parked < 0)
			return -EBADF;
		err = nl_drain(wk.nl_parked, 256, 20, &n);
		close(wk.nl_parked);
		wk.nl_parked = -1;
		return err ? err : n;
	}
	memset(buf, 0, sizeof(buf));
	nh->nlmsg_type = mal == 10 ? (o->a[2] & 1 ? GENL_ID_CTRL : sh->nl_binder) :
		sh->nl_ipckit;
	nh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | (o->a[0] & 1 ? NLM_F_DUMP : 0);
	nh->nlmsg_seq = 1;
	gh->cmd = o->a[0] & 2 ? (o->a[0] >> 8) & 0xff : cmd;
	gh->version = mal == 5 ? o->a[2] & 0xff : IPCKIT_FAMILY_VERSION;
	switch (o->a[1] % 8) {
	case 0:
		dev = nl_put(buf, &len, sizeof(buf), IPCKIT_A_DEVICE, devname,
			     strlen(devname) + 1);
		break;
	case 2:
		dev = nl_put(buf, &len, sizeof(buf), IPCKIT_A_DEVICE, "nosuchdev", 10);
		break;
	case 3:
		dev = nl_put(buf, &len, sizeof(buf), IPCKIT_A_DEVICE, "", 1);
		break;
	case 4:	/* no NUL */
		dev = nl_put(buf, &len, sizeof(buf), IPCKIT_A_DEVICE, devname,
			     strlen(devname));
		break;
	case 5:
		memset(name, 'A', sizeof(name) - 1);
		name[sizeof(name) - 1] = 0;
		dev = nl_put(buf, &len, sizeof(buf), IPCKIT_A_DEVICE, name,
			     sizeof(name));
		break;
	case 6: {
		uint32_t v = o->a[2];

		dev = nl_put(buf, &len, sizeof(buf), IPCKIT_A_DEVICE, &v, 4);
		break;
	}
	case 7:	/* a prefix of the name */
		snprintf(name, sizeof(name), "%.*s", (int)(strlen(devname) / 2),
			 devname);
		dev = nl_put(buf, &len, sizeof(buf), IPCKIT_A_DEVICE, name,
			     strlen(name) + 1);
		break;
	default:
		break;
	}
	last = dev;
	if (cmd == IPCKIT_CMD_GET_PROC || (o->a[0] & 4)) {
		uint64_t sv = o->a[5];
		uint64_t pid64;

		if (sv & RAW)
			pid = sv;
		else if (sv % (NPROC + 2) < NPROC)
			pid = sh->pid[sv % (NPROC + 2)];
		else
			pid = sv % (NPROC + 2) == NPROC ? (uint32_t)getpid() : 1;
		pid64 = pid;
		last = nl_put(buf, &len, sizeof(buf), IPCKIT_A_PID, &pid64,
			      mal == 8 ? 2 : mal == 9 ? 8 : 4);
	}
	if ((o->a[2] >> 16) & 0xff) {
		struct nlattr *na = nl_put(buf, &len, sizeof(buf),
					   (o->a[2] >> 16) & 0x3f, junk,
					   (o->a[2] >> 24) & 0x1f);

		last = na ? na : last;
	}
	if (mal == 6 && dev)
		dev->nla_type |= NLA_F_NESTED;
	if (mal == 7 && dev)
		last = nl_put(buf, &len, sizeof(buf), IPCKIT_A_DEVICE, "nosuchdev", 10);
	if (mal == 1 && last)
		last->nla_len += 64;
	if (mal == 2 && last)
		last->nla_len = 2;
	nh->nlmsg_len = len;
	send_len = len;
	if (mal == 3)		/* the attributes past nlmsg_len */
		nh->nlmsg_len = NLMSG_HDRLEN + GENL_HDRLEN;
	if (mal == 4)		/* a truncated genl header */
		send_len = nh->nlmsg_len = NLMSG_HDRLEN + 2;
	if (mal == 11 && 2 * len <= sizeof(buf)) {	/* twice in one send */
		memcpy(buf + len, buf, len);
		send_len = 2 * len;
	}
	s = nl_open();
	if (s < 0)
		return -errno;
	if (send(s, buf, send_len, 0) < 0) {
		err = -errno;
		close(s);
		return err;
	}
	switch (mode) {
	case 1:		/* one part, then close: a dump ends unread */
	case 3:		/* one part, then park it: it resumes later */
		err = nl_drain(s, 1, 20, &n);
		break;
	case 2:		/* close unread */
		err = 0;
		break;
	default:
		err = nl_drain(s, 256, 20, &n);
		if (mal == 11 && err == 0)
			err = nl_drain(s, 256, 20, NULL);
		break;
	}
	if (mode == 3) {
		if (wk.nl_parked >= 0)
			close(wk.nl_parked);
		wk.nl_parked = s;
	} else {
		close(s);
	}
	return err ? err : n;
}

/*
 * The worker's listener socket: a[0] 0/1 join the binder "report" or
 * ipckit "events" group, 2/3 leave them, 4 read what is queued (bounded),
 * 5 a new socket (a[1] bit 0: the smallest receive buffer, bit 1:
 * NETLINK_NO_ENOBUFS), 6 join group a[1], 7 bind() with groups a[1].
 * Unless an op drains it, it never reads: its buffer fills, messages drop.
 */
static long nl_group(const struct op *o)
{
	int act = o->a[0] % 8, grp, v;

	if (act == 5 && wk.nl_lsn >= 0) {
		close(wk.nl_lsn);
		wk.nl_lsn = -1;
	}
	if (wk.nl_lsn < 0) {
		wk.nl_lsn = nl_open();
		if (wk.nl_lsn < 0)
			return -errno;
	}
	switch (act) {
	case 0:
	case 1:
	case 2:
	case 3:
		grp = act & 1 ? sh->grp_events : sh->grp_report;
		return setsockopt(wk.nl_lsn, SOL_NETLINK, act < 2 ?
				  NETLINK_ADD_MEMBERSHIP : NETLINK_DROP_MEMBERSHIP,
				  &grp, sizeof(grp)) ? -errno : 0;
	case 4:
		return nl_drain(wk.nl_lsn, 256, 0, NULL);
	case 5:
		if (o->a[1] & 1) {
			v = 0;	/* the kernel's minimum */
			setsockopt(wk.nl_lsn, SOL_SOCKET, SO_RCVBUF, &v, sizeof(v));
		}
		if (o->a[1] & 2) {
			v = 1;
			setsockopt(wk.nl_lsn, SOL_NETLINK, NETLINK_NO_ENOBUFS, &v,
				   sizeof(v));
		}
		return 0;
	case 6:
		grp = o->a[1];
		return setsockopt(wk.nl_lsn, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP,
				  &grp, sizeof(grp)) ? -errno : 0;
	default: {
		struct sockaddr_nl a = {
			.nl_family = AF_NETLINK,
			.nl_groups = o->a[1],
		};

		return bind(wk.nl_lsn, (struct sockaddr *)&a, sizeof(a)) ? -errno : 0;
	}
	}
}

/* ---- binderfs ops (Documentation/binderfs.rst) --------------------------- */

#define FS_PARAM	"/sys/module/ipckit/parameters/binderfs_type"
static char fs_type[32];	/* ipckit's binderfs type, "" without one */
static const char *const fs_names[] = { "b0", "b1", "binder", "hwbinder" };

static void fs_dir(char *buf, size_t size)
{
	snprintf(buf, size, "/tmp/ipckit-fuzz-fs%d", wk.p);
}

/* mount (or remount), BINDER_CTL_ADD, open, unlink, umount; -errno. */
static long fs_op(struct shared *shp, const struct op *o)
{
	static const char *const opts[] = {
		NULL, "max=%u", "stats=global", "bogus=1", "max=4294967295",
		"max=%u",
	};
	char dir[64], path[128], opt[32];
	struct binderfs_device dev;
	int fd, ret;

	if (!fs_type[0] || !wk.fs_ok)
		return -ENODEV;
	fs_dir(dir, sizeof(dir));
	switch (o->kind) {
	case OP_FS_MOUNT:
		snprintf(opt, sizeof(opt), opts[o->a[0] % 6] ?
			 opts[o->a[0] % 6] : "", (unsigned int)(o->a[1] % 5));
		mkdir(dir, 0755);
		return mount(NULL, dir, fs_type,
			     o->a[0] % 6 == 5 ? MS_REMOUNT : 0, opt) ? -errno : 0;
	case OP_FS_ADD:
		memset(&dev, 0, sizeof(dev));
		switch (o->a[0] % 10) {
		case 4: break;
		case 5: strcpy(dev.name, "."); break;
		case 6: strcpy(dev.name, ".."); break;
		case 7: strcpy(dev.name, "a/b"); break;
		case 8: memset(&dev, 'u', sizeof(dev)); break;
		case 9:
			/* eight random bytes, NUL and '/' included */
			memcpy(dev.name, &o->a[1], sizeof(o->a[1]));
			break;
		default:
			strcpy(dev.name, fs_names[o->a[0] % 4]);
			break;
		}
		snprintf(path, sizeof(path), "%s/binder-control", dir);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return -errno;
		ret = ioctl(fd, BINDER_CTL_ADD, o->a[2] & 1 ? NULL : &dev);
		ret = ret < 0 ? -errno : 0;
		close(fd);
		return ret;
	case OP_FS_OPEN:
		/* The worker's device becomes a binderfs one, as OP_OPEN. */
		snprintf(path, sizeof(path), "%s/%s", dir, fs_names[o->a[0] % 4]);
		if (wk.fd >= 0)
			close(wk.fd);
		wk.fd = open(path, O_RDWR | O_CLOEXEC |
			     (o->a[1] & 1 ? 0 : O_NONBLOCK));
		shp->blocking[wk.p] = o->a[1] & 1;
		return wk.fd < 0 ? -errno : 0;
	case OP_FS_UNLINK:
		snprintf(path, sizeof(path), "%s/%s", dir, o->a[1] & 1 ?
			 "binder-control" : fs_names[o->a[0] % 4]);
		return unlink(path) ? -errno : 0;
	case OP_FS_UMOUNT:
		/* With the worker's device open, quite possibly. */
		return umount2(dir, o->a[0] & 1 ? MNT_DETACH : 0) ? -errno : 0;
	default:
		return -EINVAL;
	}
}

static void worker_reset(void)
{
	int i;
	char dir[64];

	if (wk.map)
		munmap(wk.map, wk.map_size);
	if (wk.fd >= 0)
		close(wk.fd);
	for (i = 0; i < wk.pl.nfds && i < POOL; i++)
		close(wk.pl.fds[i]);
	/* The device's flush completed the pending reads (BR_NOOP). */
	for (i = 0; i <= NTHR; i++)
		ring_down(&wk.ur[i]);
	if (wk.nl_lsn >= 0)
		close(wk.nl_lsn);
	if (wk.nl_parked >= 0)
		close(wk.nl_parked);
	wk.nl_lsn = wk.nl_parked = -1;
	wk.map = NULL;
	wk.fd = -1;
	memset(&wk.pl, 0, sizeof(wk.pl));
	sh->blocking[wk.p] = 0;
	/* A program's binderfs mounts go with it (stacked ones too). */
	fs_dir(dir, sizeof(dir));
	while (wk.fs_ok && !umount2(dir, MNT_DETACH))
		;
}

static long run_op(struct tls *ts, const struct op *o)
{
	static const size_t sizes[] = {
		MAP_GOOD, 4096, 4 << 20, (4 << 20) + 4096, 0, 64 << 10,
	};
	long ret = 0;

	switch (o->kind) {
	case OP_OPEN:
		if (wk.fd >= 0)
			close(wk.fd);
		wk.fd = open(dev_path, O_RDWR | O_CLOEXEC |
			     (o->a[0] & 1 ? 0 : O_NONBLOCK));
		sh->blocking[wk.p] = o->a[0] & 1;
		ret = wk.fd < 0 ? -errno : 0;
		break;
	case OP_MMAP: {
		size_t size = sizes[o->a[0] % 6];
		int prot = o->a[1] == 1 ? PROT_READ | PROT_WRITE : PROT_READ;
		int flags = o->a[1] == 2 ? MAP_SHARED : MAP_PRIVATE;
		void *m = mmap(NULL, size, prot, flags, wk.fd, 0);

		if (m == MAP_FAILED) {
			ret = -errno;
		} else if (wk.map) {
			munmap(m, size);	/* keep the first mapping */
		} else {
			wk.map = m;
			wk.map_size = size;
		}
		break;
	}
	case OP_MUNMAP:
		if (wk.map)
			munmap(wk.map, wk.map_size);
		wk.map = NULL;
		break;
	case OP_WR:
		ret = do_wr(ts, o);
		break;
	case OP_MAX_THREADS: {
		uint32_t v = o->a[0];

		ret = ioctl(wk.fd, BINDER_SET_MAX_THREADS, &v);
		break;
	}
	case OP_CTX_MGR: {
		int32_t v = o->a[0];

		ret = ioctl(wk.fd, BINDER_SET_CONTEXT_MGR, &v);
		break;
	}
	case OP_CTX_MGR_EXT: {
		struct flat_binder_object fo = {
			.hdr.type = o->a[2] ? BINDER_TYPE_HANDLE : BINDER_TYPE_BINDER,
			.flags = o->a[1],
			.binder = node_ptr(o->a[0]),
			.cookie = node_cookie(o->a[0]),
		};

		ret = ioctl(wk.fd, BINDER_SET_CONTEXT_MGR_EXT, &fo);
		break;
	}
	case OP_THREAD_EXIT: {
		int32_t v = 0;

		ret = ioctl(wk.fd, BINDER_THREAD_EXIT, &v);
		break;
	}
	case OP_VERSION: {
		struct binder_version v;

		ret = ioctl(wk.fd, BINDER_VERSION, o->a[0] == 1 ? (void *)8 : &v);
		break;
	}
	case OP_NODE_DEBUG: {
		struct binder_node_debug_info ni = {
			.ptr = o->a[0] ? node_ptr(o->a[0] - 1) : 0,
		};

		ret = ioctl(wk.fd, BINDER_GET_NODE_DEBUG_INFO, &ni);
		break;
	}
	case OP_NODE_INFO: {
		struct binder_node_info_for_ref ni = {
			.handle = pool_get(wk.pl.handles, wk.pl.nhandles, o->a[0], 0),
			.reserved1 = o->a[1] & 1,
		};

		ret = ioctl(wk.fd, BINDER_GET_NODE_INFO_FOR_REF, &ni);
		break;
	}
	case OP_FREEZE: {
		struct binder_freeze_info fi = {
			.pid = o->a[0] & RAW ? (uint32_t)o->a[0] :
				(uint32_t)sh->pid[o->a[0] % NPROC],
			.enable = o->a[1],
			.timeout_ms = o->a[2] % 20,
		};

		ret = ioctl(wk.fd, BINDER_FREEZE, &fi);
		break;
	}
	case OP_FROZEN_INFO: {
		struct binder_frozen_status_info fi = {
			.pid = o->a[0] & RAW ? (uint32_t)o->a[0] :
				(uint32_t)sh->pid[o->a[0] % NPROC],
		};

		ret = ioctl(wk.fd, BINDER_GET_FROZEN_INFO, &fi);
		break;
	}
	case OP_SPAM: {
		uint32_t v = o->a[0];

		ret = ioctl(wk.fd, BINDER_ENABLE_ONEWAY_SPAM_DETECTION, &v);
		break;
	}
	case OP_EXT_ERROR: {
		struct binder_extended_error ee;

		ret = ioctl(wk.fd, BINDER_GET_EXTENDED_ERROR, &ee);
		break;
	}
	case OP_BAD_IOCTL: {
		uint64_t junk[8] = { 0 };
		unsigned long nr = (uint32_t)o->a[0];

		if (!(o->a[0] >> 40 & 1))
			nr = _IOC(_IOC_DIR(nr), 'b', nr & 0x1f, _IOC_SIZE(nr) & 0x3f);
		if (nr == BINDER_WRITE_READ)
			nr = BINDER_VERSION;
		ret = ioctl(wk.fd, nr, junk);
		break;
	}
	case OP_CLOSE:
		if (wk.fd >= 0)
			close(wk.fd);
		wk.fd = -1;
		break;
	case OP_URING_WR:
		ret = uring_wr(ts, o, &wk.ur[o->t], wk.fd);
		break;
	case OP_URING_REAP:
		ret = ring_reap(&wk.ur[o->t], o->a[0] % 20);
		break;
	case OP_URING_CLOSE:
		/* with reads pending, most likely */
		ring_down(&wk.ur[o->t]);
		if (o->a[0] & 1)
			ret = ring_up(&wk.ur[o->t], o->a[1]);
		break;
	case OP_URING_THREAD:
		ret = uring_thread(ts, o);
		break;
	case OP_URING_EXEC:
		ret = uring_exec(ts, o);
		break;
	case OP_NL_STATS:
		ret = nl_request(o, IPCKIT_CMD_GET_STATS);
		break;
	case OP_NL_PROC:
		ret = nl_request(o, IPCKIT_CMD_GET_PROC);
		break;
	case OP_NL_GROUP:
		ret = nl_group(o);
		break;
	case OP_FS_MOUNT:
	case OP_FS_ADD:
	case OP_FS_OPEN:
	case OP_FS_UNLINK:
	case OP_FS_UMOUNT:
		ret = fs_op(sh, o);
		break;
	default:
		break;
	}
	if (ret < 0 && ret != -1)
		return ret;
	return ret < 0 ? -errno : ret;
}

struct thr {
	int t;
	uint64_t *cover;
};

static void *thread_main(void *arg)
{
	struct thr *th = arg;
	struct tls *ts = calloc(1, sizeof(*ts));
	int kcov = -1, i;

	th->cover = NULL;
	if (use_kcov) {
		kcov = open("/sys/kernel/debug/kcov", O_RDWR);
		if (kcov >= 0 && ioctl(kcov, KCOV_INIT_TRACE, KCOV_WORDS) == 0) {
			th->cover = mmap(NULL, KCOV_WORDS * 8, PROT_READ | PROT_WRITE,
					 MAP_SHARED, kcov, 0);
			if (th->cover == MAP_FAILED ||
			    ioctl(kcov, KCOV_ENABLE, KCOV_TRACE_PC))
				th->cover = NULL;
		}
	}
	/* The scratch buffers of PTR objects: fds FDA objects can point at. */
	for (i = 0; i + 4 <= (int)sizeof(ts->scratch); i += 4)
		memcpy(ts->scratch + i, i % 8 ? &wk.pipe_fd[0] : &wk.null_fd, 4);
	for (;;) {
		struct result r = { .t = th->t };
		int idx;

		if (read(wk.cmd_fd[th->t], &idx, sizeof(idx)) != sizeof(idx))
			_exit(0);
		r.idx = idx;
		if (th->cover)
			__atomic_store_n(&th->cover[0], 0, __ATOMIC_RELAXED);
		if (idx < 0) {
			worker_reset();
		} else if (sh->prog.ops[idx].kind == OP_WR) {
			r.ret = run_op(ts, &sh->prog.ops[idx]);
		} else {
			pthread_mutex_lock(&wk.lock);
			r.ret = run_op(ts, &sh->prog.ops[idx]);
			pthread_mutex_unlock(&wk.lock);
		}
		if (th->cover) {
			uint64_t n = __atomic_load_n(&th->cover[0], __ATOMIC_RELAXED);
			uint64_t prev = 0, j;

			if (n >= KCOV_WORDS)
				n = KCOV_WORDS - 1;
			for (j = 1; j <= n; j++) {
				uint64_t pc = th->cover[j];

				cover_add(sh->pc_bits, hash64(pc), &sh->pcs, false);
				cover_add(sh->edge_bits, hash64(pc ^ (prev << 1)),
					  &sh->edges, true);
				prev = pc;
			}
		}
		if (write(wk.res_fd, &r, sizeof(r)) != sizeof(r))
			_exit(0);
	}
	return NULL;
}

/*
 * The worker's threads wait for op indices; a blocking read blocks only
 * its thread. The lock keeps a late-returning op from racing the next one
 * over the pools; an op blocked in the kernel does not hold it (a
 * BINDER_WRITE_READ takes it to build its commands and to learn from what
 * it read, not around the ioctl).
 */
static void worker_main(int p, int *cmd_rd, int res_wr)
{
	static struct thr th[NTHR];
	pthread_t tid;
	int t;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	memset(&wk, 0, sizeof(wk));
	/* binderfs mounts stay in the worker's own namespace, and die with it. */
	wk.fs_ok = !unshare(CLONE_NEWNS) &&
		   !mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL);
	wk.p = p;
	wk.fd = -1;
	wk.nl_lsn = wk.nl_parked = -1;
	wk.res_fd = res_wr;
	pthread_mutex_init(&wk.lock, NULL);
	wk.null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (pipe(wk.pipe_fd))
		_exit(1);
	for (t = 0; t < NTHR; t++) {
		wk.cmd_fd[t] = cmd_rd[t];
		th[t].t = t;
	}
	for (t = 1; t < NTHR; t++)
		pthread_create(&tid, NULL, thread_main, &th[t]);
	thread_main(&th[0]);
	_exit(0);
}

/* ---- executor ----------------------------------------------------------- */

struct slot {
	pid_t pid;
	int cmd_wr[NTHR];
	int res_rd;
	bool busy[NTHR];
};

static struct slot slots[NPROC];
static int kmsg_fd = -1;
static uint64_t total_ops, total_progs, skipped_ops, dead_workers;
static uint64_t op_ok[OP_COUNT], op_err[OP_COUNT];	/* results by kind */
static char crash_title[256];
static char crash_log[8192];
static size_t crash_log_len;
static const char *out_dir = "/tmp/ipckit-fuzz";

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void spawn(int p)
{
	int cmd[NTHR][2], res[2], t;
	pid_t pid;

	for (t = 0; t < NTHR; t++)
		if (pipe2(cmd[t], O_CLOEXEC))
			exit(2);
	if (pipe2(res, O_CLOEXEC))
		exit(2);
	pid = fork();
	if (pid < 0) {
		perror("ipckit-fuzz: fork");
		exit(2);
	}
	if (pid == 0) {
		int rd[NTHR];

		for (t = 0; t < NTHR; t++)
			rd[t] = cmd[t][0];
		worker_main(p, rd, res[1]);
	}
	for (t = 0; t < NTHR; t++) {
		close(cmd[t][0]);
		slots[p].cmd_wr[t] = cmd[t][1];
		slots[p].busy[t] = false;
	}
	close(res[1]);
	slots[p].res_rd = res[0];
	slots[p].pid = pid;
	sh->pid[p] = pid;
	sh->blocking[p] = 0;
}

static void set_crash(const char *fmt, ...)
{
	va_list ap;

	if (crash_title[0])
		return;
	va_start(ap, fmt);
	vsnprintf(crash_title, sizeof(crash_title), fmt, ap);
	va_end(ap);
}

/* SIGKILL a worker and reap it; one that does not die is a hang. */
static void reap(int p)
{
	double t0 = now();
	int t;

	kill(slots[p].pid, SIGKILL);
	while (waitpid(slots[p].pid, NULL, WNOHANG) == 0) {
		if (now() - t0 > 30) {
			set_crash("hang: worker %d (pid %d) did not die within 30 s of SIGKILL",
				  p, slots[p].pid);
			return;
		}
		usleep(1000);
	}
	for (t = 0; t < NTHR; t++)
		close(slots[p].cmd_wr[t]);
	close(slots[p].res_rd);
}

/*
 * Wait for thread t of worker p to finish an op: 1 when it did, 0 on
 * timeout, -1 if the worker died (a fuzzer bug, not the kernel's).
 */
static int wait_result(int p, int t, int timeout_ms)
{
	double deadline = now() + timeout_ms / 1000.0;

	for (;;) {
		struct pollfd pfd = { .fd = slots[p].res_rd, .events = POLLIN };
		struct result r;
		int left = (deadline - now()) * 1000, n;

		if (left < 0)
			left = 0;
		n = poll(&pfd, 1, left);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return 0;
		if (read(slots[p].res_rd, &r, sizeof(r)) != sizeof(r))
			return -1;
		slots[p].busy[r.t] = false;
		if (r.idx >= 0 && r.idx < sh->prog.nops) {
			int k = sh->prog.ops[r.idx].kind;

			if (r.ret < 0)
				op_err[k]++;
			else
				op_ok[k]++;
		}
		if (r.t == t)
			return 1;
	}
}

static void drain(int p)
{
	struct pollfd pfd = { .fd = slots[p].res_rd, .events = POLLIN };
	struct result r;

	while (poll(&pfd, 1, 0) == 1 && (pfd.revents & POLLIN) &&
	       read(slots[p].res_rd, &r, sizeof(r)) == sizeof(r))
		slots[p].busy[r.t] = false;
}

static void exec_op(int idx)
{
	const struct op *o = &sh->prog.ops[idx];
	int p = o->p, t = o->t, blocking, done;

	total_ops++;
	if (o->kind == OP_KILL) {
		reap(p);
		if (!crash_title[0])
			spawn(p);
		return;
	}
	drain(p);
	if (slots[p].busy[t]) {
		skipped_ops++;
		return;
	}
	if (write(slots[p].cmd_wr[t], &idx, sizeof(idx)) != sizeof(idx))
		return;
	slots[p].busy[t] = true;
	/* Only a blocking read may wait; anything else must return. */
	blocking = sh->blocking[p] && o->kind == OP_WR;
	done = wait_result(p, t, blocking ? 50 : 20000);
	if (done < 0) {
		fprintf(stderr, "ipckit-fuzz: worker %d died\n", p);
		dead_workers++;
		reap(p);
		spawn(p);
	} else if (!done && !blocking)
		set_crash("hang: op %d (%s) of worker %d thread %d did not return within 20 s",
			  idx, op_names[o->kind], p, t);
}

static void end_prog(void)
{
	int p, t, idx = -1;

	for (p = 0; p < NPROC; p++) {
		bool busy = false;

		drain(p);
		for (t = 0; t < NTHR; t++)
			busy |= slots[p].busy[t];
		if (busy || write(slots[p].cmd_wr[0], &idx, sizeof(idx)) !=
		    sizeof(idx) || wait_result(p, 0, 20000) != 1) {
			reap(p);
			if (crash_title[0])
				return;
			spawn(p);
		}
	}
}

static const char *const bad_words[] = {
	"BUG:", "WARNING:", "KASAN:", "UBSAN:", "Oops", "kernel BUG at",
	"general protection fault", "possible circular locking",
	"possible recursive locking", "inconsistent lock state",
	"refcount_t:", "list_add corruption", "list_del corruption",
	"INFO: task", "INFO: rcu", "Kernel panic", "unreferenced object",
	"BUG kmalloc", "Unable to handle", "suspicious RCU usage",
	"sleeping function called",
};

/* Read new kernel log records; true if one of them is a kernel report. */
static bool scan_kmsg(void)
{
	char rec[2048];
	bool found = false;
	ssize_t n;

	if (kmsg_fd < 0)
		return false;
	for (;;) {
		n = read(kmsg_fd, rec, sizeof(rec) - 1);
		if (n < 0 && errno == EPIPE)
			continue;
		if (n <= 0)
			break;
		rec[n] = 0;
		char *msg = strchr(rec, ';');

		msg = msg ? msg + 1 : rec;
		if (!found) {
			size_t i;

			for (i = 0; i < sizeof(bad_words) / sizeof(bad_words[0]); i++)
				if (strstr(msg, bad_words[i]))
					break;
			if (i < sizeof(bad_words) / sizeof(bad_words[0])) {
				char *nl = strchr(msg, '\n');

				if (nl)
					*nl = 0;
				set_crash("kernel: %s", msg);
				found = true;
				if (nl)
					*nl = '\n';
			}
		}
		if (found || crash_title[0]) {
			size_t l = strlen(msg);

			if (crash_log_len + l < sizeof(crash_log)) {
				memcpy(crash_log + crash_log_len, msg, l);
				crash_log_len += l;
			}
		}
	}
	return found;
}

static void run_prog(const struct prog *pr)
{
	int i;

	memcpy(&sh->prog, pr, sizeof(*pr));
	__atomic_store_n(&sh->new_edges, 0, __ATOMIC_RELAXED);
	for (i = 0; i < pr->nops && !crash_title[0]; i++) {
		exec_op(i);
		if (pr->ops[i].kind == OP_FREEZE || pr->ops[i].kind == OP_KILL)
			scan_kmsg();
	}
	if (!crash_title[0])
		end_prog();
	total_progs++;
	scan_kmsg();
}

static void base64_out(FILE *f, const uint8_t *s, size_t n)
{
	static const char tab[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t i, col = 0;

	for (i = 0; i < n; i += 3) {
		uint32_t v = s[i] << 16 | (i + 1 < n ? s[i + 1] << 8 : 0) |
			(i + 2 < n ? s[i + 2] : 0);

		fputc(tab[v >> 18 & 63], f);
		fputc(tab[v >> 12 & 63], f);
		fputc(i + 1 < n ? tab[v >> 6 & 63] : '=', f);
		fputc(i + 2 < n ? tab[v & 63] : '=', f);
		col += 4;
		if (col >= 76) {
			fputc('\n', f);
			col = 0;
		}
	}
	if (col)
		fputc('\n', f);
}

/* The reproducer: a file in out_dir and base64 on stdout for the host. */
static void report_crash(const struct prog *pr)
{
	char path[512], *text = NULL;
	size_t len = 0;
	FILE *f;

	usleep(500000);
	scan_kmsg();	/* the rest of the report */
	mkdir(out_dir, 0755);
	snprintf(path, sizeof(path), "%s/crash.prog", out_dir);
	f = fopen(path, "w");
	if (f) {
		fprintf(f, "# %s\n", crash_title);
		write_prog(f, pr);
		fclose(f);
	}
	f = open_memstream(&text, &len);
	fprintf(f, "# %s\n", crash_title);
	write_prog(f, pr);
	fclose(f);
	printf("ipckit-fuzz: CRASH %s\n", crash_title);
	if (crash_log_len)
		printf("ipckit-fuzz: kernel log of the report:\n%.*s",
		       (int)crash_log_len, crash_log);
	printf("ipckit-fuzz: reproducer begin\n");
	base64_out(stdout, (const uint8_t *)text, len);
	printf("ipckit-fuzz: reproducer end\n");
	printf("ipckit-fuzz: reproducer written to %s\n", path);
	fflush(stdout);
	free(text);
}

/* A generic netlink family's id and one group's id (0 when missing). */
static void nl_resolve(const char *family, const char *group, int *id, int *grp)
{
	uint8_t buf[8192];
	struct nlmsghdr *nh = (struct nlmsghdr *)buf;
	struct genlmsghdr *gh = NLMSG_DATA(nh);
	size_t len = NLMSG_HDRLEN + GENL_HDRLEN;
	struct pollfd pfd;
	ssize_t n;
	int s = nl_open();

	*id = *grp = 0;
	if (s < 0)
		return;
	memset(buf, 0, 64);
	nh->nlmsg_type = GENL_ID_CTRL;
	nh->nlmsg_flags = NLM_F_REQUEST;
	gh->cmd = CTRL_CMD_GETFAMILY;
	gh->version = 1;
	nl_put(buf, &len, sizeof(buf), CTRL_ATTR_FAMILY_NAME, family,
	       strlen(family) + 1);
	nh->nlmsg_len = len;
	pfd.fd = s;
	pfd.events = POLLIN;
	if (send(s, buf, len, 0) < 0 || poll(&pfd, 1, 2000) != 1 ||
	    (n = recv(s, buf, sizeof(buf), 0)) < 0 || !NLMSG_OK(nh, (size_t)n) ||
	    nh->nlmsg_type != GENL_ID_CTRL) {
		close(s);
		return;
	}
	for (struct nlattr *na = (void *)(buf + NLMSG_HDRLEN + GENL_HDRLEN);
	     (uint8_t *)na + NLA_HDRLEN <= buf + nh->nlmsg_len && na->nla_len >= NLA_HDRLEN;
	     na = (void *)((uint8_t *)na + NLA_ALIGN(na->nla_len))) {
		int type = na->nla_type & NLA_TYPE_MASK;

		if (type == CTRL_ATTR_FAMILY_ID)
			*id = *(uint16_t *)((uint8_t *)na + NLA_HDRLEN);
		if (type != CTRL_ATTR_MCAST_GROUPS)
			continue;
		for (struct nlattr *g = (void *)((uint8_t *)na + NLA_HDRLEN);
		     (uint8_t *)g + NLA_HDRLEN <= (uint8_t *)na + na->nla_len &&
		     g->nla_len >= NLA_HDRLEN;
		     g = (void *)((uint8_t *)g + NLA_ALIGN(g->nla_len))) {
			const char *name = NULL;
			int gid = 0;

			for (struct nlattr *x = (void *)((uint8_t *)g + NLA_HDRLEN);
			     (uint8_t *)x + NLA_HDRLEN <= (uint8_t *)g + g->nla_len &&
			     x->nla_len >= NLA_HDRLEN;
			     x = (void *)((uint8_t *)x + NLA_ALIGN(x->nla_len))) {
				if (x->nla_type == CTRL_ATTR_MCAST_GRP_NAME)
					name = (const char *)x + NLA_HDRLEN;
				if (x->nla_type == CTRL_ATTR_MCAST_GRP_ID)
					gid = *(uint32_t *)((uint8_t *)x + NLA_HDRLEN);
			}
			if (name && !strcmp(name, group))
				*grp = gid;
		}
	}
	close(s);
}

/* ipckit's binderfs type name, for the fs_ ops (none: they fail). */
static void fs_read_type(void)
{
	FILE *f = fopen(FS_PARAM, "r");

	if (!f)
		return;
	if (!fgets(fs_type, sizeof(fs_type), f))
		fs_type[0] = '\0';
	fs_type[strcspn(fs_type, "\n")] = '\0';
	fclose(f);
}

static void setup(bool blind)
{
	int p;

	signal(SIGPIPE, SIG_IGN);
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED) {
		perror("ipckit-fuzz: mmap");
		exit(2);
	}
	use_kcov = !blind && access("/sys/kernel/debug/kcov", R_OK | W_OK) == 0;
	fs_read_type();
	kmsg_fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK);
	if (kmsg_fd >= 0)
		lseek(kmsg_fd, 0, SEEK_END);
	nl_resolve(IPCKIT_FAMILY_NAME, IPCKIT_MCGRP_EVENTS, &sh->nl_ipckit,
		   &sh->grp_events);
	nl_resolve(BINDER_FAMILY_NAME, BINDER_MCGRP_REPORT, &sh->nl_binder,
		   &sh->grp_report);
	for (p = 0; p < NPROC; p++)
		spawn(p);
}

static void teardown(void)
{
	int p;

	for (p = 0; p < NPROC; p++)
		if (slots[p].pid > 0)
			reap(p);
}

static int replay(int argc, char **argv)
{
	int i, bad = 0;

	setup(false);
	for (i = 0; i < argc; i++) {
		static struct prog pr;
		FILE *f = fopen(argv[i], "r");
		int ok;

		if (!f) {
			fprintf(stderr, "ipckit-fuzz: %s: %s\n", argv[i], strerror(errno));
			bad++;
			continue;
		}
		ok = read_prog(f, &pr) == 0;
		fclose(f);
		if (!ok) {
			bad++;
			continue;
		}
		run_prog(&pr);
		usleep(200000);
		scan_kmsg();
		if (crash_title[0]) {
			printf("ipckit-fuzz: replay %s: %d ops: KERNEL REPORT: %s\n%.*s",
			       argv[i], pr.nops, crash_title, (int)crash_log_len,
			       crash_log);
			teardown();
			return 1;
		}
		printf("ipckit-fuzz: replay %s: %d ops, %llu edges: no kernel report\n",
		       argv[i], pr.nops, (unsigned long long)sh->edges);
	}
	teardown();
	return bad ? 2 : 0;
}

static struct op *add_op(struct prog *pr, int kind, int p, int t)
{
	struct op *o;

	if (pr->nops >= MAX_OPS) {
		fprintf(stderr, "ipckit-fuzz: built-in program over %d ops\n", MAX_OPS);
		exit(2);
	}
	o = &pr->ops[pr->nops++];
	memset(o, 0, sizeof(*o));
	o->kind = kind;
	o->p = p;
	o->t = t;
	return o;
}

/* A generated program's start: every process opens and maps, 0 manages. */
static void prog_start(struct prog *pr)
{
	int p;

	pr->nops = 0;
	for (p = 0; p < NPROC; p++) {
		add_op(pr, OP_OPEN, p, 0);
		add_op(pr, OP_MMAP, p, 0);
	}
	add_op(pr, OP_CTX_MGR, 0, 0);
}

/* Every op kind, command kind and object type at least once. */
static void smoke(struct prog *pr)
{
	struct op *o;

#define OP(kind_, p_, t_) (o = add_op(pr, kind_, p_, t_))
	prog_start(pr);
	OP(OP_VERSION, 1, 0);
	OP(OP_MAX_THREADS, 0, 0)->a[0] = 4;
	OP(OP_SPAM, 0, 0)->a[0] = 1;
	/* 1 calls the manager with every object type; 0 serves it. */
	OP(OP_WR, 1, 0)->a[0] = 1;
	o->ncmd = 2;
	o->cmds[0].kind = C_TXN_SG;
	o->cmds[0].a[1] = TF_ACCEPT_FDS;
	o->cmds[0].nobj = MAX_OBJS;
	o->cmds[0].objs[0].kind = O_BINDER;
	o->cmds[0].objs[1].kind = O_WEAK_BINDER;
	o->cmds[0].objs[1].a[0] = 1;
	o->cmds[0].objs[2].kind = O_FD;
	o->cmds[0].objs[3].kind = O_PTR;
	o->cmds[0].objs[3].a[0] = 16;
	o->cmds[0].objs[4].kind = O_FDA;
	o->cmds[0].objs[4].a[0] = 2;
	o->cmds[0].objs[4].a[2] = 3;
	o->cmds[0].objs[4].a[3] = 0;
	o->cmds[1].kind = C_TXN;
	o->cmds[1].a[1] = TF_ONE_WAY | TF_ACCEPT_FDS;
	o->cmds[1].nobj = 4;
	o->cmds[1].objs[0].kind = O_HANDLE;
	o->cmds[1].objs[1].kind = O_WEAK_HANDLE;
	o->cmds[1].objs[2].kind = O_PTR;
	o->cmds[1].objs[2].a[0] = 24;
	o->cmds[1].objs[3].kind = O_PTR;
	o->cmds[1].objs[3].a[0] = 8;
	o->cmds[1].objs[3].a[1] = BINDER_BUFFER_FLAG_HAS_PARENT;
	o->cmds[1].objs[3].a[2] = 2;
	o->cmds[1].objs[3].a[3] = 8;
	OP(OP_WR, 0, 0)->a[0] = 3;
	o->ncmd = 2;
	o->cmds[0].kind = C_ENTER_LOOPER;
	o->cmds[1].kind = C_INCREFS_DONE;
	OP(OP_WR, 0, 0)->a[0] = 3;
	o->ncmd = 3;
	o->cmds[0].kind = C_ACQUIRE_DONE;
	o->cmds[1].kind = C_REPLY_SG;
	o->cmds[1].nobj = 2;
	o->cmds[1].objs[0].kind = O_BINDER;
	o->cmds[1].objs[0].a[0] = 2;
	o->cmds[1].objs[1].kind = O_BAD;
	o->cmds[2].kind = C_FREE;
	OP(OP_WR, 1, 0)->a[0] = 3;
	o->ncmd = 1;
	o->cmds[0].kind = C_FREE;
	/* 1 now holds handles: reference commands and death notices. */
	OP(OP_WR, 1, 1)->a[0] = 1;
	o->ncmd = 5;
	o->cmds[0].kind = C_INCREFS;
	o->cmds[0].a[0] = 1;
	o->cmds[1].kind = C_ACQUIRE;
	o->cmds[1].a[0] = 1;
	o->cmds[2].kind = C_RELEASE;
	o->cmds[2].a[0] = 1;
	o->cmds[3].kind = C_DECREFS;
	o->cmds[3].a[0] = 1;
	o->cmds[4].kind = C_REQ_DEATH;
	o->cmds[4].a[0] = 1;
	OP(OP_WR, 0, 1)->a[0] = 1;
	o->ncmd = 4;
	o->cmds[0].kind = C_REGISTER_LOOPER;
	o->cmds[1].kind = C_REPLY;
	o->cmds[2].kind = C_ACQUIRE_RESULT;
	o->cmds[3].kind = C_ATTEMPT_ACQUIRE;
	OP(OP_WR, 0, 1)->a[0] = 1;
	o->ncmd = 2;
	o->cmds[0].kind = C_EXIT_LOOPER;
	o->cmds[1].kind = C_BAD;
	o->cmds[1].a[0] = 0x40046399;
	OP(OP_NODE_DEBUG, 0, 0);
	OP(OP_NODE_INFO, 0, 0)->a[0] = 1;
	OP(OP_FREEZE, 2, 0)->a[0] = 0;
	o->a[1] = 1;
	o->a[2] = 10;
	OP(OP_FROZEN_INFO, 2, 1)->a[0] = 0;
	OP(OP_FREEZE, 2, 0)->a[0] = 0;
	OP(OP_EXT_ERROR, 1, 0);
	OP(OP_CTX_MGR_EXT, 2, 0)->a[1] = FLAT_BINDER_FLAG_TXN_SECURITY_CTX;
	OP(OP_BAD_IOCTL, 2, 1)->a[0] = 0x4004620a;
	OP(OP_THREAD_EXIT, 1, 1);
	OP(OP_KILL, 0, 0);
	OP(OP_WR, 1, 0)->a[0] = 1;
	o->ncmd = 3;
	o->cmds[0].kind = C_DEAD_DONE;
	o->cmds[1].kind = C_CLEAR_DEATH;
	o->cmds[1].a[0] = 1;
	o->cmds[2].kind = C_TXN;
	OP(OP_MUNMAP, 2, 0);
	OP(OP_CLOSE, 2, 0);
	OP(OP_CLOSE, 1, 0);
#undef OP
}

/*
 * Freeze notifications: 1 and 2 watch the manager's node (handle 0)
 * through freezes and thaws, with DONEs, duplicates, wrong cookies and
 * handles, a clear, the handle's release, and the owner's death with a
 * notification outstanding.
 */
static void smoke_freeze(struct prog *pr)
{
	struct op *o;
	int p;

#define OP(kind_, p_, t_) (o = add_op(pr, kind_, p_, t_))
#define CMD(i_, kind_, a0_, a1_) do {					\
	o->cmds[i_].kind = (kind_);					\
	o->cmds[i_].a[0] = (a0_);					\
	o->cmds[i_].a[1] = (a1_);					\
} while (0)
	prog_start(pr);
	for (p = 1; p < NPROC; p++) {
		/* Read 256 bytes: the first BR_FROZEN_BINDER. */
		OP(OP_WR, p, 0)->a[0] = 1;
		o->ncmd = 3;
		CMD(0, C_ENTER_LOOPER, 0, 0);
		CMD(1, C_INCREFS, 0, 0);
		CMD(2, C_REQ_FREEZE, 0, p);
	}
	OP(OP_FREEZE, 1, 0)->a[1] = 1;
	OP(OP_WR, 1, 0)->a[0] = 1;
	o->ncmd = 1;
	CMD(0, C_FREEZE_DONE, 0, 0);
	/* Refused: each stops its write, so one a write. */
	OP(OP_WR, 1, 0)->ncmd = 1;
	CMD(0, C_REQ_FREEZE, 0, 9);
	OP(OP_WR, 1, 0)->ncmd = 1;
	CMD(0, C_CLEAR_FREEZE, 0, 7);
	OP(OP_WR, 1, 0)->ncmd = 1;
	CMD(0, C_CLEAR_FREEZE, RAW | 0x7fffffff, 1);
	OP(OP_FREEZE, 2, 0);
	OP(OP_FREEZE, 2, 0)->a[1] = 1;
	OP(OP_FREEZE, 1, 0);
	OP(OP_WR, 1, 0)->a[0] = 1;
	o->ncmd = 2;
	CMD(0, C_FREEZE_DONE, 0, 0);
	CMD(1, C_CLEAR_FREEZE, 0, 1);
	OP(OP_WR, 1, 0)->a[0] = 1;
	o->ncmd = 2;
	CMD(0, C_FREEZE_DONE, 0, 0);
	CMD(1, C_DECREFS, 0, 0);
	OP(OP_WR, 1, 0)->ncmd = 1;
	CMD(0, C_FREEZE_DONE, RAW | 0x1234, 0);
	OP(OP_WR, 2, 0)->a[0] = 1;
	o->ncmd = 1;
	CMD(0, C_REQ_FREEZE, 0, 2);
	OP(OP_FREEZE, 1, 0)->a[1] = 1;
	OP(OP_KILL, 0, 0);
	OP(OP_WR, 2, 0)->a[0] = 1;
	o->ncmd = 3;
	CMD(0, C_FREEZE_DONE, 0, 0);
	CMD(1, C_CLEAR_FREEZE, 0, 2);
	CMD(2, C_FREEZE_DONE, 1, 0);
	OP(OP_WR, 2, 0)->a[0] = 1;
	OP(OP_CLOSE, 2, 0);
	OP(OP_CLOSE, 1, 0);
#undef CMD
#undef OP
}

/* Every io_uring and netlink op, with its teardown cases. */
static void smoke_uring(struct prog *pr)
{
	struct op *o;
	int p;

#define OP(kind_, p_, t_) (o = add_op(pr, kind_, p_, t_))
	prog_start(pr);
	OP(OP_NL_GROUP, 1, 0)->a[0] = 0;	/* join report, never read */
	OP(OP_NL_GROUP, 1, 0)->a[0] = 1;	/* join events */
	/* 0 enters the looper (its first read returns at once), then pends */
	OP(OP_URING_WR, 0, 0)->a[0] = 1;
	o->ncmd = 1;
	o->cmds[0].kind = C_ENTER_LOOPER;
	OP(OP_URING_WR, 0, 0)->a[0] = 3;
	/* 1 calls it: the pending read completes with the transaction */
	OP(OP_WR, 1, 0)->a[0] = 0;
	o->ncmd = 1;
	o->cmds[0].kind = C_TXN;
	o->cmds[0].a[1] = TF_ACCEPT_FDS;
	o->cmds[0].nobj = 1;
	o->cmds[0].objs[0].kind = O_BINDER;
	OP(OP_URING_REAP, 0, 0)->a[0] = 10;
	OP(OP_URING_WR, 0, 0)->a[0] = 1;	/* reply, free, read again */
	o->ncmd = 2;
	o->cmds[0].kind = C_REPLY;
	o->cmds[1].kind = C_FREE;
	o->a[4] = 1 + 4 * 5;
	OP(OP_WR, 1, 0)->a[0] = 3;
	OP(OP_NL_STATS, 2, 1);			/* doit */
	OP(OP_NL_STATS, 2, 1)->a[0] = 1;	/* dump */
	OP(OP_NL_PROC, 2, 1)->a[5] = 0;		/* worker 0 */
	OP(OP_NL_PROC, 2, 1)->a[0] = 1;		/* dump, parked */
	o->a[4] = 3;
	OP(OP_NL_PROC, 2, 1)->a[1] = 2;		/* unknown device */
	OP(OP_NL_PROC, 2, 1)->a[5] = RAW | 0x7fffffff;
	OP(OP_NL_STATS, 2, 1)->a[3] = 1;	/* nla_len past the end */
	OP(OP_NL_PROC, 2, 1)->a[3] = 8;		/* a 2-byte pid */
	OP(OP_NL_STATS, 2, 1)->a[1] = 5;	/* a 320-byte name */
	/* the bad variants of the command */
	for (p = 1; p <= 6; p++) {
		OP(OP_URING_WR, 1, 1)->a[0] = 1;
		o->a[3] = p;
		o->a[2] = 2;
	}
	/* 2: DEFER_TASKRUN ring, pending read, ring closed; SQPOLL ring */
	OP(OP_URING_WR, 2, 0)->a[0] = 1;
	o->a[5] = 3;
	OP(OP_URING_WR, 2, 0)->a[0] = 1;
	OP(OP_URING_CLOSE, 2, 0)->a[0] = 1;
	o->a[1] = 2;
	OP(OP_URING_WR, 2, 0)->a[0] = 1;
	/* short-lived threads: exit pending, after THREAD_EXIT, ring closed */
	OP(OP_URING_THREAD, 1, 0)->a[0] = 1;
	OP(OP_URING_THREAD, 1, 0)->a[0] = 1;
	o->a[4] = 1;
	OP(OP_URING_THREAD, 1, 0)->a[0] = 1;
	o->a[4] = 2 | 8;
	/* children: exec, exit, killed, on their own device or the worker's */
	OP(OP_URING_EXEC, 2, 1)->a[0] = 1;
	OP(OP_URING_EXEC, 2, 1)->a[0] = 1;
	o->a[4] = 1 | 4;
	OP(OP_URING_EXEC, 2, 1)->a[0] = 1;
	o->a[4] = 2 | 8;
	OP(OP_NL_PROC, 2, 1)->a[4] = 4;		/* the parked dump's rest */
	/* a pending read ended by BINDER_THREAD_EXIT, by close, by SIGKILL */
	OP(OP_URING_WR, 1, 0)->a[0] = 1;
	OP(OP_THREAD_EXIT, 1, 0);
	OP(OP_URING_WR, 2, 0)->a[0] = 1;
	o->a[3] = 6;
	OP(OP_CLOSE, 2, 0);
	OP(OP_URING_WR, 0, 1)->a[0] = 1;
	OP(OP_KILL, 0, 0);
	OP(OP_NL_GROUP, 1, 0)->a[0] = 4;	/* read the listener */
#undef OP
}

/*
 * Every binderfs op and its error cases: devices come and go under open
 * files, a mount goes (lazily) with a device open and in use.
 */
static void smoke_binderfs(struct prog *pr)
{
	struct op *o;

#define OP(kind_, p_, t_) (o = add_op(pr, kind_, p_, t_))
	prog_start(pr);
	OP(OP_FS_MOUNT, 0, 0);
	OP(OP_FS_ADD, 0, 0)->a[0] = 0;		/* b0 */
	OP(OP_FS_ADD, 0, 0)->a[0] = 0;		/* b0 again: EEXIST */
	OP(OP_FS_ADD, 0, 0)->a[0] = 4;		/* "": EACCES */
	OP(OP_FS_ADD, 0, 0)->a[0] = 6;		/* ".." */
	OP(OP_FS_ADD, 0, 0)->a[0] = 7;		/* "a/b" */
	OP(OP_FS_ADD, 0, 0)->a[0] = 8;		/* unterminated */
	OP(OP_FS_ADD, 0, 0)->a[2] = 1;		/* bad pointer */
	OP(OP_FS_MOUNT, 0, 0)->a[0] = 5;	/* remount, max=2 */
	o->a[1] = 2;
	OP(OP_FS_ADD, 0, 0)->a[0] = 1;		/* b1: ENOSPC */
	OP(OP_FS_MOUNT, 0, 0)->a[0] = 4;	/* max too big */
	/* 0 moves to its binderfs device and manages it */
	OP(OP_MUNMAP, 0, 0);
	OP(OP_FS_OPEN, 0, 0)->a[0] = 0;
	OP(OP_MMAP, 0, 0);
	OP(OP_CTX_MGR, 0, 0);
	OP(OP_FS_UNLINK, 0, 0)->a[0] = 0;	/* the open fd keeps it */
	OP(OP_FS_UNLINK, 0, 1)->a[1] = 1;	/* binder-control: EPERM */
	OP(OP_VERSION, 0, 1);
	OP(OP_WR, 0, 0)->a[0] = 1;		/* enter the looper, read */
	o->ncmd = 1;
	o->cmds[0].kind = C_ENTER_LOOPER;
	OP(OP_FS_UMOUNT, 0, 0)->a[0] = 0;	/* busy */
	OP(OP_FS_UMOUNT, 0, 0)->a[0] = 1;	/* lazily, with the fd open */
	OP(OP_FREEZE, 2, 0)->a[0] = 0;		/* finds 0's binderfs proc */
	o->a[1] = 1;
	OP(OP_FREEZE, 2, 0)->a[0] = 0;
	OP(OP_NL_PROC, 2, 1)->a[0] = 1;		/* a dump sees it */
	o->a[5] = 0;
	OP(OP_CLOSE, 0, 0);
	/* 1: stats=global, a device open across a lazy umount, then killed */
	OP(OP_FS_MOUNT, 1, 0)->a[0] = 2;
	OP(OP_FS_ADD, 1, 0)->a[0] = 2;		/* binder */
	OP(OP_FS_OPEN, 1, 0)->a[0] = 2;
	OP(OP_MMAP, 1, 0);
	OP(OP_FS_UMOUNT, 1, 0)->a[0] = 1;
	OP(OP_WR, 1, 0)->a[0] = 0;		/* a call to no manager */
	o->ncmd = 1;
	o->cmds[0].kind = C_TXN;
	OP(OP_KILL, 1, 0);
#undef OP
}

static void usage(void)
{
	fprintf(stderr,
		"usage: ipckit-fuzz [-d DEV] [-t SECONDS] [-n OPS] [-s SEED] [-o DIR] [-i SECS] [-b]\n"
		"       ipckit-fuzz [-d DEV] -r PROGRAM...\n"
		"       ipckit-fuzz -g smoke|uring|freeze|binderfs|random [-s SEED]\n");
	exit(2);
}

#define MAX_CORPUS 1024

int main(int argc, char **argv)
{
	static struct prog cur;
	struct prog **corpus = calloc(MAX_CORPUS, sizeof(*corpus));
	double seconds = 60, interval = 10, t0, last, elapsed;
	uint64_t max_ops = 0, seed = 0;
	const char *gen = NULL;
	bool do_replay = false, blind = false;
	int ncorpus = 0, c;

	/* uring_exec's child execs this binary, which just exits. */
	if (argc == 2 && !strcmp(argv[1], "--exec-exit"))
		return 0;
	setvbuf(stdout, NULL, _IOLBF, 0);
	while ((c = getopt(argc, argv, "d:t:n:s:o:i:g:rb")) != -1) {
		switch (c) {
		case 'd': dev_path = optarg; break;
		case 't': seconds = atof(optarg); break;
		case 'n': max_ops = strtoull(optarg, NULL, 0); break;
		case 's': seed = strtoull(optarg, NULL, 0); break;
		case 'o': out_dir = optarg; break;
		case 'i': interval = atof(optarg); break;
		case 'g': gen = optarg; break;
		case 'r': do_replay = true; break;
		case 'b': blind = true; break;
		default: usage();
		}
	}
	if (!seed)
		seed = time(NULL) ^ getpid();
	rng_state = seed;
	if (gen) {
		if (!strcmp(gen, "smoke"))
			smoke(&cur);
		else if (!strcmp(gen, "uring"))
			smoke_uring(&cur);
		else if (!strcmp(gen, "freeze"))
			smoke_freeze(&cur);
		else if (!strcmp(gen, "binderfs"))
			smoke_binderfs(&cur);
		else
			gen_prog(&cur);
		write_prog(stdout, &cur);
		return 0;
	}
	if (do_replay)
		return replay(argc - optind, argv + optind);

	setup(blind);
	printf("ipckit-fuzz: %s, %d processes x %d threads, seed %#llx, %s%.0f s\n",
	       dev_path, NPROC, NTHR, (unsigned long long)seed,
	       use_kcov ? "KCOV coverage, " :
	       "no KCOV: running blind (random generation only), ", seconds);
	t0 = last = now();
	for (;;) {
		elapsed = now() - t0;
		if (elapsed >= seconds || (max_ops && total_ops >= max_ops))
			break;
		if (!use_kcov || ncorpus == 0 || rnd(4) == 0) {
			gen_prog(&cur);
		} else {
			cur = *corpus[rnd(ncorpus)];
			mutate(&cur, corpus, ncorpus);
		}
		run_prog(&cur);
		if (crash_title[0])
			break;
		if (use_kcov && sh->new_edges && ncorpus < MAX_CORPUS) {
			corpus[ncorpus] = malloc(sizeof(cur));
			*corpus[ncorpus++] = cur;
		}
		if (now() - last >= interval) {
			last = now();
			elapsed = last - t0;
			printf("ipckit-fuzz: %5.0f s: %llu ops (%.0f ops/s), %llu programs, %llu edges, %llu pcs, corpus %d, crashes 0\n",
			       elapsed, (unsigned long long)total_ops,
			       total_ops / elapsed, (unsigned long long)total_progs,
			       (unsigned long long)sh->edges,
			       (unsigned long long)sh->pcs, ncorpus);
		}
	}
	elapsed = now() - t0;
	if (crash_title[0])
		report_crash(&cur);
	teardown();
	printf("ipckit-fuzz: done: %llu ops in %.0f s (%.0f ops/s), %llu programs, %llu skipped ops, %llu lost workers, %llu edges, %llu pcs, corpus %d, crashes %d, %s\n",
	       (unsigned long long)total_ops, elapsed,
	       elapsed > 0 ? total_ops / elapsed : 0.0,
	       (unsigned long long)total_progs, (unsigned long long)skipped_ops,
	       (unsigned long long)dead_workers,
	       (unsigned long long)sh->edges, (unsigned long long)sh->pcs,
	       ncorpus, crash_title[0] ? 1 : 0, use_kcov ? "kcov" : "blind");
	printf("ipckit-fuzz: results (ok/failed):");
	for (c = OP_URING_WR; c < OP_COUNT; c++)
		printf(" %s %llu/%llu", op_names[c], (unsigned long long)op_ok[c],
		       (unsigned long long)op_err[c]);
	printf("; completions reaped: %llu ok, %llu canceled, %llu failed\n",
	       (unsigned long long)sh->cqe_ok,
	       (unsigned long long)sh->cqe_canceled,
	       (unsigned long long)sh->cqe_err);
	return crash_title[0] ? 1 : 0;
}
