// SPDX-License-Identifier: GPL-2.0
/*
 * ipckit-bench: ipckit and the kernel's binder side by side, in one boot.
 *
 *	ipckit-bench -a DEVICE_A -b DEVICE_B [-n ITER] [-r ROUNDS]
 *		     [-c same|split|free]
 *	ipckit-bench -s DEVICE [-k rtt|lean|64k|oneway] [-n ITER] [-r ROUNDS]
 *
 * For each device: sync round trips to the context manager (empty, 4 KiB
 * and 64 KiB requests, empty replies) and the rate of 64-byte one-way
 * calls; as the floor, the same ping-pong over a pipe pair and over an
 * AF_UNIX stream socketpair. The "lean" round trip is the empty one as a
 * library that talks to the driver itself makes it (one ioctl a call on
 * the client's side, the previous reply freed in it; no watchdog: see
 * lean_call()), compared with the pipe's empty round trip. One-way calls
 * also come from four threads at once ("raw one-way x4"). On a device
 * with io_uring passthrough
 * (IPCKIT_URING_CMD_WRITE_READ; the reference has none: n/a), the empty
 * round trip and the one-way calls again through io_uring, one-way in
 * batches of 1, 16 and 64 SQEs per io_uring_enter(), against the same
 * calls as raw ioctls (one BINDER_WRITE_READ each, without binder_util's
 * watchdog: see raw_rtt()), on both devices. It reports medians and p90s and never judges
 * them: the exit status only says whether every measurement ran.
 * IPCKIT_GET_VERSION tells which device is ipckit (the reference says
 * -EINVAL), so the ratios come out right whatever the order of -a and -b.
 *
 * Interleaving. Under TCG a vCPU's speed drifts with the host's load over
 * seconds (other QEMUs, compilers). Running one driver after the other
 * would charge that drift to whichever ran second, so every round runs
 * each measurement on A and B (and the floor) back to back, ROUNDS times,
 * in reverse order every other round. Each device keeps one server for the
 * whole run: per-round setup (fork, open, mmap, context manager) is not
 * what is measured, and the reference releases a dead manager only later,
 * from a workqueue.
 *
 * What a binder round trip costs here beyond the driver: binder_util's
 * watchdog arms and disarms a timer around every blocking read (two
 * timer_settime() per read, on both sides), and the client frees the reply
 * buffer with a write of its own (libbinder folds that into its next
 * call). Both drivers pay the same, so ipckit/reference stands; the floor
 * pays a poll() per read instead, so ipckit/pipe compares "driver plus
 * harness" with bare kernel IPC.
 *
 * CPU placement (-c): "same" puts the client and every server on CPU 0,
 * "split" the client on CPU 0 and the servers on CPU 1, "free" pins
 * nothing. The default is "same", for the reasons at DEFAULT_PLACEMENT.
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
#include <sys/prctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <linux/ipckit.h>
#include <liburing.h>

#include "binder_util.h"

/*
 * Sized for a 2-vCPU TCG guest: 12 x 1000 calls measure in about 35 s
 * (0.1-0.4 ms a round trip), so the VM job, boot included, stays under
 * three minutes even on a host twice as busy; a round's median still
 * rests on 1000 samples, and 12 rounds spread the host's drift.
 */
#define DEFAULT_ITER		1000
#define DEFAULT_ROUNDS		12
/*
 * Client and servers on one vCPU. Measured under TCG (QEMU 7.2, 2 vCPUs,
 * on a 2-CPU host running another QEMU), 6 x 1000 calls, twice each:
 * "same" measured in 18-19 s, p90s within 1.3x of the medians, and the
 * ratios repeated (ipckit/reference 1.18 and 1.18 empty, 1.47 and 1.44 at
 * 64 KiB). "split" took 38-42 s: every wake-up is a cross-vCPU IPI, which
 * under TCG costs 0.1 to several ms with the host's load, so p90s reached
 * 3.7-4 ms and the one-way ratio went from 1.04 to 1.35 between runs;
 * "free" showed the same outliers (a 24 ms p90). transaction_test.c
 * pins for the same reason. On one vCPU a round trip is two context
 * switches, and one-way calls are served when the scheduler switches to
 * the server: that, not parallel throughput, is what "same" measures.
 */
#define DEFAULT_PLACEMENT	"same"

/* Untimed calls per measurement first: page faults, caches, allocators. */
#define WARMUP_ITER		20
#define MAX_PAYLOAD		65536
#define ONEWAY_SIZE		64
/*
 * One-way calls pile up in the server's area while the client outruns it;
 * both drivers give them half of it (about 512 KiB), each costing its 64
 * bytes plus bookkeeping. This many fit with room to spare.
 */
#define ONEWAY_MAX		2000
/*
 * binder_serve() bounds each read by idle_ms and the whole call by four
 * times that; see bench_server_main() for how a server outlives it. A
 * device's server idles while the rows of the other transports run,
 * which unpinned (-c free) has taken over 15 s: two minutes, as a bound
 * on a hang only.
 */
#define SERVE_IDLE_MS		120000

enum bench_code {
	BENCH_PING = 1,		/* reply empty */
	BENCH_ONEWAY,		/* one-way: count it */
	BENCH_ONEWAY_LAST,	/* one-way: count it, report the batch's count */
	BENCH_QUIT,		/* reply, then exit */
	BENCH_LEAN,		/* reply, then serve the lean protocol */
	BENCH_LEAN_END,		/* reply, back to binder_serve() */
};

/* Transports, in table order: the two devices, then the floor. */
enum { T_A, T_B, T_PIPE, T_UNIX, NR_T };

struct transport {
	char label[32];
	const char *path;	/* binder devices only */
	bool binder;
	bool ipckit;
	struct binder_child server;
	struct binder_dev dev;	/* binder: the client's view */
	int rfd, wfd;		/* floor: the client's ends */
	bool uring;		/* binder: IPCKIT_URING_CMD_WRITE_READ works */
	struct io_uring ring;	/* ... the client's ring */
	binder_uintptr_t lean_reply;	/* lean: the reply buffer to free */
};

enum { M_NULL, M_4K, M_64K, M_ONEWAY, M_RAW_NULL, M_LEAN_NULL, M_RAW_OW,
       M_RAW_OW4,
       M_UR_NULL,
       M_UR_OW1, M_UR_OW16, M_UR_OW64,
       /* Recorded by the one-way rows above: the client's side alone. */
       M_RAW_OW_SUB, M_UR_OW1_SUB, M_UR_OW16_SUB, M_UR_OW64_SUB, NR_M };

static const struct {
	const char *name;
	size_t size;
	unsigned int batch;	/* io_uring: SQEs per io_uring_enter() */
	int sub;		/* one-way: where its client-side rate goes */
} meas[NR_M] = {
	[M_NULL]	= { "round trip, empty (us)",	0 },
	[M_4K]		= { "round trip, 4 KiB (us)",	4096 },
	[M_64K]		= { "round trip, 64 KiB (us)",	65536 },
	[M_ONEWAY]	= { "one-way, 64 B (tx/s)",	ONEWAY_SIZE },
	[M_RAW_NULL]	= { "raw ioctl round trip (us)", 0 },
	[M_LEAN_NULL]	= { "lean round trip (us)",	0 },
	[M_RAW_OW]	= { "raw ioctl one-way (tx/s)", ONEWAY_SIZE, 0,
			    M_RAW_OW_SUB },
	[M_RAW_OW4]	= { "raw one-way x4 (tx/s)",	ONEWAY_SIZE },
	[M_UR_NULL]	= { "uring round trip (us)",	0, 1 },
	[M_UR_OW1]	= { "uring one-way x1 (tx/s)",	ONEWAY_SIZE, 1,
			    M_UR_OW1_SUB },
	[M_UR_OW16]	= { "uring one-way x16 (tx/s)", ONEWAY_SIZE, 16,
			    M_UR_OW16_SUB },
	[M_UR_OW64]	= { "uring one-way x64 (tx/s)", ONEWAY_SIZE, 64,
			    M_UR_OW64_SUB },
	/*
	 * The same calls, counted until the client's last write returned
	 * (the server, on the same CPU, still draining them): what the
	 * client pays per call.
	 */
	[M_RAW_OW_SUB]	= { "  client side (tx/s)",	ONEWAY_SIZE },
	[M_UR_OW1_SUB]	= { "  client side (tx/s)",	ONEWAY_SIZE, 1 },
	[M_UR_OW16_SUB]	= { "  client side (tx/s)",	ONEWAY_SIZE, 16 },
	[M_UR_OW64_SUB]	= { "  client side (tx/s)",	ONEWAY_SIZE, 64 },
};

/* Filled by another row's run (meas[].sub), never run itself. */
static bool is_shadow(int m)
{
	return m >= M_RAW_OW_SUB;
}

static bool is_rate(int m)
{
	return m == M_ONEWAY || m == M_RAW_OW || m == M_RAW_OW4 ||
	       m >= M_UR_OW1;
}

/* Table order: each client-side row under its one-way row. */
static const int row_order[NR_M] = {
	M_NULL, M_4K, M_64K, M_ONEWAY, M_RAW_NULL, M_LEAN_NULL, M_RAW_OW,
	M_RAW_OW_SUB,
	M_RAW_OW4, M_UR_NULL, M_UR_OW1, M_UR_OW1_SUB, M_UR_OW16, M_UR_OW16_SUB,
	M_UR_OW64, M_UR_OW64_SUB,
};

/* Binder devices only (no floor). */
static bool is_binder_only(int m)
{
	return m == M_ONEWAY || m >= M_RAW_NULL;
}

static bool is_uring(int m)
{
	return (m >= M_UR_NULL && m <= M_UR_OW64) || m >= M_UR_OW1_SUB;
}

static struct {
	unsigned int iter, rounds, oneway_n;
	const char *placement;
	int client_cpu, server_cpu;	/* -1: not pinned */
} cfg;

static struct transport tp[NR_T];

/*
 * Round trips: one sample per call (us), ITER per round, in round order.
 * One-way: one sample per round (calls/s).
 */
static double *samples[NR_T][NR_M];
static size_t nsamples[NR_T][NR_M];

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* --- the binder server: context manager of one device ------------------ */

struct bench_server {
	unsigned long handled;
	int oneway;		/* one-way calls of the current batch */
	unsigned int lasts;	/* senders of the batch that sent their last */
	unsigned int problems;
};

/*
 * A one-way call's first bytes: how many senders the batch has, so that
 * the server knows which BENCH_ONEWAY_LAST ends it.
 */
struct oneway_hdr {
	__u32 senders;
};

/*
 * The lean protocol: how a library that talks to the driver itself
 * serves (libbinder's looper does): one BINDER_WRITE_READ frees the
 * request's buffer, replies and reads on; no watchdog timer. Binder
 * queues the reply's BR_TRANSACTION_COMPLETE for the replier at once, so
 * that read returns with it and a second one waits for the next call:
 * two ioctls per call on this side, one on the client's (lean_call()).
 * Starts by answering @first (BENCH_LEAN); returns at BENCH_LEAN_END,
 * in *@end, unanswered. Blocking reads, as a looper's: the client's
 * death ends this server (PDEATHSIG).
 */
static int lean_serve(struct binder_dev *dev,
		      const struct binder_transaction_data *first,
		      struct binder_transaction_data *end,
		      struct bench_server *s)
{
	struct binder_transaction_data req = *first;
	struct binder_transaction_data reply = binder_txn(0, 0, 0, NULL, 0);
	__u32 rbuf[64] __attribute__((aligned(8)));
	struct binder_write_read bwr;
	struct binder_reader r;
	const void *payload;
	struct binder_cmds c;
	bool got;
	__u32 cmd;
	int ret;

	for (;;) {
		bc_init(&c);
		bc_free_buffer(&c, req.data.ptr.buffer);
		bc_transaction(&c, BC_REPLY, &reply);
		memset(&bwr, 0, sizeof(bwr));
		bwr.write_buffer = (uintptr_t)c.buf;
		bwr.write_size = c.len;
		for (got = false; !got;) {
			bwr.read_buffer = (uintptr_t)rbuf;
			bwr.read_size = sizeof(rbuf);
			bwr.read_consumed = 0;
			ret = binder_write_read(dev->fd, &bwr, -1);
			if (ret)
				return ret;
			bwr.write_size = 0;
			bwr.write_consumed = 0;
			br_init(&r, rbuf, bwr.read_consumed);
			while (br_next(&r, &cmd, &payload)) {
				if (cmd == BR_TRANSACTION) {
					memcpy(&req, payload, sizeof(req));
					got = true;
				} else if (cmd != BR_NOOP &&
					   cmd != BR_TRANSACTION_COMPLETE) {
					s->problems++;
				}
			}
		}
		s->handled++;
		if (req.code == BENCH_LEAN_END) {
			*end = req;
			return 0;
		}
		if (req.code != BENCH_PING)
			s->problems++;
	}
}

/* A one-way call's ONEWAY_SIZE bytes: the header, then a pattern. */
static void oneway_payload(unsigned char *buf, unsigned int seed,
			   unsigned int senders)
{
	struct oneway_hdr h = { .senders = senders };

	binder_fill(buf, ONEWAY_SIZE, seed);
	memcpy(buf, &h, sizeof(h));
}

/* How many BENCH_ONEWAY_LAST calls end this call's batch (at least 1). */
static unsigned int oneway_senders(const struct binder_transaction_data *tr)
{
	struct oneway_hdr h;

	if (tr->data_size < sizeof(h))
		return 1;
	memcpy(&h, (const void *)(uintptr_t)tr->data.ptr.buffer, sizeof(h));
	return h.senders ? h.senders : 1;
}

static int bench_handle(struct binder_dev *dev,
			const struct binder_transaction_data *tr, void *arg)
{
	struct bench_server *s = arg;
	__s32 status = -EOPNOTSUPP;
	int ret;

	s->handled++;
	switch (tr->code) {
	case BENCH_PING:
		return binder_reply(dev, tr, 0, NULL, 0);
	case BENCH_ONEWAY:
	case BENCH_ONEWAY_LAST:
		if (!(tr->flags & TF_ONE_WAY))
			s->problems++;
		s->oneway++;
		/* One-way: this only frees the buffer. */
		ret = binder_reply(dev, tr, 0, NULL, 0);
		if (tr->code == BENCH_ONEWAY_LAST &&
		    ++s->lasts >= oneway_senders(tr)) {
			/*
			 * One-way calls to a node are delivered in the order
			 * they were queued, so the last sender's last call
			 * ends the batch. The ready pipe is the client's
			 * bounded wait for it (binder_child_wait_ready()).
			 */
			binder_child_ready(s->oneway);
			s->oneway = 0;
			s->lasts = 0;
		}
		return ret;
	case BENCH_QUIT:
		ret = binder_reply(dev, tr, 0, NULL, 0);
		return ret ? ret : 1;
	case BENCH_LEAN: {
		struct binder_transaction_data end;

		ret = lean_serve(dev, tr, &end, s);
		return ret ? ret : binder_reply(dev, &end, 0, NULL, 0);
	}
	default:
		s->problems++;
		return binder_reply(dev, tr, TF_STATUS_CODE, &status,
				    sizeof(status));
	}
}

static int bench_server_main(void *arg)
{
	const struct transport *t = arg;
	struct bench_server s = { };
	struct binder_dev dev;
	unsigned long handled;
	bool first = true;
	int ret;

	ret = binder_pin_cpu(cfg.server_cpu);
	if (!ret)
		ret = binder_open_dev(&dev, t->path, 0);
	if (!ret)
		ret = binder_become_context_mgr(dev.fd, NULL, 2000);
	binder_child_ready(ret);
	if (ret)
		return 250;
	dev.handler = bench_handle;
	dev.handler_arg = &s;
	/*
	 * binder_serve() gives up after 4 * SERVE_IDLE_MS in all, busy or
	 * not; this server lives for the whole run, so it serves again for
	 * as long as the last call handled anything. A client that went
	 * away for good still ends it, and PDEATHSIG covers the rest.
	 */
	do {
		handled = s.handled;
		ret = binder_serve(&dev, first, SERVE_IDLE_MS);
		first = false;
	} while (ret == -ETIMEDOUT && s.handled != handled);
	binder_close_dev(&dev);
	if (ret != 1)
		return 249;
	return s.problems > 200 ? 200 : s.problems;
}

static int binder_setup(struct transport *t)
{
	int ret = binder_child_start(&t->server, bench_server_main, t);

	if (ret)
		return ret;
	ret = binder_child_wait_ready(&t->server, BINDER_WAIT_MS);
	if (ret)
		binder_child_kill(&t->server);
	return ret;
}

/* Client side: the call, its reply, and the reply buffer's release. */
static int binder_rtt(struct transport *t, const void *buf, size_t size)
{
	struct binder_result res;
	int ret;

	ret = binder_call(&t->dev, 0, BENCH_PING, 0, buf, size, &res);
	if (ret)
		return ret;
	if (res.cmd != BR_REPLY) {
		fprintf(stderr, "%s: got %s\n", t->label,
			binder_br_name(res.cmd));
		return -EPROTO;
	}
	if (res.tr.flags & TF_STATUS_CODE)
		ret = -EBADMSG;
	binder_free_buffer(&t->dev, res.tr.data.ptr.buffer);
	return ret;
}

/*
 * The end of a one-way run that started at @start: wait until the server
 * says how many of the @n calls arrived; the end-to-end rate in *rate.
 */
static int oneway_finish(struct transport *t, unsigned int n, long long start,
			 const char *what, double *rate)
{
	int ret = binder_child_wait_ready(&t->server, BINDER_WAIT_MS);

	if (ret < 0)
		return ret;
	*rate = n / ((now_ns() - start) / 1e9);
	if ((unsigned int)ret != n) {
		fprintf(stderr, "%s: server got %d of %u %sone-way calls\n",
			t->label, ret, n, what);
		return -EPROTO;
	}
	return 0;
}

/*
 * n one-way calls, from the first send until the server reports that the
 * last arrived: calls per second in *rate.
 */
static int binder_oneway(struct transport *t, unsigned int n, double *rate)
{
	unsigned char buf[ONEWAY_SIZE];
	struct binder_result res;
	long long start;
	unsigned int i;
	int ret;

	oneway_payload(buf, n, 1);
	start = now_ns();
	for (i = 0; i < n; i++) {
		ret = binder_call(&t->dev, 0,
				  i == n - 1 ? BENCH_ONEWAY_LAST : BENCH_ONEWAY,
				  TF_ONE_WAY, buf, sizeof(buf), &res);
		if (ret)
			return ret;
		if (res.cmd != BR_TRANSACTION_COMPLETE &&
		    res.cmd != BR_ONEWAY_SPAM_SUSPECT) {
			fprintf(stderr, "%s: one-way call %u got %s\n",
				t->label, i, binder_br_name(res.cmd));
			return -EPROTO;
		}
	}
	return oneway_finish(t, n, start, "", rate);
}


/*
 * --- raw ioctls: the io_uring rows' baseline ----------------------------
 *
 * binder_call() arms a watchdog timer around every blocking read and may
 * read more than once; the io_uring rows do neither. These do the same
 * work as the io_uring rows with one BINDER_WRITE_READ each: a call and
 * its read (blocking: no bound, as a library's looper), then the
 * buffer's release with an ioctl of its own; a one-way call and the read
 * of its BR_TRANSACTION_COMPLETE.
 */
static int raw_wr(struct transport *t, struct binder_write_read *bwr)
{
	return binder_write_read(t->dev.fd, bwr, -1);	/* no watchdog */
}

/*
 * Send the commands in @c (ending with a BC_TRANSACTION) and read, one
 * BINDER_WRITE_READ after another, until the BR_REPLY: its buffer in
 * *@reply. @what names the call in an error.
 */
static int raw_call(struct transport *t, const struct binder_cmds *c,
		    binder_uintptr_t *reply, const char *what)
{
	__u32 rbuf[64] __attribute__((aligned(8)));
	struct binder_write_read bwr = { };
	struct binder_reader r;
	const void *payload;
	bool got = false;
	__u32 cmd;
	int ret;

	bwr.write_buffer = (uintptr_t)c->buf;
	bwr.write_size = c->len;
	while (!got) {
		bwr.read_buffer = (uintptr_t)rbuf;
		bwr.read_size = sizeof(rbuf);
		bwr.read_consumed = 0;
		ret = raw_wr(t, &bwr);
		if (ret)
			return ret;
		bwr.write_size = 0;
		bwr.write_consumed = 0;
		br_init(&r, rbuf, bwr.read_consumed);
		while (br_next(&r, &cmd, &payload)) {
			if (cmd == BR_REPLY) {
				const struct binder_transaction_data *rt = payload;

				*reply = rt->data.ptr.buffer;
				got = true;
			} else if (cmd != BR_NOOP &&
				   cmd != BR_TRANSACTION_COMPLETE) {
				fprintf(stderr, "%s: %s call got %s\n",
					t->label, what, binder_br_name(cmd));
				return -EPROTO;
			}
		}
	}
	return 0;
}

static int raw_rtt(struct transport *t, const void *buf, size_t size)
{
	struct binder_transaction_data tr = binder_txn(0, BENCH_PING, 0,
						       buf, size);
	struct binder_write_read bwr = { };
	binder_uintptr_t reply = 0;
	struct binder_cmds c;
	int ret;

	bc_init(&c);
	bc_transaction(&c, BC_TRANSACTION, &tr);
	ret = raw_call(t, &c, &reply, "raw");
	if (ret)
		return ret;
	bc_init(&c);
	bc_free_buffer(&c, reply);
	memset(&bwr, 0, sizeof(bwr));
	bwr.write_buffer = (uintptr_t)c.buf;
	bwr.write_size = c.len;
	return raw_wr(t, &bwr);
}

/*
 * --- the lean round trip: one ioctl a call on the client's side --------
 *
 * As a library that talks to the driver itself calls (libbinder does):
 * the previous reply's BC_FREE_BUFFER rides in the same BINDER_WRITE_READ
 * as the next BC_TRANSACTION, whose read waits for the reply; no
 * watchdog. The server answers the same way (lean_serve()). This is the
 * round trip a pipe ping-pong is the floor of.
 */
static int lean_call(struct transport *t, __u32 code)
{
	struct binder_transaction_data tr = binder_txn(0, code, 0, NULL, 0);
	struct binder_cmds c;

	bc_init(&c);
	if (t->lean_reply)
		bc_free_buffer(&c, t->lean_reply);
	bc_transaction(&c, BC_TRANSACTION, &tr);
	t->lean_reply = 0;
	return raw_call(t, &c, &t->lean_reply, "lean");
}

/* Into the lean protocol (BENCH_LEAN, an ordinary call) and out of it. */
static int lean_begin(struct transport *t)
{
	struct binder_result res;
	int ret;

	ret = binder_call(&t->dev, 0, BENCH_LEAN, 0, NULL, 0, &res);
	if (ret)
		return ret;
	if (res.cmd != BR_REPLY)
		return -EPROTO;
	binder_free_buffer(&t->dev, res.tr.data.ptr.buffer);
	t->lean_reply = 0;
	return 0;
}

static int lean_end(struct transport *t)
{
	int ret = lean_call(t, BENCH_LEAN_END);

	if (!ret)
		binder_free_buffer(&t->dev, t->lean_reply);
	t->lean_reply = 0;
	return ret;
}

/*
 * One raw one-way call (@code) with @buf's ONEWAY_SIZE bytes, and the read
 * of its BR_TRANSACTION_COMPLETE; @i names it in an error.
 */
static int raw_oneway_call(struct transport *t, __u32 code,
			   const unsigned char *buf, unsigned int i)
{
	struct binder_transaction_data tr = binder_txn(0, code, TF_ONE_WAY,
						       buf, ONEWAY_SIZE);
	__u32 rbuf[64] __attribute__((aligned(8)));
	struct binder_write_read bwr = { };
	struct binder_cmds c;
	__u32 cmds[16];
	size_t k, nc;
	bool tc = false;
	int ret;

	bc_init(&c);
	bc_transaction(&c, BC_TRANSACTION, &tr);
	bwr.write_buffer = (uintptr_t)c.buf;
	bwr.write_size = c.len;
	bwr.read_buffer = (uintptr_t)rbuf;
	bwr.read_size = sizeof(rbuf);
	ret = raw_wr(t, &bwr);
	if (ret)
		return ret;
	nc = br_list(rbuf, bwr.read_consumed, cmds, 16);
	for (k = 0; k < nc; k++)
		tc |= cmds[k] == BR_TRANSACTION_COMPLETE ||
		      cmds[k] == BR_ONEWAY_SPAM_SUSPECT;
	if (!tc) {
		fprintf(stderr, "%s: raw one-way call %u: no BR_TRANSACTION_COMPLETE\n",
			t->label, i);
		return -EPROTO;
	}
	return 0;
}

static int raw_oneway(struct transport *t, unsigned int n, double *rate,
		      double *sub)
{
	unsigned char buf[ONEWAY_SIZE];
	long long start;
	unsigned int i;
	int ret;

	oneway_payload(buf, n, 1);
	start = now_ns();
	for (i = 0; i < n; i++) {
		ret = raw_oneway_call(t, i == n - 1 ? BENCH_ONEWAY_LAST :
						    BENCH_ONEWAY, buf, i);
		if (ret)
			return ret;
	}
	*sub = n / ((now_ns() - start) / 1e9);
	return oneway_finish(t, n, start, "raw ", rate);
}

/*
 * --- one-way from SENDERS threads at once -------------------------------
 *
 * SENDERS threads of the client, each a binder thread of its own on the
 * client's fd, send n / SENDERS raw one-way calls each to the same node,
 * placed as the client is (-c). The node takes one-way calls one at a
 * time in the order they were queued, so this measures how the driver
 * queues concurrent senders on one node, not parallel delivery.
 */
#define SENDERS		4

/* The senders' start line: each says it is ready, then waits for go. */
struct start_line {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	unsigned int ready;
	int go;			/* 0: wait, 1: go, -1: give up */
};

struct sender {
	struct transport *t;
	unsigned int n;
	struct start_line *line;
	int ret;
};

static void *sender_main(void *arg)
{
	struct sender *s = arg;
	struct start_line *l = s->line;
	struct binder_write_read bwr = { };
	unsigned char buf[ONEWAY_SIZE];
	unsigned int i;
	int ret, go;

	oneway_payload(buf, s->n, SENDERS);
	ret = binder_pin_cpu(cfg.client_cpu);
	/* An empty BINDER_WRITE_READ: the binder thread exists before go. */
	if (!ret)
		ret = raw_wr(s->t, &bwr);
	pthread_mutex_lock(&l->lock);
	l->ready++;
	pthread_cond_broadcast(&l->cond);
	while (!l->go)
		pthread_cond_wait(&l->cond, &l->lock);
	go = l->go;
	pthread_mutex_unlock(&l->lock);
	for (i = 0; !ret && go > 0 && i < s->n; i++)
		ret = raw_oneway_call(s->t, i == s->n - 1 ? BENCH_ONEWAY_LAST :
							 BENCH_ONEWAY, buf, i);
	/* Not a looper: BINDER_THREAD_EXIT frees its binder thread. */
	ioctl(s->t->dev.fd, BINDER_THREAD_EXIT, 0);
	s->ret = ret;
	return NULL;
}

static int multi_oneway(struct transport *t, unsigned int n, double *rate)
{
	struct start_line line = {
		.lock = PTHREAD_MUTEX_INITIALIZER,
		.cond = PTHREAD_COND_INITIALIZER,
	};
	struct sender s[SENDERS];
	pthread_t th[SENDERS];
	unsigned int k, started = 0;
	long long start = 0;
	int ret = 0;

	n -= n % SENDERS;
	for (k = 0; k < SENDERS; k++) {
		s[k] = (struct sender){ .t = t, .n = n / SENDERS,
					.line = &line };
		if (pthread_create(&th[k], NULL, sender_main, &s[k]))
			break;
		started++;
	}
	pthread_mutex_lock(&line.lock);
	while (started == SENDERS && line.ready < SENDERS)
		pthread_cond_wait(&line.cond, &line.lock);
	line.go = started == SENDERS ? 1 : -1;
	start = now_ns();
	pthread_cond_broadcast(&line.cond);
	pthread_mutex_unlock(&line.lock);
	if (started < SENDERS)
		ret = -EAGAIN;
	for (k = 0; k < started; k++) {
		pthread_join(th[k], NULL);
		if (!ret)
			ret = s[k].ret;
	}
	if (ret)
		return ret;
	return oneway_finish(t, n, start, "multi-sender ", rate);
}

/* --- the same calls through io_uring (IPCKIT_URING_CMD_WRITE_READ) ------ */

#define UR_BATCH_MAX	64
/* Room for every BR_TRANSACTION_COMPLETE of a batch, and a reply. */
#define UR_READ_SIZE	1024

/* One command's user memory, kept until its CQE. */
struct ur_cmd {
	struct binder_write_read bwr;
	struct binder_cmds c;
	__u32 rbuf[UR_READ_SIZE / 4] __attribute__((aligned(8)));
};

static struct ur_cmd ur_cmds[UR_BATCH_MAX];

static void ur_prep(struct transport *t, struct ur_cmd *u, bool read,
		    __u64 user_data)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(&t->ring);
	struct ipckit_uring_write_read p = { .bwr = (uintptr_t)&u->bwr };

	memset(&u->bwr, 0, sizeof(u->bwr));
	u->bwr.write_buffer = (uintptr_t)u->c.buf;
	u->bwr.write_size = u->c.len;
	if (read) {
		u->bwr.read_buffer = (uintptr_t)u->rbuf;
		u->bwr.read_size = sizeof(u->rbuf);
	}
	/* The ring has room for a whole batch: sqe is never NULL here. */
	io_uring_prep_rw(IORING_OP_URING_CMD, sqe, t->dev.fd, NULL, 0, 0);
	sqe->cmd_op = IPCKIT_URING_CMD_WRITE_READ;
	memcpy(sqe->cmd, &p, sizeof(p));
	io_uring_sqe_set_data64(sqe, user_data);
}

/* Reap one CQE (bounded wait): its res, or -errno of the wait. */
static int ur_reap(struct transport *t, __u64 *user_data)
{
	struct __kernel_timespec ts = { .tv_sec = BINDER_WAIT_MS / 1000 };
	struct io_uring_cqe *cqe;
	int ret;

	do {
		ret = io_uring_wait_cqe_timeout(&t->ring, &cqe, &ts);
	} while (ret == -EINTR);
	if (ret)
		return ret;
	ret = cqe->res;
	if (user_data)
		*user_data = cqe->user_data;
	io_uring_cqe_seen(&t->ring, cqe);
	return ret;
}

/* Does the device take IPCKIT_URING_CMD_WRITE_READ? Sets up the ring. */
static bool ur_setup(struct transport *t)
{
	struct ur_cmd *u = &ur_cmds[0];

	if (io_uring_queue_init(2 * UR_BATCH_MAX, &t->ring, 0))
		return false;
	bc_init(&u->c);
	ur_prep(t, u, false, 0);
	if (io_uring_submit(&t->ring) == 1 && ur_reap(t, NULL) == 0)
		return true;
	io_uring_queue_exit(&t->ring);
	return false;
}

static unsigned int ur_count_tc(const struct ur_cmd *u)
{
	__u32 cmds[UR_READ_SIZE / 4];
	size_t n, i;
	unsigned int tc = 0;

	n = br_list(u->rbuf, u->bwr.read_consumed, cmds, UR_READ_SIZE / 4);
	for (i = 0; i < n; i++)
		tc += cmds[i] == BR_TRANSACTION_COMPLETE ||
		      cmds[i] == BR_ONEWAY_SPAM_SUSPECT;
	return tc;
}

/*
 * A sync call through the ring: BC_TRANSACTION and a read in one SQE,
 * submitted and waited for with one io_uring_enter(); the read pends
 * until the reply (BR_TRANSACTION_COMPLETE and BR_REPLY together). The
 * reply buffer is freed with a write-only SQE, as the ioctl path frees
 * it with an ioctl of its own.
 */
static int ur_rtt(struct transport *t, const void *buf, size_t size)
{
	struct binder_transaction_data tr = binder_txn(0, BENCH_PING, 0,
						       buf, size);
	struct ur_cmd *u = &ur_cmds[0];
	const void *payload;
	struct binder_reader r;
	binder_uintptr_t reply = 0;
	bool got = false;
	__u32 cmd;
	int ret;

	bc_init(&u->c);
	bc_transaction(&u->c, BC_TRANSACTION, &tr);
	ur_prep(t, u, true, 0);
	ret = io_uring_submit_and_wait(&t->ring, 1);
	if (ret < 0)
		return ret;
	for (;;) {
		ret = ur_reap(t, NULL);
		if (ret)
			return ret;
		br_init(&r, u->rbuf, u->bwr.read_consumed);
		while (br_next(&r, &cmd, &payload)) {
			if (cmd == BR_REPLY) {
				const struct binder_transaction_data *rt = payload;

				reply = rt->data.ptr.buffer;
				got = true;
			} else if (cmd != BR_NOOP &&
				   cmd != BR_TRANSACTION_COMPLETE) {
				fprintf(stderr, "%s: uring call got %s\n",
					t->label, binder_br_name(cmd));
				return -EPROTO;
			}
		}
		if (got)
			break;
		/* The read returned early (BR_TRANSACTION_COMPLETE): again. */
		bc_init(&u->c);
		ur_prep(t, u, true, 0);
		ret = io_uring_submit(&t->ring);
		if (ret < 0)
			return ret;
	}
	bc_init(&u->c);
	bc_free_buffer(&u->c, reply);
	ur_prep(t, u, false, 0);
	ret = io_uring_submit(&t->ring);
	if (ret < 0)
		return ret;
	return ur_reap(t, NULL);
}

/*
 * n one-way calls through the ring, batch SQEs per io_uring_enter(),
 * each a BC_TRANSACTION; the batch's last also reads the batch's
 * BR_TRANSACTION_COMPLETEs (there already: it completes at once). From
 * the first submission until the server reports the last call: calls
 * per second in *rate.
 */
static int ur_oneway(struct transport *t, unsigned int n, unsigned int batch,
		     double *rate, double *sub)
{
	unsigned char buf[ONEWAY_SIZE];
	unsigned int i = 0, b, k, owed = 0;
	long long start;
	int ret;

	oneway_payload(buf, n, 1);
	start = now_ns();
	while (i < n) {
		b = n - i < batch ? n - i : batch;
		for (k = 0; k < b; k++, i++) {
			struct binder_transaction_data tr =
				binder_txn(0, i == n - 1 ? BENCH_ONEWAY_LAST :
						  BENCH_ONEWAY,
					   TF_ONE_WAY, buf, sizeof(buf));

			bc_init(&ur_cmds[k].c);
			bc_transaction(&ur_cmds[k].c, BC_TRANSACTION, &tr);
			ur_prep(t, &ur_cmds[k], k == b - 1, k);
		}
		ret = io_uring_submit(&t->ring);
		if (ret != (int)b)
			return ret < 0 ? ret : -EIO;
		owed += b;
		for (k = 0; k < b; k++) {
			ret = ur_reap(t, NULL);
			if (ret)
				return ret;
		}
		owed -= ur_count_tc(&ur_cmds[b - 1]);
	}
	/* What the last reads had no room for (none expected). */
	while (owed) {
		bc_init(&ur_cmds[0].c);
		ur_prep(t, &ur_cmds[0], true, 0);
		ret = io_uring_submit(&t->ring);
		if (ret != 1)
			return ret < 0 ? ret : -EIO;
		ret = ur_reap(t, NULL);
		if (ret)
			return ret;
		k = ur_count_tc(&ur_cmds[0]);
		if (!k || k > owed)
			return -EPROTO;
		owed -= k;
	}
	*sub = n / ((now_ns() - start) / 1e9);
	return oneway_finish(t, n, start, "uring ", rate);
}

static void binder_stop(struct transport *t)
{
	struct binder_result res;
	int status;

	if (t->server.pid <= 0)
		return;
	if (t->dev.fd > 0 &&
	    !binder_call(&t->dev, 0, BENCH_QUIT, 0, NULL, 0, &res) &&
	    res.cmd == BR_REPLY) {
		binder_free_buffer(&t->dev, res.tr.data.ptr.buffer);
		status = binder_child_finish(&t->server, BINDER_WAIT_MS);
		if (!binder_child_ok(status))
			fprintf(stderr, "%s: server ended with status %#x\n",
				t->label, status);
	} else {
		binder_child_kill(&t->server);
	}
	if (t->uring)
		io_uring_queue_exit(&t->ring);
	t->uring = false;
	binder_close_dev(&t->dev);
}

/* --- the floor: the same ping-pong over a pipe pair or a socketpair ---- */

/*
 * Server side, blocking: it needs no bound of its own, the client kills it
 * (and PDEATHSIG would). 0 when done, 1 at EOF, -errno.
 */
static int xfer_full(int fd, void *buf, size_t len, bool out)
{
	unsigned char *p = buf;
	ssize_t n;

	while (len) {
		n = out ? write(fd, p, len) : read(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return 1;
		p += n;
		len -= n;
	}
	return 0;
}

/* Request: a __u32 size, then that many bytes; reply: one byte. */
static int floor_serve(int rfd, int wfd)
{
	static unsigned char buf[MAX_PAYLOAD];
	const unsigned char ack = 1;
	__u32 size;
	int ret;

	for (;;) {
		ret = xfer_full(rfd, &size, sizeof(size), false);
		if (ret)
			return ret == 1 ? 0 : 1;	/* EOF: client is done */
		if (size > sizeof(buf) || xfer_full(rfd, buf, size, false) ||
		    xfer_full(wfd, (void *)&ack, 1, true))
			return 1;
	}
}

/* Keep fds 0-2, a and b: the other floor's ends would hide its EOF. */
static void close_other_fds(int a, int b)
{
	int lo = a < b ? a : b, hi = a < b ? b : a;

	if (lo > 3)
		close_range(3, lo - 1, 0);
	if (hi > lo + 1)
		close_range(lo + 1, hi - 1, 0);
	close_range(hi + 1, ~0U, 0);
}

/*
 * A plain fork, not binder_child_start(): that one closes every inherited
 * fd, and this server needs its ends of the pipes. Forked before any
 * binder device is open, so it holds none.
 */
static int floor_start(struct transport *t, int srv_r, int srv_w)
{
	pid_t parent = getpid();
	pid_t pid;

	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(253);
		close_other_fds(srv_r, srv_w);
		if (binder_pin_cpu(cfg.server_cpu))
			_exit(254);
		_exit(floor_serve(srv_r, srv_w) & 0xff);
	}
	t->server.pid = pid;
	t->server.ready_fd = -1;
	t->server.go_fd = -1;
	return 0;
}

static int floor_setup(struct transport *t, bool sock)
{
	int req[2], rep[2];
	int ret;

	if (sock) {
		if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, req))
			return -errno;
		ret = floor_start(t, req[1], req[1]);
		close(req[1]);
		t->rfd = req[0];
		t->wfd = req[0];
	} else {
		if (pipe2(req, O_CLOEXEC))
			return -errno;
		if (pipe2(rep, O_CLOEXEC)) {
			ret = -errno;
			close(req[0]);
			close(req[1]);
			return ret;
		}
		ret = floor_start(t, req[0], rep[1]);
		close(req[0]);
		close(rep[1]);
		t->wfd = req[1];
		t->rfd = rep[0];
	}
	/* Non-blocking on our side, so that every wait goes through poll(). */
	if (!ret && (fcntl(t->rfd, F_SETFL, O_NONBLOCK) ||
		     fcntl(t->wfd, F_SETFL, O_NONBLOCK)))
		ret = -errno;
	return ret;
}

/*
 * Client side: move len bytes, waiting in poll() at most until deadline
 * (ms). A read polls first, since a reply is never there yet.
 */
static int floor_io(int fd, void *buf, size_t len, bool out,
		    long long deadline)
{
	struct pollfd pfd = { .fd = fd, .events = out ? POLLOUT : POLLIN };
	unsigned char *p = buf;
	bool wait = !out;
	long long left;
	ssize_t n;

	while (len) {
		if (wait) {
			left = deadline - binder_now_ms();
			if (left <= 0)
				return -ETIMEDOUT;
			if (poll(&pfd, 1, left) < 0 && errno != EINTR)
				return -errno;
		}
		n = out ? write(fd, p, len) : read(fd, p, len);
		if (n > 0) {
			p += n;
			len -= n;
			wait = !out;
		} else if (n == 0) {
			return -EPIPE;
		} else if (errno == EAGAIN || errno == EINTR) {
			wait = true;
		} else {
			return -errno;
		}
	}
	return 0;
}

/*
 * msg: a __u32 header's room, then the payload. At 64 KiB the message is
 * 4 bytes over a pipe's capacity, so it goes in two writes with a wake-up
 * in between: what a pipe costs at that size, left in the floor.
 */
static int floor_rtt(struct transport *t, unsigned char *msg, size_t size)
{
	long long deadline = binder_now_ms() + BINDER_WAIT_MS;
	__u32 hdr = size;
	unsigned char ack;
	int ret;

	memcpy(msg, &hdr, sizeof(hdr));
	ret = floor_io(t->wfd, msg, sizeof(hdr) + size, true, deadline);
	if (!ret)
		ret = floor_io(t->rfd, &ack, 1, false, deadline);
	return ret;
}

static void floor_stop(struct transport *t)
{
	int status;

	if (t->server.pid <= 0)
		return;
	/* EOF on its request stream ends the server. */
	close(t->wfd);
	if (t->rfd != t->wfd)
		close(t->rfd);
	t->rfd = -1;
	t->wfd = -1;
	status = binder_child_finish(&t->server, BINDER_WAIT_MS);
	if (!binder_child_ok(status))
		fprintf(stderr, "%s: server ended with status %#x\n",
			t->label, status);
}

/* --- measuring ---------------------------------------------------------- */

static void record(int ti, int m, double v)
{
	samples[ti][m][nsamples[ti][m]++] = v;
}

/* msg: MAX_PAYLOAD bytes after a __u32 header, see floor_rtt(). */
static int run_one(int ti, int m, unsigned int iter, bool keep,
		   unsigned char *msg)
{
	struct transport *t = &tp[ti];
	long long start;
	unsigned int i;
	double rate, sub = 0;
	int ret = 0;

	if (is_rate(m)) {
		if (m == M_ONEWAY)
			ret = binder_oneway(t, iter, &rate);
		else if (m == M_RAW_OW)
			ret = raw_oneway(t, iter, &rate, &sub);
		else if (m == M_RAW_OW4)
			ret = multi_oneway(t, iter, &rate);
		else
			ret = ur_oneway(t, iter, meas[m].batch, &rate, &sub);
		if (!ret && keep)
			record(ti, m, rate);
		if (!ret && keep && meas[m].sub)
			record(ti, meas[m].sub, sub);
	}
	if (m == M_LEAN_NULL)
		ret = lean_begin(t);
	for (i = 0; !ret && !is_rate(m) && i < iter; i++) {
		start = now_ns();
		if (m == M_LEAN_NULL)
			ret = lean_call(t, BENCH_PING);
		else if (m == M_UR_NULL)
			ret = ur_rtt(t, msg + sizeof(__u32), meas[m].size);
		else if (m == M_RAW_NULL)
			ret = raw_rtt(t, msg + sizeof(__u32), meas[m].size);
		else if (t->binder)
			ret = binder_rtt(t, msg + sizeof(__u32), meas[m].size);
		else
			ret = floor_rtt(t, msg, meas[m].size);
		if (ret)
			break;
		if (keep)
			record(ti, m, (now_ns() - start) / 1e3);
	}
	if (m == M_LEAN_NULL && !ret)
		ret = lean_end(t);
	if (ret)
		fprintf(stderr, "ipckit-bench: %s, %s: %s\n", t->label,
			meas[m].name, strerror(-ret));
	return ret;
}

/*
 * One round: every measurement on every transport, in order or reversed;
 * the devices always next to each other.
 */
static int run_round(unsigned int round, bool keep, unsigned char *msg)
{
	int m, k, ti, ret;

	for (m = 0; m < NR_M; m++) {
		if (is_shadow(m))
			continue;
		for (k = 0; k < NR_T; k++) {
			ti = round % 2 ? NR_T - 1 - k : k;
			if (is_binder_only(m) && !tp[ti].binder)
				continue;
			if (is_uring(m) && !tp[ti].uring)
				continue;
			ret = run_one(ti, m, keep ? (is_rate(m) ?
						     cfg.oneway_n : cfg.iter) :
				      WARMUP_ITER, keep, msg);
			if (ret)
				return ret;
		}
	}
	return 0;
}

/* --- reporting ---------------------------------------------------------- */

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Nearest-rank percentile p (0..1) of v[0..n), which it sorts. */
static double pct(double *v, size_t n, double p)
{
	size_t k;

	qsort(v, n, sizeof(*v), cmp_double);
	k = (size_t)(p * n + 0.999999);
	return v[k ? k - 1 : 0];
}

struct summary {
	bool have;
	double med, p90;
};

/*
 * Median and "p90" of src[0..n): for a rate, the slow tenth is the low
 * end, so the 10th percentile.
 */
static struct summary stat_of(const double *src, size_t n, bool rate)
{
	struct summary s = { };
	double *v;

	if (!n)
		return s;
	v = malloc(n * sizeof(*v));
	if (!v)
		return s;
	memcpy(v, src, n * sizeof(*v));
	s.med = pct(v, n, 0.5);
	s.p90 = pct(v, n, rate ? 0.1 : 0.9);
	s.have = true;
	free(v);
	return s;
}

static void print_num(double v, bool have, bool rate, bool na)
{
	if (na)
		printf(" %9s", "n/a");
	else if (!have)
		printf(" %9s", "-");
	else if (rate)
		printf(" %9.0f", v);
	else
		printf(" %9.1f", v);
}

static void print_ratio(struct summary a, struct summary b)
{
	if (a.have && b.have && b.med > 0)
		printf(" %9.2f", a.med / b.med);
	else
		printf(" %9s", "-");
}

static void report(int dut, int base)
{
	struct summary st[NR_T][NR_M];
	unsigned int r, per;
	char over[10];
	int ti, m, k;

	for (ti = 0; ti < NR_T; ti++)
		for (m = 0; m < NR_M; m++)
			st[ti][m] = stat_of(samples[ti][m], nsamples[ti][m],
					    is_rate(m));

	printf("\n%-24s", "");
	for (ti = 0; ti < NR_T; ti++)
		printf(" %-19s", tp[ti].label);
	snprintf(over, sizeof(over), "%.8s/", tp[dut].label);
	printf(" %9s %9s\n", over, over);
	printf("%-24s", "measurement");
	for (ti = 0; ti < NR_T; ti++)
		printf(" %9s %9s", "median", "p90");
	printf(" %9.9s %9s\n", tp[base].label, "pipe");
	for (r = 0; r < NR_M; r++) {
		m = row_order[r];
		printf("%-24s", meas[m].name);
		for (ti = 0; ti < NR_T; ti++) {
			/* A binder device without io_uring passthrough. */
			bool na = is_uring(m) && tp[ti].binder && !tp[ti].uring;

			print_num(st[ti][m].med, st[ti][m].have, is_rate(m), na);
			print_num(st[ti][m].p90, st[ti][m].have, is_rate(m), na);
		}
		print_ratio(st[dut][m], st[base][m]);
		/* The lean round trip's floor is the pipe's empty one. */
		print_ratio(st[dut][m], st[T_PIPE][m == M_LEAN_NULL ? M_NULL : m]);
		printf("\n");
	}
	printf("ratios are of medians: for round trips above 1 means %s is slower,\n"
	       "for one-way above 1 means it is faster. One-way p90: the rate\n"
	       "9 of 10 rounds reached. n/a: the device has no io_uring passthrough.\n",
	       tp[dut].label);

	/* io_uring against the ioctl on each device that has both. */
	for (ti = T_A; ti <= T_B; ti++) {
		if (!tp[ti].uring)
			continue;
		printf("\n%s: io_uring / raw ioctl (medians; round trip: above 1 is\n"
		       "slower, one-way: above 1 is faster)\n", tp[ti].label);
		printf("  %-28s", "round trip, empty");
		print_ratio(st[ti][M_UR_NULL], st[ti][M_RAW_NULL]);
		printf("\n");
		for (m = M_UR_OW1; m <= M_UR_OW64; m++) {
			printf("  one-way, batches of %-8u", meas[m].batch);
			print_ratio(st[ti][m], st[ti][M_RAW_OW]);
			printf("   client side");
			print_ratio(st[ti][meas[m].sub], st[ti][M_RAW_OW_SUB]);
			printf("\n");
		}
	}

	/* Drift within the run: one median per round, then max/min. */
	printf("\nper-round medians\n%-32s", "");
	for (r = 0; r < cfg.rounds; r++)
		printf(" %8s%-2u", "r", r + 1);
	printf(" %8s\n", "max/min");
	for (k = 0; k < NR_M; k++) {
		m = row_order[k];
		for (ti = 0; ti < NR_T; ti++) {
			double lo = 0, hi = 0;

			if (!nsamples[ti][m])
				continue;
			per = nsamples[ti][m] / cfg.rounds;
			printf("%-24s %-7s", meas[m].name, tp[ti].label);
			for (r = 0; r < cfg.rounds; r++) {
				struct summary s = stat_of(samples[ti][m] + r * per,
							per, is_rate(m));

				printf(is_rate(m) ? " %10.0f" : " %10.1f",
				       s.med);
				if (!r || s.med < lo)
					lo = s.med;
				if (!r || s.med > hi)
					hi = s.med;
			}
			printf(" %8.2f\n", lo > 0 ? hi / lo : 0);
		}
	}
}

/* --- setup -------------------------------------------------------------- */

static int set_placement(const char *p)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);

	cfg.placement = p;
	if (!strcmp(p, "same")) {
		cfg.client_cpu = 0;
		cfg.server_cpu = 0;
	} else if (!strcmp(p, "split")) {
		if (cpus < 2) {
			fprintf(stderr, "ipckit-bench: -c split needs 2 CPUs\n");
			return -1;
		}
		cfg.client_cpu = 0;
		cfg.server_cpu = 1;
	} else if (!strcmp(p, "free")) {
		cfg.client_cpu = -1;
		cfg.server_cpu = -1;
	} else {
		fprintf(stderr, "ipckit-bench: -c wants same, split or free\n");
		return -1;
	}
	return 0;
}

/*
 * -s DEV: one kind of call on one device, for a profiler to watch (make
 * profile): round trips (raw ioctls, empty or 64 KiB) or one-way calls,
 * ITER x ROUNDS of them after a warm-up, and their median.
 */
static int profile_one(const char *path, const char *kind)
{
	struct transport *t = &tp[T_A];
	int m, ret;
	unsigned int r;
	struct summary st;
	unsigned char *msg;

	if (!strcmp(kind, "rtt"))
		m = M_RAW_NULL;
	else if (!strcmp(kind, "lean"))
		m = M_LEAN_NULL;
	else if (!strcmp(kind, "64k"))
		m = M_64K;
	else if (!strcmp(kind, "oneway"))
		m = M_RAW_OW;
	else {
		fprintf(stderr, "ipckit-bench: -k wants rtt, lean, 64k or oneway\n");
		return 2;
	}
	t->path = path;
	t->binder = true;
	snprintf(t->label, sizeof(t->label), "%s", path);
	msg = calloc(1, sizeof(__u32) + MAX_PAYLOAD);
	samples[T_A][m] = calloc((size_t)cfg.iter * cfg.rounds, sizeof(double));
	samples[T_A][M_RAW_OW_SUB] = calloc(cfg.rounds, sizeof(double));
	if (!msg || !samples[T_A][m] || !samples[T_A][M_RAW_OW_SUB])
		return 1;
	ret = binder_pin_cpu(cfg.client_cpu);
	if (!ret)
		ret = binder_setup(t);
	if (!ret)
		ret = binder_open_dev(&t->dev, path, 0);
	if (!ret)
		ret = run_one(T_A, m, WARMUP_ITER, false, msg);
	for (r = 0; !ret && r < cfg.rounds; r++)
		ret = run_one(T_A, m, is_rate(m) ? cfg.oneway_n : cfg.iter,
			      true, msg);
	if (!ret) {
		st = stat_of(samples[T_A][m], nsamples[T_A][m], is_rate(m));
		printf("ipckit-bench: %s, %s: median %.1f, %s %.1f\n", path,
		       meas[m].name, st.med, is_rate(m) ? "p10" : "p90",
		       st.p90);
	}
	binder_stop(t);
	free(msg);
	return ret ? 1 : 0;
}

static void usage(const char *prog)
{
	fprintf(stderr,
		"usage: %s -a DEVICE_A -b DEVICE_B [-n ITER] [-r ROUNDS] [-c same|split|free]\n"
		"       %s -s DEVICE [-k rtt|lean|64k|oneway] [-n ITER] [-r ROUNDS] [-c ...]\n"
		"  -n  calls per measurement and round (default %u; one-way: at most %u)\n"
		"  -r  rounds, each running every measurement on A and B (default %u)\n"
		"  -c  CPU placement of client and servers (default %s)\n"
		"  -s  one kind of call (-k, default rtt) on one device, for a profiler\n",
		prog, prog, DEFAULT_ITER, ONEWAY_MAX, DEFAULT_ROUNDS,
		DEFAULT_PLACEMENT);
}

static int parse_count(const char *s, unsigned int *v)
{
	char *end;
	unsigned long n = strtoul(s, &end, 10);

	if (*s < '0' || *s > '9' || *end || !n || n > 1000000)
		return -1;
	*v = n;
	return 0;
}

/* The device's basename, or its path when both devices share one. */
static void set_labels(void)
{
	const char *a = strrchr(tp[T_A].path, '/');
	const char *b = strrchr(tp[T_B].path, '/');

	a = a ? a + 1 : tp[T_A].path;
	b = b ? b + 1 : tp[T_B].path;
	if (!strcmp(a, b)) {
		a = tp[T_A].path;
		b = tp[T_B].path;
	}
	snprintf(tp[T_A].label, sizeof(tp[T_A].label), "%s", a);
	snprintf(tp[T_B].label, sizeof(tp[T_B].label), "%s", b);
	snprintf(tp[T_PIPE].label, sizeof(tp[T_PIPE].label), "pipe");
	snprintf(tp[T_UNIX].label, sizeof(tp[T_UNIX].label), "unix");
}

static void teardown(void)
{
	int ti;

	for (ti = 0; ti < NR_T; ti++) {
		if (tp[ti].binder)
			binder_stop(&tp[ti]);
		else
			floor_stop(&tp[ti]);
	}
}

int main(int argc, char **argv)
{
	const char *profile_dev = NULL, *profile_kind = "rtt";
	unsigned char *msg;
	long long start;
	int opt, ti, m, ret, dut, base;
	unsigned int r;

	cfg.iter = DEFAULT_ITER;
	cfg.rounds = DEFAULT_ROUNDS;
	if (set_placement(DEFAULT_PLACEMENT))
		return 2;
	while ((opt = getopt(argc, argv, "a:b:n:r:c:s:k:h")) != -1) {
		switch (opt) {
		case 'a':
			tp[T_A].path = optarg;
			break;
		case 'b':
			tp[T_B].path = optarg;
			break;
		case 'n':
			if (parse_count(optarg, &cfg.iter))
				goto bad_usage;
			break;
		case 'r':
			if (parse_count(optarg, &cfg.rounds))
				goto bad_usage;
			break;
		case 'c':
			if (set_placement(optarg))
				return 2;
			break;
		case 's':
			profile_dev = optarg;
			break;
		case 'k':
			profile_kind = optarg;
			break;
		default:
			goto bad_usage;
		}
	}
	if (optind != argc)
		goto bad_usage;
	cfg.oneway_n = cfg.iter < ONEWAY_MAX ? cfg.iter : ONEWAY_MAX;
	if (profile_dev)
		return profile_one(profile_dev, profile_kind);
	if (!tp[T_A].path || !tp[T_B].path)
		goto bad_usage;

	signal(SIGPIPE, SIG_IGN);	/* a dead floor server is -EPIPE */
	set_labels();
	for (ti = T_A; ti <= T_B; ti++) {
		ret = binder_is_ipckit(tp[ti].path);
		if (ret < 0) {
			fprintf(stderr, "ipckit-bench: %s: %s\n", tp[ti].path,
				strerror(-ret));
			return 1;
		}
		tp[ti].binder = true;
		tp[ti].ipckit = ret;
	}
	for (ti = T_PIPE; ti <= T_UNIX; ti++) {
		tp[ti].rfd = -1;
		tp[ti].wfd = -1;
	}
	/* The ratios want ipckit over the reference, whatever -a and -b say. */
	if (tp[T_A].ipckit != tp[T_B].ipckit) {
		dut = tp[T_A].ipckit ? T_A : T_B;
		base = tp[T_A].ipckit ? T_B : T_A;
	} else {
		dut = T_B;
		base = T_A;
	}

	msg = calloc(1, sizeof(__u32) + MAX_PAYLOAD);
	if (!msg)
		return 1;
	binder_fill(msg + sizeof(__u32), MAX_PAYLOAD, 1);
	for (ti = 0; ti < NR_T; ti++)
		for (m = 0; m < NR_M; m++) {
			samples[ti][m] = calloc((size_t)cfg.iter * cfg.rounds,
						sizeof(double));
			if (!samples[ti][m])
				return 1;
		}

	printf("ipckit-bench: %s = %s (%s), %s = %s (%s)\n",
	       tp[T_A].label, tp[T_A].path,
	       tp[T_A].ipckit ? "ipckit" : "reference",
	       tp[T_B].label, tp[T_B].path,
	       tp[T_B].ipckit ? "ipckit" : "reference");
	if (tp[T_A].ipckit == tp[T_B].ipckit)
		printf("ipckit-bench: not one ipckit and one reference device: ratios are %s/%s\n",
		       tp[T_B].label, tp[T_A].label);
	printf("ipckit-bench: %u rounds x %u calls (one-way batches of %u), placement %s",
	       cfg.rounds, cfg.iter, cfg.oneway_n, cfg.placement);
	if (cfg.client_cpu >= 0)
		printf(" (client on CPU %d, servers on CPU %d)", cfg.client_cpu,
		       cfg.server_cpu);
	printf(", %ld CPUs online\n", sysconf(_SC_NPROCESSORS_ONLN));
	fflush(stdout);

	ret = binder_pin_cpu(cfg.client_cpu);
	if (ret) {
		fprintf(stderr, "ipckit-bench: pinning: %s\n", strerror(-ret));
		return 1;
	}
	/*
	 * Servers first, the floor's before any binder fd exists here: a
	 * child closing an inherited binder fd would flush our threads.
	 */
	ret = floor_setup(&tp[T_PIPE], false);
	if (!ret)
		ret = floor_setup(&tp[T_UNIX], true);
	for (ti = T_A; !ret && ti <= T_B; ti++)
		ret = binder_setup(&tp[ti]);
	for (ti = T_A; !ret && ti <= T_B; ti++)
		ret = binder_open_dev(&tp[ti].dev, tp[ti].path, 0);
	for (ti = T_A; !ret && ti <= T_B; ti++) {
		tp[ti].uring = ur_setup(&tp[ti]);
		printf("ipckit-bench: %s: io_uring passthrough %s\n",
		       tp[ti].label, tp[ti].uring ? "yes" : "no (n/a)");
	}
	if (ret) {
		fprintf(stderr, "ipckit-bench: setup: %s\n", strerror(-ret));
		goto out;
	}

	start = binder_now_ms();
	ret = run_round(0, false, msg);
	for (r = 0; !ret && r < cfg.rounds; r++)
		ret = run_round(r, true, msg);
	if (ret) {
		fprintf(stderr, "ipckit-bench: stopped in round %u of %u (0: warm-up)\n",
			r, cfg.rounds);
		goto out;
	}
	printf("ipckit-bench: measured in %.1f s\n",
	       (binder_now_ms() - start) / 1e3);
	report(dut, base);
out:
	teardown();
	fflush(stdout);
	return ret ? 1 : 0;

bad_usage:
	usage(argv[0]);
	return 2;
}
