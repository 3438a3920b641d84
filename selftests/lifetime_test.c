// SPDX-License-Identifier: GPL-2.0
/*
 * Object lifetime and cleanup (issue #12): a node that loses its last
 * handle while a call is on its way to it, the files a buffer's fd array
 * brought, what failed transactions and failed deliveries leave behind,
 * the order of fix-ups in a parent buffer, and process work around a
 * thread that leaves.
 *
 * What the reference (6.1) does, and these tests assert:
 *
 *  - A call through a handle whose last reference goes away at the same
 *    time either reaches the node (its owner reads it on that very node)
 *    or is refused at once with BR_FAILED_REPLY (no such handle). An
 *    owner that never read its node work ends with no node and reads no
 *    BR_INCREFS/BR_ACQUIRE/BR_RELEASE/BR_DECREFS: the work was withdrawn
 *    when the node went, after the last call to it was freed.
 *  - BC_FREE_BUFFER closes the fds of the buffer's fd arrays as close(2)
 *    does (filp_close()): the receiver's POSIX locks on the file go with
 *    them, though the sender still has the file open.
 *  - A transaction whose translation fails after it translated a
 *    BINDER_TYPE_BINDER fails with BR_FAILED_REPLY alone and leaves no
 *    node: the sender reads nothing of it, BINDER_GET_NODE_DEBUG_INFO
 *    lists none.
 *  - A one-way call whose fds the receiver cannot take (RLIMIT_NOFILE) is
 *    dropped when the receiver reads it, the fds reserved for it given
 *    back; the node's later one-way calls are delivered.
 *  - Fix-ups inside a parent buffer (fd arrays, child pointers) must come
 *    in ascending order without overlap (binder_validate_fixup()): any
 *    other order is refused with BR_FAILED_REPLY, -EINVAL, and the
 *    receiver gets nothing.
 *  - Process work (a death notice, a node's BR_RELEASE/BR_DECREFS) stays
 *    on the process while the thread it woke reads with no room for it;
 *    when that thread leaves (BINDER_THREAD_EXIT), another one reads it.
 *  - A transaction that fails after its BR_TRANSACTION_COMPLETE was
 *    queued (a sync call to a frozen target) takes back its own: a
 *    BR_ONEWAY_SPAM_SUSPECT queued before it by the same write is read,
 *    then the failure.
 *
 * Every test runs on both drivers.
 */
#include <dirent.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stddef.h>
#include <sys/resource.h>

#include "ipckit_test.h"

#define EVENT_MS	3000	/* bound on a wait for what must come */
#define QUIET_MS	200	/* watched to see that nothing comes */
#define PUPPET_MS	(BINDER_WAIT_MS + 5000)

#define ALIGN8(x)	(((x) + 7) & ~(binder_size_t)7)

/* --- common helpers ----------------------------------------------------- */

/* Open fds of this process (the directory's own included, as always). */
static int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *de;
	int n = 0;

	if (!d)
		return -errno;
	while ((de = readdir(d)))
		if (de->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

static bool in_area(const struct binder_dev *dev, binder_uintptr_t addr,
		    binder_size_t len)
{
	binder_uintptr_t map = (uintptr_t)dev->map;

	return addr >= map && len <= dev->map_size &&
	       addr - map <= dev->map_size - len;
}

/* Read until our own BR_TRANSACTION_COMPLETE comes. */
static int read_complete(struct binder_dev *dev)
{
	struct binder_read_result rr;
	int tries, ret;
	size_t i;

	for (tries = 0; tries < 8; tries++) {
		ret = binder_read_one(dev, &rr, EVENT_MS);
		if (ret)
			return ret;
		for (i = 0; i < rr.ncmds; i++)
			if (rr.cmds[i] == BR_TRANSACTION_COMPLETE)
				return 0;
	}
	return -EPROTO;
}

static bool is_end(__u32 cmd)
{
	return cmd == BR_REPLY || cmd == BR_FAILED_REPLY ||
	       cmd == BR_DEAD_REPLY || cmd == BR_FROZEN_REPLY;
}

/*
 * Write c and read in the same ioctl, then read on until a call's end
 * (BR_REPLY, BR_*_REPLY) came: every command but BR_NOOP into cmds.
 */
static int write_collect(int fd, const struct binder_cmds *c, __u32 *cmds,
			 size_t *n, size_t max)
{
	__u32 rbuf[64] __attribute__((aligned(8)));
	struct binder_write_read bwr = {
		.write_size = c->len,
		.write_buffer = (uintptr_t)c->buf,
	};
	__u32 got[BINDER_MAX_SEEN];
	size_t i, k;
	int reads, ret;

	*n = 0;
	if (c->overflow)
		return -E2BIG;
	for (reads = 0; reads < 8; reads++) {
		bwr.read_size = sizeof(rbuf);
		bwr.read_buffer = (uintptr_t)rbuf;
		bwr.read_consumed = 0;
		ret = binder_write_read(fd, &bwr, EVENT_MS);
		if (ret)
			return ret;
		if (bwr.write_consumed != bwr.write_size)
			return -EPROTO;
		bwr.write_size = 0;
		bwr.write_consumed = 0;
		k = br_list(rbuf, bwr.read_consumed, got, ARRAY_SIZE(got));
		for (i = 0; i < k; i++) {
			if (got[i] == BR_NOOP)
				continue;
			if (*n < max)
				cmds[(*n)++] = got[i];
			if (is_end(got[i]))
				return 0;
		}
	}
	return -EPROTO;
}

/* A context manager node that accepts fds (BINDER_SET_CONTEXT_MGR_EXT). */
#define MGR_PTR		0x6d677200
#define MGR_COOKIE	0x6d677201

static int become_fd_manager(int fd)
{
	struct flat_binder_object fbo = {
		.flags = FLAT_BINDER_FLAG_ACCEPTS_FDS,
		.binder = MGR_PTR,
		.cookie = MGR_COOKIE,
	};

	return binder_become_context_mgr(fd, &fbo, 2000);
}

/* The caller's first node (by ptr), 0 if it has none. */
static binder_uintptr_t first_node(int fd)
{
	struct binder_node_debug_info info;

	if (binder_get_node_debug_info(fd, 0, &info))
		return ~(binder_uintptr_t)0;
	return info.ptr;
}

/* --- item 1: a node losing its last handle while called ---------------- */

/*
 * D owns the nodes: its main thread S sends P (this process, the context
 * manager) one-way calls, each with a new BINDER_TYPE_BINDER, and never
 * reads, so the nodes' BR_INCREFS/BR_ACQUIRE stay queued on it and each
 * node goes as soon as nothing references it. D's second thread R, a
 * looper, reads and frees the calls P makes to the nodes, checking each
 * arrived on the node its payload names.
 */
#define D_PTR(i)	(0x10000000ULL + (binder_uintptr_t)(i) * 0x10)
#define D_COOKIE(ptr)	((ptr) ^ 0xc0c0c0c0c0ULL)
#define CODE_NODE	0x4e4f4445	/* "NODE": D -> P, carries a binder */
#define CODE_HIT	0x48495420	/* "HIT ": P -> one of D's nodes */

enum {
	D_SEND = 1,	/* S sends count binders, D_PTR(first) on */
	D_FINISH,	/* R stops after expect calls; S reads its queue */
	D_QUIT,
};

struct d_req {
	__u32 op;
	__u32 first;
	__u32 count;
	__u32 expect;
};

struct d_report {
	__s32 ret;
	__u32 sent;
	__u32 received;		/* CODE_HIT calls R read */
	__u32 bad;		/* ... on another node than named, not one-way */
	__u32 other;		/* anything else R read but BR_NOOP */
	__u32 other_cmd;
	__u32 completes;	/* BR_TRANSACTION_COMPLETEs S read at the end */
	__u32 node_cmds;	/* BR_INCREFS/ACQUIRE/RELEASE/DECREFS S read */
	__u32 extra;		/* anything else S read */
	__u32 extra_cmd;
	binder_uintptr_t left_node;	/* D's first node at the end, 0: none */
};

/* The payload of P's calls to D's nodes. */
struct hit {
	__u32 iter;
	__u32 pad;
	binder_uintptr_t ptr;	/* the node P means */
};

struct d_state {
	struct binder_dev dev;
	pthread_t reader;
	atomic_int stop;
	atomic_uint received, bad, other, other_cmd;
};

static void d_take(struct d_state *d, const struct binder_transaction_data *tr)
{
	struct hit h = { };

	if (tr->data_size == sizeof(h))
		memcpy(&h, (const void *)(uintptr_t)tr->data.ptr.buffer,
		       sizeof(h));
	if (tr->code != CODE_HIT || !(tr->flags & TF_ONE_WAY) ||
	    tr->data_size != sizeof(h) || tr->target.ptr != h.ptr ||
	    tr->cookie != D_COOKIE(h.ptr))
		atomic_fetch_add(&d->bad, 1);
	atomic_fetch_add(&d->received, 1);
	if (binder_free_buffer(&d->dev, tr->data.ptr.buffer))
		atomic_fetch_add(&d->other, 1);
}

static void *d_reader(void *arg)
{
	struct d_state *d = arg;
	struct binder_transaction_data tr;
	struct binder_read_result rr;
	struct binder_reader r;
	const void *payload;
	__u32 cmd;
	int ret;

	if (binder_cmd(d->dev.fd, BC_ENTER_LOOPER)) {
		atomic_fetch_add(&d->other, 1);
		return NULL;
	}
	while (!atomic_load(&d->stop)) {
		ret = binder_read_one(&d->dev, &rr, QUIET_MS);
		if (ret == -ETIMEDOUT)
			continue;
		if (ret) {
			atomic_fetch_add(&d->other, 1);
			break;
		}
		br_init(&r, rr.buf, rr.consumed);
		while (br_next(&r, &cmd, &payload)) {
			switch (cmd) {
			case BR_NOOP:
			case BR_SPAWN_LOOPER:
				break;
			case BR_TRANSACTION:
				memcpy(&tr, payload, sizeof(tr));
				d_take(d, &tr);
				break;
			case BR_INCREFS:
			case BR_ACQUIRE:
				binder_ack_node(&d->dev, cmd, payload);
				/* fall through */
			default:
				atomic_fetch_add(&d->other, 1);
				atomic_store(&d->other_cmd, cmd);
			}
		}
	}
	return NULL;
}

static int d_send(struct d_state *d, const struct d_req *req,
		  struct d_report *rep)
{
	__u32 i;
	int ret;

	for (i = req->first; i < req->first + req->count; i++) {
		binder_uintptr_t ptr = D_PTR(i);
		struct flat_binder_object obj = {
			.hdr.type = BINDER_TYPE_BINDER,
			.binder = ptr,
			.cookie = D_COOKIE(ptr),
		};
		binder_size_t off = 0;
		struct binder_transaction_data tr;
		struct binder_cmds c;

		tr = binder_txn(0, CODE_NODE, TF_ONE_WAY, &obj, sizeof(obj));
		binder_txn_offsets(&tr, &off, 1);
		bc_init(&c);
		bc_transaction(&c, BC_TRANSACTION, &tr);
		/* Write only: S never reads until D_FINISH. */
		ret = bc_send(d->dev.fd, &c);
		if (ret)
			return ret;
		rep->sent++;
	}
	return 0;
}

static int d_finish(struct d_state *d, const struct d_req *req,
		    struct d_report *rep)
{
	long long deadline = binder_now_ms() + BINDER_WAIT_MS;
	__u32 rbuf[1024] __attribute__((aligned(8)));
	__u32 seen = 0, now_seen;
	struct binder_reader r;
	const void *payload;
	size_t consumed;
	__u32 cmd;
	int ret;

	/*
	 * The reader may still be working through a backlog of thousands
	 * of one-way calls (a loaded TCG guest); give up only when it has
	 * made no progress for BINDER_WAIT_MS, not at a fixed time.
	 */
	while ((now_seen = atomic_load(&d->received)) < req->expect) {
		if (now_seen != seen) {
			seen = now_seen;
			deadline = binder_now_ms() + BINDER_WAIT_MS;
		} else if (binder_now_ms() >= deadline) {
			break;
		}
		binder_sleep_ms(5);
	}
	atomic_store(&d->stop, 1);
	pthread_join(d->reader, NULL);
	rep->received = atomic_load(&d->received);
	rep->bad = atomic_load(&d->bad);
	rep->other = atomic_load(&d->other);
	rep->other_cmd = atomic_load(&d->other_cmd);

	/* Now S reads all that was queued for it (a looper, to be proper). */
	ret = binder_cmd(d->dev.fd, BC_ENTER_LOOPER);
	if (ret)
		return ret;
	for (;;) {
		ret = binder_read(d->dev.fd, rbuf, sizeof(rbuf), &consumed,
				  QUIET_MS);
		if (ret == -ETIMEDOUT)
			break;
		if (ret)
			return ret;
		br_init(&r, rbuf, consumed);
		while (br_next(&r, &cmd, &payload)) {
			switch (cmd) {
			case BR_NOOP:
			case BR_SPAWN_LOOPER:
				break;
			case BR_TRANSACTION_COMPLETE:
				rep->completes++;
				break;
			case BR_INCREFS:
			case BR_ACQUIRE:
			case BR_RELEASE:
			case BR_DECREFS:
				rep->node_cmds++;
				break;
			default:
				rep->extra++;
				rep->extra_cmd = cmd;
			}
		}
		if (r.truncated)
			return -EPROTO;
	}
	rep->left_node = first_node(d->dev.fd);
	return 0;
}

static bool d_handle(void *ctx, void *reqp, void *repp)
{
	struct d_state *d = ctx;
	struct d_req *req = reqp;
	struct d_report *rep = repp;

	switch (req->op) {
	case D_SEND:
		rep->ret = d_send(d, req, rep);
		break;
	case D_FINISH:
		rep->ret = d_finish(d, req, rep);
		break;
	case D_QUIT:
		return false;
	default:
		rep->ret = -EINVAL;
	}
	return true;
}

static int d_main(void *arg)
{
	static struct d_state d;
	struct d_report rep;
	struct d_req req;
	int ret;

	ret = binder_open_dev(&d.dev, ipckit_test_device, 0);
	if (!ret && pthread_create(&d.reader, NULL, d_reader, &d))
		ret = -EAGAIN;
	return binder_puppet_run(ret, &req, sizeof(req), &rep, sizeof(rep),
				 d_handle, &d);
}

FIXTURE(race) {
	struct binder_dev dev;
	struct binder_child d;
	struct d_report rep;
	__u32 cmds[BINDER_MAX_SEEN];
	size_t ncmds;
};

FIXTURE_SETUP(race)
{
	/* D first: a fork after our open would flush our reads. */
	ASSERT_EQ(0, binder_child_start(&self->d, d_main, NULL));
	ASSERT_EQ(0, binder_child_wait_ready(&self->d, BINDER_WAIT_MS));
	ASSERT_EQ(0, binder_open_dev(&self->dev, ipckit_test_device, 0));
	ASSERT_EQ(0, binder_become_context_mgr(self->dev.fd, NULL, 2000));
	ASSERT_EQ(0, binder_cmd(self->dev.fd, BC_ENTER_LOOPER));
}

FIXTURE_TEARDOWN(race)
{
	binder_child_kill(&self->d);
	binder_close_dev(&self->dev);
}

static int d_do(FIXTURE_DATA(race) *self, __u32 op, __u32 first, __u32 count,
		__u32 expect)
{
	struct d_req req = {
		.op = op, .first = first, .count = count, .expect = expect,
	};
	int ret = binder_child_go(&self->d, &req, sizeof(req));

	memset(&self->rep, 0, sizeof(self->rep));
	if (!ret)
		ret = binder_child_recv(&self->d, &self->rep, sizeof(self->rep),
					PUPPET_MS);
	return ret ? ret : self->rep.ret;
}

/* P reads D's next CODE_NODE call: the handle it brought, its buffer. */
static int p_next_node(FIXTURE_DATA(race) *self, __u32 *handle,
		       binder_uintptr_t *buffer)
{
	struct flat_binder_object obj;
	struct binder_read_result rr;
	int ret = binder_read_call(&self->dev, &rr, EVENT_MS);

	if (ret)
		return ret;
	*buffer = rr.tr.data.ptr.buffer;
	if (rr.tr.code != CODE_NODE || rr.tr.data_size != sizeof(obj) ||
	    rr.tr.offsets_size != sizeof(binder_size_t))
		return -EBADMSG;
	memcpy(&obj, (const void *)(uintptr_t)rr.tr.data.ptr.buffer,
	       sizeof(obj));
	if (obj.hdr.type != BINDER_TYPE_HANDLE || !obj.handle)
		return -EBADMSG;
	*handle = obj.handle;
	return 0;
}

static void bc_hit(struct binder_cmds *c, __u32 handle, struct hit *h)
{
	struct binder_transaction_data tr;

	tr = binder_txn(handle, CODE_HIT, TF_ONE_WAY, h, sizeof(*h));
	bc_transaction(c, BC_TRANSACTION, &tr);
}

/* self->cmds must be exactly the commands given. */
#define ASSERT_COLLECTED(...) do {					\
	const __u32 __want[] = { __VA_ARGS__ };				\
	ASSERT_TRUE(binder_cmds_eq(self->cmds, self->ncmds, __want,	\
				   ARRAY_SIZE(__want)))			\
		TH_LOG("got [%s]", binder_cmds_str(self->cmds, self->ncmds)); \
} while (0)

/*
 * The deterministic cases, in one write each: a call through handle h0,
 * the buffer that brought h0 (its only reference) freed, a second call
 * through h0; and for h1 the free first, then the call. The first call
 * reaches the node (BR_TRANSACTION_COMPLETE), the others are refused
 * (BR_FAILED_REPLY, -EINVAL: no such handle). D reads the one call on
 * the right node, and once it freed it has no node left and reads no
 * node work.
 */
TEST_F(race, call_through_a_handle_whose_last_reference_goes)
{
	struct hit h = { .iter = 0, .ptr = D_PTR(0) };
	binder_uintptr_t buf;
	struct binder_cmds c;
	__u32 handle;

	ASSERT_EQ(0, d_do(self, D_SEND, 0, 2, 0));
	ASSERT_EQ(2, self->rep.sent);

	ASSERT_EQ(0, p_next_node(self, &handle, &buf));
	bc_init(&c);
	bc_hit(&c, handle, &h);
	bc_free_buffer(&c, buf);
	bc_hit(&c, handle, &h);
	ASSERT_EQ(0, write_collect(self->dev.fd, &c, self->cmds, &self->ncmds,
				   ARRAY_SIZE(self->cmds)));
	ASSERT_COLLECTED(BR_TRANSACTION_COMPLETE, BR_FAILED_REPLY);
	EXPECT_EXT_ERROR(self->dev.fd, BR_FAILED_REPLY, -EINVAL);

	ASSERT_EQ(0, p_next_node(self, &handle, &buf));
	h.iter = 1;
	h.ptr = D_PTR(1);
	bc_init(&c);
	bc_free_buffer(&c, buf);
	bc_hit(&c, handle, &h);
	ASSERT_EQ(0, write_collect(self->dev.fd, &c, self->cmds, &self->ncmds,
				   ARRAY_SIZE(self->cmds)));
	ASSERT_COLLECTED(BR_FAILED_REPLY);
	EXPECT_EXT_ERROR(self->dev.fd, BR_FAILED_REPLY, -EINVAL);

	ASSERT_EQ(0, d_do(self, D_FINISH, 0, 0, 1));
	EXPECT_EQ(1, self->rep.received);
	EXPECT_EQ(0, self->rep.bad);
	EXPECT_EQ(0, self->rep.other)
		TH_LOG("R read %s", binder_br_name(self->rep.other_cmd));
	EXPECT_EQ(2, self->rep.completes);
	EXPECT_EQ(0, self->rep.node_cmds);
	EXPECT_EQ(0, self->rep.extra)
		TH_LOG("S read %s", binder_br_name(self->rep.extra_cmd));
	EXPECT_EQ(0, self->rep.left_node);
}

#define RACE_ITERS	2000
#define RACE_BATCH	50
#define RACE_HITS	4	/* calls per iteration at most */

/* Thread A's side of the race, and what it saw. */
struct race {
	struct binder_dev *dev;
	pthread_barrier_t start, end;
	bool quit;
	__u32 iter, handle;
	binder_uintptr_t ptr;
	unsigned int calls, hits, refused;
	unsigned int bad;	/* an end but BR_TRANSACTION_COMPLETE/_REPLY */
	__u32 bad_cmd;
	int bad_ret;
	atomic_llong call_ns;	/* A's first call of an iteration, on average */
};

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void *race_a(void *arg)
{
	struct race *rc = arg;
	struct binder_dev dev = *rc->dev;
	struct binder_transaction_data tr;
	struct binder_result res;
	long long t0, avg;
	struct hit h;
	int k, ret;

	dev.handler = NULL;	/* A never serves: a call reaching it is -EPROTO */
	for (;;) {
		pthread_barrier_wait(&rc->start);
		if (rc->quit)
			break;
		h.iter = rc->iter;
		h.pad = 0;
		h.ptr = rc->ptr;
		for (k = 0; k < RACE_HITS; k++) {
			tr = binder_txn(rc->handle, CODE_HIT, TF_ONE_WAY, &h,
					sizeof(h));
			t0 = now_ns();
			ret = binder_call_tr(&dev, &tr, BC_TRANSACTION, &res,
					     EVENT_MS);
			if (!k) {
				avg = atomic_load(&rc->call_ns);
				avg = avg ? (avg * 7 + now_ns() - t0) / 8 :
					    now_ns() - t0;
				atomic_store(&rc->call_ns, avg);
			}
			rc->calls++;
			if (ret) {
				rc->bad++;
				rc->bad_ret = ret;
				break;
			}
			if (res.cmd == BR_TRANSACTION_COMPLETE && res.nseen == 1) {
				rc->hits++;
				continue;
			}
			if ((res.cmd == BR_FAILED_REPLY ||
			     res.cmd == BR_DEAD_REPLY) && res.nseen == 1) {
				rc->refused++;
			} else {
				rc->bad++;
				rc->bad_cmd = res.cmd;
			}
			break;
		}
		pthread_barrier_wait(&rc->end);
	}
	return NULL;
}

/*
 * The race: each of 2000 iterations, D sends P a new binder; P's thread
 * A calls the handle (one-way, up to four times, until refused) while
 * P's thread B (this one) frees the buffer that brought it, at a point
 * spread over the time such a call takes; every other iteration B holds
 * the handle with BC_INCREFS/BC_ACQUIRE first and drops those right
 * after the free, in the same write. Every call must end with BR_TRANSACTION_COMPLETE or be
 * refused (BR_FAILED_REPLY, BR_DEAD_REPLY); D must read every call that
 * completed, each on the node named in it; and D, which never read its
 * node work, must read none at the end (the work of a node is withdrawn
 * when it goes) and have no node left.
 */
TEST_F_TIMEOUT(race, calls_race_the_free_of_the_handles_buffer, 600)
{
	struct race rc = { .dev = &self->dev };
	long long start = binder_now_ms();
	long long at, span;
	binder_uintptr_t buf;
	struct binder_cmds c;
	unsigned int jitter = 1;
	pthread_t a;
	__u32 i, h;

	ASSERT_EQ(0, pthread_barrier_init(&rc.start, NULL, 2));
	ASSERT_EQ(0, pthread_barrier_init(&rc.end, NULL, 2));
	ASSERT_EQ(0, pthread_create(&a, NULL, race_a, &rc));
	for (i = 0; i < RACE_ITERS; i++) {
		bool hold = i & 1;

		if (i % RACE_BATCH == 0) {
			ASSERT_EQ(0, d_do(self, D_SEND, i, RACE_BATCH, 0));
			ASSERT_EQ(RACE_BATCH, self->rep.sent);
		}
		ASSERT_EQ(0, p_next_node(self, &h, &buf))
			TH_LOG("iteration %u", i);
		if (hold) {
			bc_init(&c);
			bc_handle(&c, BC_INCREFS, h);
			bc_handle(&c, BC_ACQUIRE, h);
			ASSERT_EQ(0, bc_send(self->dev.fd, &c));
		}
		rc.iter = i;
		rc.handle = h;
		rc.ptr = D_PTR(i);
		bc_init(&c);
		bc_free_buffer(&c, buf);
		if (hold) {
			bc_handle(&c, BC_RELEASE, h);
			bc_handle(&c, BC_DECREFS, h);
		}
		/*
		 * The free lands anywhere in A's first call (as long as
		 * such a call takes here), where the handle is looked up and
		 * the node referenced.
		 */
		jitter = jitter * 1103515245u + 12345u;
		span = atomic_load(&rc.call_ns);
		pthread_barrier_wait(&rc.start);
		at = now_ns() + (span > 0 ? (long long)(jitter >> 4) % span : 0);
		while (now_ns() < at)
			;
		ASSERT_EQ(0, bc_send(self->dev.fd, &c))
			TH_LOG("iteration %u", i);
		pthread_barrier_wait(&rc.end);
	}
	rc.quit = true;
	pthread_barrier_wait(&rc.start);
	pthread_join(a, NULL);
	ksft_print_msg("%u iterations in %lld ms: %u calls, %u delivered, %u refused\n",
		       RACE_ITERS, binder_now_ms() - start, rc.calls, rc.hits,
		       rc.refused);
	fflush(stdout);
	EXPECT_EQ(0, rc.bad)
		TH_LOG("a call ended with %s (%d)", binder_br_name(rc.bad_cmd),
		       rc.bad_ret);

	ASSERT_EQ(0, d_do(self, D_FINISH, 0, 0, rc.hits));
	EXPECT_EQ(rc.hits, self->rep.received);
	EXPECT_EQ(0, self->rep.bad);
	EXPECT_EQ(0, self->rep.other)
		TH_LOG("R read %s", binder_br_name(self->rep.other_cmd));
	EXPECT_EQ(RACE_ITERS, self->rep.completes);
	EXPECT_EQ(0, self->rep.node_cmds);
	EXPECT_EQ(0, self->rep.extra)
		TH_LOG("S read %s", binder_br_name(self->rep.extra_cmd));
	EXPECT_EQ(0, self->rep.left_node);
}

/* --- items 2, 7, 8: fd arrays ------------------------------------------ */

/*
 * S, a forked puppet, sends fd arrays to T (this process, a context
 * manager whose node accepts fds): a parent buffer (BINDER_TYPE_PTR) of
 * nslots u32 slots, each holding S's memfd, then the parts requested, in
 * order: fd arrays (BINDER_TYPE_FDA) and child buffers (BINDER_TYPE_PTR
 * with BINDER_BUFFER_FLAG_HAS_PARENT), each at its offset in the parent.
 */
#define MAX_SLOTS	128
#define MAX_PARTS	4

enum { PART_FDA = 1, PART_CHILD };
enum { S_SEND = 1, S_CLOSE, S_QUIT };

struct s_part {
	__u32 type;
	__u32 parent_offset;
	__u32 num_fds;
	__u32 pad;
};

struct s_req {
	__u32 op;
	__u32 code;
	__u32 flags;		/* TF_ONE_WAY */
	__u32 nslots;		/* 0: a call without objects */
	__u32 nparts;
	__u32 pad;
	struct s_part part[MAX_PARTS];
};

struct s_report {
	__s32 ret;
	__u32 cmd;		/* how S_SEND's call ended */
	__s32 status;		/* BR_REPLY: T's __s32 */
	__s32 memfd;		/* S's file */
	struct binder_extended_error ee;
	__u32 nseen;
	__u32 seen[8];
};

struct s_msg {
	__u32 code;
	__u32 pad;
	struct binder_buffer_object parent;
	union {
		struct binder_fd_array_object fda;
		struct binder_buffer_object child;
	} part[MAX_PARTS];
};

struct s_state {
	struct binder_dev dev;
	int memfd;
};

static char s_child_data[MAX_PARTS][8];

static int s_send(struct s_state *s, const struct s_req *req,
		  struct s_report *rep)
{
	binder_size_t offs[1 + MAX_PARTS], sg = 0;
	struct binder_transaction_data tr;
	__u32 slots[MAX_SLOTS];
	struct binder_result res;
	size_t i, n = 0, size;
	struct s_msg m;
	int ret;

	if (req->nslots > MAX_SLOTS || req->nparts > MAX_PARTS ||
	    (req->nparts && !req->nslots))
		return -EINVAL;
	memset(&m, 0, sizeof(m));
	m.code = req->code;
	size = offsetof(struct s_msg, parent);
	if (req->nslots) {
		for (i = 0; i < req->nslots; i++)
			slots[i] = s->memfd;
		m.parent.hdr.type = BINDER_TYPE_PTR;
		m.parent.buffer = (uintptr_t)slots;
		m.parent.length = req->nslots * sizeof(__u32);
		offs[n++] = offsetof(struct s_msg, parent);
		size = offsetof(struct s_msg, part);
		sg = ALIGN8(m.parent.length);
	}
	for (i = 0; i < req->nparts; i++) {
		const struct s_part *p = &req->part[i];

		if (p->type == PART_FDA) {
			struct binder_fd_array_object *fda = &m.part[i].fda;

			fda->hdr.type = BINDER_TYPE_FDA;
			fda->num_fds = p->num_fds;
			fda->parent = 0;
			fda->parent_offset = p->parent_offset;
		} else {
			struct binder_buffer_object *b = &m.part[i].child;

			b->hdr.type = BINDER_TYPE_PTR;
			b->flags = BINDER_BUFFER_FLAG_HAS_PARENT;
			b->buffer = (uintptr_t)s_child_data[i];
			b->length = sizeof(s_child_data[i]);
			b->parent = 0;
			b->parent_offset = p->parent_offset;
			sg += ALIGN8(b->length);
		}
		offs[n++] = offsetof(struct s_msg, part) + i * sizeof(m.part[0]);
		size = offsetof(struct s_msg, part) + (i + 1) * sizeof(m.part[0]);
	}
	tr = binder_txn(0, req->code, req->flags, &m, size);
	binder_txn_offsets(&tr, offs, n);
	if (sg)
		ret = binder_call_sg(&s->dev, &tr, sg, &res, BINDER_WAIT_MS);
	else
		ret = binder_call_tr(&s->dev, &tr, BC_TRANSACTION, &res,
				     BINDER_WAIT_MS);
	if (ret)
		return ret;
	rep->cmd = res.cmd;
	rep->nseen = res.nseen < ARRAY_SIZE(rep->seen) ? res.nseen :
			ARRAY_SIZE(rep->seen);
	memcpy(rep->seen, res.seen, rep->nseen * sizeof(rep->seen[0]));
	if (res.cmd == BR_REPLY) {
		if (res.tr.data_size == sizeof(rep->status))
			memcpy(&rep->status,
			       (const void *)(uintptr_t)res.tr.data.ptr.buffer,
			       sizeof(rep->status));
		ret = binder_free_buffer(&s->dev, res.tr.data.ptr.buffer);
	}
	if (!ret)
		ret = binder_get_extended_error(s->dev.fd, &rep->ee);
	return ret;
}

static bool s_handle(void *ctx, void *reqp, void *repp)
{
	struct s_state *s = ctx;
	struct s_req *req = reqp;
	struct s_report *rep = repp;

	rep->memfd = s->memfd;
	switch (req->op) {
	case S_SEND:
		rep->ret = s_send(s, req, rep);
		break;
	case S_CLOSE:
		rep->ret = close(s->memfd) ? -errno : 0;
		s->memfd = -1;
		break;
	case S_QUIT:
		return false;
	default:
		rep->ret = -EINVAL;
	}
	return true;
}

static int s_main(void *arg)
{
	static struct s_state s;
	struct s_report rep;
	struct s_req req;
	int ret;

	ret = binder_open_dev(&s.dev, ipckit_test_device, 0);
	s.memfd = binder_memfd("lifetime_test", "lifetime_test file");
	if (!ret && s.memfd < 0)
		ret = s.memfd;
	return binder_puppet_run(ret, &req, sizeof(req), &rep, sizeof(rep),
				 s_handle, &s);
}

/* The fds of the fd arrays of a call T read, as T's copy holds them. */
struct t_fds {
	unsigned int n;
	int fd[MAX_SLOTS];
};

static void t_fds(const struct binder_dev *dev,
		  const struct binder_transaction_data *tr, struct t_fds *f)
{
	const char *data = (const void *)(uintptr_t)tr->data.ptr.buffer;
	const binder_size_t *offs = (const void *)(uintptr_t)tr->data.ptr.offsets;
	size_t i, j, n = tr->offsets_size / sizeof(*offs);

	f->n = 0;
	for (i = 0; i < n; i++) {
		struct binder_fd_array_object fda;
		struct binder_buffer_object parent;
		binder_uintptr_t base;
		__u32 fd;

		if (offs[i] > tr->data_size ||
		    tr->data_size - offs[i] < sizeof(fda))
			continue;
		memcpy(&fda, data + offs[i], sizeof(fda));
		if (fda.hdr.type != BINDER_TYPE_FDA || fda.parent >= n ||
		    offs[fda.parent] > tr->data_size ||
		    tr->data_size - offs[fda.parent] < sizeof(parent))
			continue;
		memcpy(&parent, data + offs[fda.parent], sizeof(parent));
		base = parent.buffer + fda.parent_offset;
		if (fda.num_fds > MAX_SLOTS ||
		    !in_area(dev, base, fda.num_fds * sizeof(fd)))
			continue;
		for (j = 0; j < fda.num_fds && f->n < MAX_SLOTS; j++) {
			memcpy(&fd, (const void *)(uintptr_t)(base + j * sizeof(fd)),
			       sizeof(fd));
			f->fd[f->n++] = fd;
		}
	}
}

FIXTURE(fds) {
	struct binder_dev dev;
	struct binder_child s;
	struct s_report rep;
	/* calls that reached T while it waited for S (t_serve_until_report) */
	unsigned int served, served_fds, served_open;
};

FIXTURE_SETUP(fds)
{
	ASSERT_EQ(0, binder_child_start(&self->s, s_main, NULL));
	ASSERT_EQ(0, binder_child_wait_ready(&self->s, BINDER_WAIT_MS));
	ASSERT_EQ(0, binder_open_dev(&self->dev, ipckit_test_device, 0));
	ASSERT_EQ(0, become_fd_manager(self->dev.fd));
	ASSERT_EQ(0, binder_cmd(self->dev.fd, BC_ENTER_LOOPER));
}

FIXTURE_TEARDOWN(fds)
{
	binder_child_kill(&self->s);
	binder_close_dev(&self->dev);
}

static int s_go(FIXTURE_DATA(fds) *self, const struct s_req *req)
{
	memset(&self->rep, 0, sizeof(self->rep));
	return binder_child_go(&self->s, req, sizeof(*req));
}

static int s_result(FIXTURE_DATA(fds) *self)
{
	int ret = binder_child_recv(&self->s, &self->rep, sizeof(self->rep),
				    PUPPET_MS);

	return ret ? ret : self->rep.ret;
}

/*
 * Wait for S's report on the call it was told to make, serving whatever
 * reaches T meanwhile: the fds of its fd arrays counted (and how many of
 * them are open), its buffer freed (which closes them), a sync call
 * answered with 0.
 */
static int t_serve_until_report(FIXTURE_DATA(fds) *self)
{
	long long deadline = binder_now_ms() + PUPPET_MS;
	struct binder_read_result rr;
	struct t_fds f;
	__s32 status = 0;
	unsigned int i;
	int ret;

	while (binder_now_ms() < deadline) {
		ret = binder_child_recv(&self->s, &self->rep, sizeof(self->rep),
					50);
		if (ret != -ETIMEDOUT)
			return ret ? ret : self->rep.ret;
		ret = binder_read_one(&self->dev, &rr, 50);
		if (ret == -ETIMEDOUT)
			continue;
		if (ret)
			return ret;
		if (!rr.has_tr || rr.cmds[rr.ncmds - 1] != BR_TRANSACTION)
			continue;
		t_fds(&self->dev, &rr.tr, &f);
		self->served++;
		self->served_fds += f.n;
		for (i = 0; i < f.n; i++)
			self->served_open += binder_fd_is_open(f.fd[i]);
		ret = binder_reply(&self->dev, &rr.tr, 0, &status,
				   sizeof(status));
		/* Our reply's BR_TRANSACTION_COMPLETE, so no read finds it later. */
		if (!ret && !(rr.tr.flags & TF_ONE_WAY))
			ret = read_complete(&self->dev);
		if (ret)
			return ret;
	}
	return -ETIMEDOUT;
}

/* POSIX locks of pid in /proc/locks (reading all of it). */
static int posix_locks_of(pid_t pid)
{
	char line[256], kind[16];
	FILE *f = fopen("/proc/locks", "r");
	int n = 0, lpid;

	if (!f)
		return -errno;
	/* "1: POSIX  ADVISORY  WRITE 1234 00:01:5678 0 EOF"; "->" waiters */
	while (fgets(line, sizeof(line), f))
		if (!strstr(line, "->") &&
		    sscanf(line, "%*d: %15s %*s %*s %d", kind, &lpid) == 2 &&
		    !strcmp(kind, "POSIX") && lpid == pid)
			n++;
	fclose(f);
	return n;
}

/*
 * item 2: T takes a POSIX lock (F_SETLK) on an fd it got in an fd array
 * and answers, keeping the buffer; BC_FREE_BUFFER closes the fd, and
 * with it goes the lock (close(2) drops the closer's POSIX locks on the
 * file), while S still has the file open. After S closes it (the last
 * reference) /proc/locks still reads, and lists no lock of T's.
 */
TEST_F(fds, fd_array_free_drops_the_receivers_posix_locks)
{
	struct s_req req = {
		.op = S_SEND, .code = 1, .nslots = 2, .nparts = 1,
		.part = { { PART_FDA, 0, 1, 0 } },
	};
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
	struct binder_transaction_data reply = { };
	struct binder_read_result rr;
	struct binder_cmds c;
	struct t_fds f;
	int fd, left;

	ASSERT_EQ(0, s_go(self, &req));
	ASSERT_EQ(0, binder_read_call(&self->dev, &rr, EVENT_MS));
	t_fds(&self->dev, &rr.tr, &f);
	ASSERT_EQ(1, f.n);
	fd = f.fd[0];
	ASSERT_TRUE(binder_fd_is_open(fd));
	ASSERT_EQ(0, fcntl(fd, F_SETLK, &fl))
		TH_LOG("F_SETLK: %s", strerror(errno));
	ASSERT_EQ(1, posix_locks_of(getpid()));

	/* The reply alone: the buffer, and so the fd, stay. */
	bc_init(&c);
	bc_transaction(&c, BC_REPLY, &reply);
	ASSERT_EQ(0, bc_send(self->dev.fd, &c));
	ASSERT_EQ(0, read_complete(&self->dev));
	ASSERT_EQ(0, s_result(self));
	EXPECT_EQ(BR_REPLY, self->rep.cmd);
	EXPECT_TRUE(binder_fd_is_open(fd));
	EXPECT_EQ(1, posix_locks_of(getpid()));

	ASSERT_EQ(0, binder_free_buffer(&self->dev, rr.tr.data.ptr.buffer));
	EXPECT_FALSE(binder_fd_is_open(fd));
	left = posix_locks_of(getpid());
	EXPECT_EQ(0, left);
	if (left > 0) {
		/*
		 * The driver closed the fd without dropping our lock: once S
		 * closes the file, the lock would dangle in /proc/locks (the
		 * use-after-free of the issue, which could take the VM down).
		 * Drop it through an open of our own on S's file, whose close
		 * removes our POSIX locks on it.
		 */
		char path[64];
		int mine;

		snprintf(path, sizeof(path), "/proc/%d/fd/%d", self->s.pid,
			 self->rep.memfd);
		mine = open(path, O_RDWR);
		if (mine >= 0)
			close(mine);
		TH_LOG("lock left after the free; dropped it: %s",
		       mine >= 0 ? "yes" : strerror(errno));
	}

	req.op = S_CLOSE;
	ASSERT_EQ(0, s_go(self, &req));
	ASSERT_EQ(0, s_result(self));
	EXPECT_EQ(0, posix_locks_of(getpid()));
}

/*
 * item 7: with RLIMIT_NOFILE at 64, T cannot take a one-way call's 100
 * fds: the call is dropped when T reads, silently, the fds it reserved
 * given back. The node's one-way calls go on: of four (100 fds, none,
 * 100 fds, none) T reads the two without fds, in order, and nothing
 * else; T has as many fds open as before.
 */
TEST_F(fds, oneway_fd_failure_does_not_stall_the_nodes_queue)
{
	static const __u32 nfds[] = { 100, 0, 100, 0 };
	struct rlimit rl = { .rlim_cur = 64, .rlim_max = 64 };
	struct binder_read_result rr;
	struct s_req req;
	unsigned int i;
	int before;

	before = count_fds();
	ASSERT_LT(0, before);
	ASSERT_LT(before + 8, 64);
	ASSERT_EQ(0, setrlimit(RLIMIT_NOFILE, &rl));
	for (i = 0; i < ARRAY_SIZE(nfds); i++) {
		memset(&req, 0, sizeof(req));
		req.op = S_SEND;
		req.code = i + 1;
		req.flags = TF_ONE_WAY;
		req.nslots = nfds[i];
		req.nparts = nfds[i] ? 1 : 0;
		req.part[0].type = PART_FDA;
		req.part[0].num_fds = nfds[i];
		ASSERT_EQ(0, s_go(self, &req));
		ASSERT_EQ(0, s_result(self));
		EXPECT_EQ(BR_TRANSACTION_COMPLETE, self->rep.cmd)
			TH_LOG("call %u: %s", i + 1,
			       binder_br_name(self->rep.cmd));
	}
	for (i = 0; i < ARRAY_SIZE(nfds); i++) {
		if (nfds[i])
			continue;
		ASSERT_EQ(0, binder_read_call(&self->dev, &rr, EVENT_MS))
			TH_LOG("call %u never came", i + 1);
		EXPECT_EQ(i + 1, rr.tr.code);
		EXPECT_TRUE(rr.tr.flags & TF_ONE_WAY);
		EXPECT_EQ(0, rr.tr.offsets_size);
		ASSERT_EQ(0, binder_free_buffer(&self->dev,
						rr.tr.data.ptr.buffer));
	}
	EXPECT_EQ(-ETIMEDOUT, binder_read_one(&self->dev, &rr, QUIET_MS))
		TH_LOG("then read [%s]", binder_cmds_str(rr.cmds, rr.ncmds));
	EXPECT_EQ(before, count_fds());
}

/*
 * item 8: fix-ups into one parent buffer (8 slots, 32 bytes) out of
 * order or overlapping are refused (BR_FAILED_REPLY, -EINVAL) and reach
 * no one; in order they go through. T's open fds are as before either
 * way (a delivered call's fds are closed when T frees its buffer).
 */
TEST_F(fds, out_of_order_fixups_are_refused)
{
	static const struct {
		const char *what;
		bool ok;
		unsigned int nfds;	/* fds T gets when ok */
		__u32 nparts;
		struct s_part part[MAX_PARTS];
	} cases[] = {
		{ "fd array below the previous one", false, 0, 2,
		  { { PART_FDA, 16, 2, 0 }, { PART_FDA, 0, 2, 0 } } },
		{ "overlapping fd arrays", false, 0, 2,
		  { { PART_FDA, 0, 2, 0 }, { PART_FDA, 4, 2, 0 } } },
		{ "the same fd array twice", false, 0, 2,
		  { { PART_FDA, 0, 2, 0 }, { PART_FDA, 0, 2, 0 } } },
		{ "fd array below a child pointer", false, 0, 2,
		  { { PART_CHILD, 16, 0, 0 }, { PART_FDA, 0, 2, 0 } } },
		{ "child pointers out of order", false, 0, 2,
		  { { PART_CHILD, 16, 0, 0 }, { PART_CHILD, 0, 0, 0 } } },
		{ "child pointer inside an fd array", false, 0, 2,
		  { { PART_FDA, 0, 4, 0 }, { PART_CHILD, 8, 0, 0 } } },
		{ "fd arrays in order", true, 4, 2,
		  { { PART_FDA, 0, 2, 0 }, { PART_FDA, 8, 2, 0 } } },
		{ "fd array, then a child pointer after it", true, 2, 2,
		  { { PART_FDA, 0, 2, 0 }, { PART_CHILD, 8, 0, 0 } } },
		{ "child pointer, then an fd array after it", true, 2, 2,
		  { { PART_CHILD, 0, 0, 0 }, { PART_FDA, 8, 2, 0 } } },
	};
	struct binder_read_result rr;
	struct s_req req;
	unsigned int i;
	int before;

	before = count_fds();
	ASSERT_LT(0, before);
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		memset(&req, 0, sizeof(req));
		req.op = S_SEND;
		req.code = i + 1;
		req.nslots = 8;
		req.nparts = cases[i].nparts;
		memcpy(req.part, cases[i].part, sizeof(req.part));
		self->served = 0;
		self->served_fds = 0;
		self->served_open = 0;
		ASSERT_EQ(0, s_go(self, &req));
		ASSERT_EQ(0, t_serve_until_report(self)) TH_LOG("%s", cases[i].what);
		if (cases[i].ok) {
			EXPECT_EQ(BR_REPLY, self->rep.cmd)
				TH_LOG("%s: %s", cases[i].what,
				       binder_br_name(self->rep.cmd));
			EXPECT_EQ(1, self->served) TH_LOG("%s", cases[i].what);
			EXPECT_EQ(cases[i].nfds, self->served_fds)
				TH_LOG("%s", cases[i].what);
			EXPECT_EQ(cases[i].nfds, self->served_open)
				TH_LOG("%s", cases[i].what);
		} else {
			EXPECT_EQ(BR_FAILED_REPLY, self->rep.cmd)
				TH_LOG("%s: %s", cases[i].what,
				       binder_br_name(self->rep.cmd));
			EXPECT_EQ(1, self->rep.nseen) TH_LOG("%s", cases[i].what);
			EXPECT_EQ(BR_FAILED_REPLY, self->rep.ee.command)
				TH_LOG("%s", cases[i].what);
			EXPECT_EQ(-EINVAL, self->rep.ee.param)
				TH_LOG("%s", cases[i].what);
			EXPECT_EQ(0, self->served)
				TH_LOG("%s: delivered with %u fds", cases[i].what,
				       self->served_fds);
		}
		EXPECT_EQ(before, count_fds()) TH_LOG("after: %s", cases[i].what);
	}
	EXPECT_EQ(-ETIMEDOUT, binder_read_one(&self->dev, &rr, QUIET_MS))
		TH_LOG("then read [%s]", binder_cmds_str(rr.cmds, rr.ncmds));
}

/* --- item 3: a translation that fails midway --------------------------- */

/* ipckit's count of live nodes on the device (debugfs), or -1. */
static long ipckit_live_nodes(void)
{
	const char *dev = strrchr(ipckit_test_device, '/');
	long created = -1, deleted = -1, v;
	char path[128], line[128], key[64];
	FILE *f;

	if (!ipckit_test_is_ipckit)
		return -1;
	snprintf(path, sizeof(path), "/sys/kernel/debug/ipckit/%s/stats",
		 dev ? dev + 1 : ipckit_test_device);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%63s %ld", key, &v) != 2)
			continue;
		if (!strcmp(key, "node_created"))
			created = v;
		else if (!strcmp(key, "node_deleted"))
			deleted = v;
	}
	fclose(f);
	return created < 0 || deleted < 0 ? -1 : created - deleted;
}

#define X_PTR		0xa000
#define Y_PTR		0xb000

/*
 * A call carrying a BINDER_TYPE_BINDER (and maybe more) before an object
 * that fails to translate: BR_FAILED_REPLY alone, -EINVAL; the sender
 * reads nothing else (no BR_INCREFS/BR_ACQUIRE of the node, then or
 * later) and has no node. The receiver served none of it. On ipckit the
 * driver's own count of live nodes is back where it was.
 */
TEST(failed_translation_leaves_no_node)
{
	static const struct {
		const char *what;
		unsigned int n;
		struct flat_binder_object obj[3];
	} cases[] = {
		{ "binder, bad handle", 2,
		  { { .hdr.type = BINDER_TYPE_BINDER, .binder = X_PTR, .cookie = 1 },
		    { .hdr.type = BINDER_TYPE_HANDLE, .handle = 999 } } },
		{ "binder, weak binder, unknown type", 3,
		  { { .hdr.type = BINDER_TYPE_BINDER, .binder = X_PTR, .cookie = 1 },
		    { .hdr.type = BINDER_TYPE_WEAK_BINDER, .binder = Y_PTR, .cookie = 2 },
		    { .hdr.type = 0xdeadbeef } } },
		{ "weak binder, binder, the first again with another cookie", 3,
		  { { .hdr.type = BINDER_TYPE_WEAK_BINDER, .binder = X_PTR, .cookie = 1 },
		    { .hdr.type = BINDER_TYPE_BINDER, .binder = Y_PTR, .cookie = 2 },
		    { .hdr.type = BINDER_TYPE_BINDER, .binder = X_PTR, .cookie = 3 } } },
	};
	struct test_server_opts opts = { .device = ipckit_test_device };
	struct flat_binder_object data[3];
	struct test_sender_info info;
	struct binder_transaction_data tr;
	struct binder_read_result rr;
	binder_size_t offs[3];
	struct binder_result res;
	struct binder_child srv;
	struct binder_dev dev;
	unsigned int i, k;
	long live;

	ASSERT_EQ(0, test_server_start(&srv, &opts));
	ASSERT_EQ(0, binder_open_dev(&dev, ipckit_test_device, 0));
	ASSERT_EQ(0, binder_cmd(dev.fd, BC_ENTER_LOOPER));
	live = ipckit_live_nodes();

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		for (k = 0; k < cases[i].n; k++) {
			data[k] = cases[i].obj[k];
			offs[k] = k * sizeof(data[0]);
		}
		tr = binder_txn(0, TEST_CODE_ECHO, 0, data,
				cases[i].n * sizeof(data[0]));
		binder_txn_offsets(&tr, offs, cases[i].n);
		ASSERT_EQ(0, binder_call_tr(&dev, &tr, BC_TRANSACTION, &res,
					    BINDER_WAIT_MS))
			TH_LOG("%s", cases[i].what);
		EXPECT_CMDS(res.seen, res.nseen, BR_FAILED_REPLY);
		EXPECT_EXT_ERROR(dev.fd, BR_FAILED_REPLY, -EINVAL);
		EXPECT_EQ(0, first_node(dev.fd)) TH_LOG("%s", cases[i].what);
		if (res.cmd == BR_REPLY)
			binder_free_buffer(&dev, res.tr.data.ptr.buffer);
	}
	EXPECT_EQ(-ETIMEDOUT, binder_read_one(&dev, &rr, QUIET_MS))
		TH_LOG("then read [%s]", binder_cmds_str(rr.cmds, rr.ncmds));
	EXPECT_EQ(0, first_node(dev.fd));
	/* The server is fine, and served none of the above. */
	ASSERT_EQ(0, test_call_sender(&dev, 0, &info));
	if (live >= 0)
		EXPECT_EQ(live, ipckit_live_nodes());
	EXPECT_CHILD_OK(test_server_stop(&srv, &dev));
	binder_close_dev(&dev);
}

/* --- item 9: process work and a thread that leaves --------------------- */

/*
 * A second thread of this process enters the looper and reads with room
 * for nothing but BR_NOOP (4 bytes): woken by process work, it finds no
 * room for it and returns BR_NOOP alone; then it leaves
 * (BINDER_THREAD_EXIT). The work must still be there for the main thread.
 */
struct small_reader {
	pthread_t th;
	int fd;
	atomic_int tid;		/* set just before its read */
	int ret;		/* of the read */
	binder_size_t consumed;
	int exit_ret;		/* of BINDER_THREAD_EXIT */
};

static void *small_reader_main(void *arg)
{
	struct small_reader *sr = arg;
	struct binder_write_read bwr = { };
	__u32 buf[1];

	sr->ret = binder_cmd(sr->fd, BC_ENTER_LOOPER);
	if (sr->ret)
		return NULL;
	bwr.read_size = sizeof(buf);
	bwr.read_buffer = (uintptr_t)buf;
	atomic_store(&sr->tid, binder_gettid());
	sr->ret = binder_write_read(sr->fd, &bwr, 3 * EVENT_MS);
	sr->consumed = bwr.read_consumed;
	sr->exit_ret = binder_thread_exit(sr->fd);
	return NULL;
}

/* The state letter of one of our threads (/proc/self/task/<tid>/stat). */
static char thread_state(pid_t tid)
{
	char path[64], buf[256], *p;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/self/task/%d/stat", tid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = 0;
	p = strrchr(buf, ')');
	return p && p[1] == ' ' ? p[2] : 0;
}

/*
 * Start the reader and wait until it sleeps in its read, so that it is
 * the thread the work wakes (the reference passes however it goes).
 */
static int small_reader_start(struct small_reader *sr, int fd)
{
	long long deadline = binder_now_ms() + EVENT_MS;
	int tid;

	memset(sr, 0, sizeof(*sr));
	sr->fd = fd;
	if (pthread_create(&sr->th, NULL, small_reader_main, sr))
		return -EAGAIN;
	while (binder_now_ms() < deadline) {
		tid = atomic_load(&sr->tid);
		if (tid && thread_state(tid) == 'S')
			return 0;
		binder_sleep_ms(1);
	}
	return -ETIMEDOUT;
}

#define O_PTR		0x0b1ec7000ULL
#define O_COOKIE	0xc00c1e0bULL
#define DEATH_COOKIE	0xdead0000beefULL

/* O: registers its object with the manager (us), then dies when told. */
static int o_main(void *arg)
{
	struct flat_binder_object obj = {
		.hdr.type = BINDER_TYPE_BINDER,
		.binder = O_PTR,
		.cookie = O_COOKIE,
	};
	struct binder_transaction_data tr;
	struct binder_result res;
	binder_size_t off = 0;
	struct binder_dev dev;
	char go;
	int ret;

	if (binder_child_wait_go(&go, sizeof(go), PUPPET_MS))
		return 3;
	ret = binder_open_dev(&dev, ipckit_test_device, 0);
	if (!ret) {
		tr = binder_txn(0, 1, 0, &obj, sizeof(obj));
		binder_txn_offsets(&tr, &off, 1);
		/* Answers BR_INCREFS/BR_ACQUIRE as they come. */
		ret = binder_call_tr(&dev, &tr, BC_TRANSACTION, &res,
				     BINDER_WAIT_MS);
	}
	if (!ret && res.cmd != BR_REPLY)
		ret = -EPROTO;
	if (!ret)
		ret = binder_free_buffer(&dev, res.tr.data.ptr.buffer);
	binder_child_ready(ret);
	if (ret)
		return 2;
	binder_child_wait_go(&go, sizeof(go), PUPPET_MS);
	return 0;	/* dies: its node with it */
}

/*
 * O dies while our second thread waits for work with no room to read
 * any: the death notice wakes it, it reads BR_NOOP alone and leaves; the
 * main thread then reads BR_DEAD_BINDER with our cookie.
 */
TEST(death_notice_outlives_the_exit_of_the_thread_it_woke)
{
	struct binder_transaction_data reply = { };
	struct binder_event ev[8];
	struct binder_read_result rr;
	struct flat_binder_object obj;
	struct small_reader sr;
	struct binder_child o;
	struct binder_dev dev;
	struct binder_cmds c;
	char str[256], go = 1;
	size_t nev = 0;
	int reads;

	ASSERT_EQ(0, binder_child_start(&o, o_main, NULL));
	ASSERT_EQ(0, binder_open_dev(&dev, ipckit_test_device, 0));
	ASSERT_EQ(0, binder_become_context_mgr(dev.fd, NULL, 2000));
	ASSERT_EQ(0, binder_cmd(dev.fd, BC_ENTER_LOOPER));
	ASSERT_EQ(0, binder_child_go(&o, &go, sizeof(go)));
	ASSERT_EQ(0, binder_read_call(&dev, &rr, EVENT_MS));
	ASSERT_EQ(sizeof(obj), rr.tr.data_size);
	memcpy(&obj, (const void *)(uintptr_t)rr.tr.data.ptr.buffer,
	       sizeof(obj));
	ASSERT_EQ(BINDER_TYPE_HANDLE, obj.hdr.type);
	bc_init(&c);
	bc_handle(&c, BC_INCREFS, obj.handle);
	bc_handle(&c, BC_ACQUIRE, obj.handle);
	bc_handle_cookie(&c, BC_REQUEST_DEATH_NOTIFICATION, obj.handle,
			 DEATH_COOKIE);
	bc_free_buffer(&c, rr.tr.data.ptr.buffer);
	bc_transaction(&c, BC_REPLY, &reply);
	ASSERT_EQ(0, bc_send(dev.fd, &c));
	ASSERT_EQ(0, read_complete(&dev));
	ASSERT_EQ(0, binder_child_wait_ready(&o, BINDER_WAIT_MS));

	ASSERT_EQ(0, small_reader_start(&sr, dev.fd));
	ASSERT_EQ(0, binder_child_go(&o, &go, sizeof(go)));
	EXPECT_CHILD_OK(binder_child_finish(&o, BINDER_WAIT_MS));
	pthread_join(sr.th, NULL);
	EXPECT_EQ(0, sr.ret);
	EXPECT_EQ(BINDER_NOOP_SIZE, sr.consumed);
	EXPECT_EQ(0, sr.exit_ret);

	for (reads = 0; reads < 4 && !nev; reads++) {
		ASSERT_EQ(0, binder_read_one(&dev, &rr, EVENT_MS))
			TH_LOG("the death notice was lost");
		nev = br_events(rr.buf, rr.consumed, ev, ARRAY_SIZE(ev));
	}
	ASSERT_EQ(1, nev)
		TH_LOG("got [%s]", binder_events_str(ev, nev, str, sizeof(str)));
	EXPECT_EQ(BR_DEAD_BINDER, ev[0].cmd);
	EXPECT_EQ(DEATH_COOKIE, ev[0].cookie);
	bc_init(&c);
	bc_dead_binder_done(&c, DEATH_COOKIE);
	EXPECT_EQ(0, bc_send(dev.fd, &c));
	binder_close_dev(&dev);
}

/* M: the manager; keeps the buffer of the first call, frees it when told. */
enum { M_KEEP = 1, M_FREE, M_QUIT };

struct m_state {
	struct binder_dev dev;
	binder_uintptr_t kept;
};

static bool m_handle(void *ctx, void *reqp, void *repp)
{
	struct binder_transaction_data reply = { };
	struct binder_read_result rr;
	struct m_state *m = ctx;
	__u32 *op = reqp;
	__s32 *ret = repp;
	struct binder_cmds c;

	switch (*op) {
	case M_KEEP:
		*ret = binder_read_call(&m->dev, &rr, EVENT_MS);
		if (*ret)
			break;
		m->kept = rr.tr.data.ptr.buffer;
		bc_init(&c);
		bc_transaction(&c, BC_REPLY, &reply);
		*ret = bc_send(m->dev.fd, &c);
		if (!*ret)
			*ret = read_complete(&m->dev);
		break;
	case M_FREE:
		*ret = binder_free_buffer(&m->dev, m->kept);
		break;
	case M_QUIT:
		return false;
	default:
		*ret = -EINVAL;
	}
	return true;
}

static int m_main(void *arg)
{
	struct m_state m = { };
	__u32 op;
	__s32 rep;
	int ret;

	ret = binder_open_manager(&m.dev, ipckit_test_device, NULL, 2000);
	return binder_puppet_run(ret, &op, sizeof(op), &rep, sizeof(rep),
				 m_handle, &m);
}

static int m_do(struct binder_child *m, __u32 op)
{
	__s32 rep;
	int ret = binder_child_go(m, &op, sizeof(op));

	if (!ret)
		ret = binder_child_recv(m, &rep, sizeof(rep), PUPPET_MS);
	return ret ? ret : rep;
}

#define T_PTR		0x7000
#define T_COOKIE	0x7001

/*
 * The same with node work: M holds our node through the buffer of our
 * call, we answered BR_INCREFS/BR_ACQUIRE. M frees it while our second
 * thread waits with no room: it reads BR_NOOP alone and leaves; the main
 * thread reads BR_RELEASE and BR_DECREFS of the node.
 */
TEST(node_release_outlives_the_exit_of_the_thread_it_woke)
{
	struct flat_binder_object obj = {
		.hdr.type = BINDER_TYPE_BINDER,
		.binder = T_PTR,
		.cookie = T_COOKIE,
	};
	struct binder_event ev[8], want[2] = {
		{ .cmd = BR_RELEASE, .ptr = T_PTR, .cookie = T_COOKIE },
		{ .cmd = BR_DECREFS, .ptr = T_PTR, .cookie = T_COOKIE },
	};
	struct binder_transaction_data tr;
	struct binder_read_result rr;
	struct binder_result res;
	struct small_reader sr;
	binder_size_t off = 0;
	struct binder_child m;
	struct binder_dev dev;
	char str[256];
	size_t nev = 0;
	__s32 mrep;
	int reads;

	ASSERT_EQ(0, binder_child_start(&m, m_main, NULL));
	ASSERT_EQ(0, binder_child_wait_ready(&m, BINDER_WAIT_MS));
	ASSERT_EQ(0, binder_open_dev(&dev, ipckit_test_device, 0));
	ASSERT_EQ(0, binder_child_go(&m, &(__u32){ M_KEEP }, sizeof(__u32)));
	tr = binder_txn(0, 1, 0, &obj, sizeof(obj));
	binder_txn_offsets(&tr, &off, 1);
	ASSERT_EQ(0, binder_call_tr(&dev, &tr, BC_TRANSACTION, &res,
				    BINDER_WAIT_MS));
	ASSERT_EQ(BR_REPLY, res.cmd);
	EXPECT_TRUE(binder_result_saw(&res, BR_INCREFS));
	EXPECT_TRUE(binder_result_saw(&res, BR_ACQUIRE));
	ASSERT_EQ(0, binder_free_buffer(&dev, res.tr.data.ptr.buffer));
	ASSERT_EQ(0, binder_child_recv(&m, &mrep, sizeof(mrep), PUPPET_MS));
	ASSERT_EQ(0, mrep);
	ASSERT_EQ(0, binder_cmd(dev.fd, BC_ENTER_LOOPER));

	ASSERT_EQ(0, small_reader_start(&sr, dev.fd));
	ASSERT_EQ(0, m_do(&m, M_FREE));
	pthread_join(sr.th, NULL);
	EXPECT_EQ(0, sr.ret);
	EXPECT_EQ(BINDER_NOOP_SIZE, sr.consumed);
	EXPECT_EQ(0, sr.exit_ret);

	for (reads = 0; reads < 4 && nev < 2; reads++) {
		ASSERT_EQ(0, binder_read_one(&dev, &rr, EVENT_MS))
			TH_LOG("the node's work was lost, got [%s]",
			       binder_events_str(ev, nev, str, sizeof(str)));
		nev += br_events(rr.buf, rr.consumed, ev + nev,
				 ARRAY_SIZE(ev) - nev);
	}
	EXPECT_TRUE(binder_events_eq(ev, nev, want, ARRAY_SIZE(want)))
		TH_LOG("got [%s]", binder_events_str(ev, nev, str, sizeof(str)));
	binder_child_kill(&m);
	binder_close_dev(&dev);
}

/* --- item 10: the completion a failed call takes back ------------------ */

/*
 * From oneway_spam_test: with the usual mapping, a sender alone that
 * enabled detection gets BR_ONEWAY_SPAM_SUSPECT for its 26th one-way call
 * of 16 KiB that nobody reads.
 */
#define BIG		16384
#define BIG_SUSPECT	26

static char big[BIG];

static int enable_detection(int fd, __u32 enable)
{
	return binder_ioctl(fd, BINDER_ENABLE_ONEWAY_SPAM_DETECTION, &enable);
}

static int freeze(int fd, pid_t pid, __u32 enable)
{
	struct binder_freeze_info info = { .pid = pid, .enable = enable };

	return binder_ioctl(fd, BINDER_FREEZE, &info);
}

/*
 * T fills the idle manager's async space up to just before the suspect
 * call, then writes the suspect one-way call and a sync call that fails
 * (bad: an unknown object, else a plain call to the frozen manager) in
 * one write; its reads bring, after BR_NOOPs, exactly want.
 */
static void spam_then_fail(struct __test_metadata *_metadata, bool bad,
			   __u32 want_end)
{
	struct test_server_opts opts = {
		.device = ipckit_test_device, .idle = true,
	};
	struct flat_binder_object obj = { .hdr.type = 0xdeadbeef };
	binder_size_t off = 0;
	struct binder_transaction_data tr;
	struct binder_result res;
	struct binder_child srv;
	struct binder_dev dev;
	struct binder_cmds c;
	__u32 cmds[BINDER_MAX_SEEN];
	size_t n;
	int i;

	ASSERT_EQ(0, test_server_start(&srv, &opts));
	ASSERT_EQ(0, binder_open_dev(&dev, ipckit_test_device, 0));
	ASSERT_EQ(0, enable_detection(dev.fd, 1));
	if (!bad)
		ASSERT_EQ(0, freeze(dev.fd, srv.pid, 1));
	for (i = 1; i < BIG_SUSPECT; i++) {
		tr = binder_txn(0, 1, TF_ONE_WAY, big, sizeof(big));
		ASSERT_EQ(0, binder_call_tr(&dev, &tr, BC_TRANSACTION, &res,
					    BINDER_WAIT_MS));
		/* To a frozen target: 6.3's code (binder_util.h). */
		ASSERT_EQ(bad ? BR_TRANSACTION_COMPLETE :
			  binder_frozen_oneway_br(BR_TRANSACTION_COMPLETE), res.cmd)
			TH_LOG("call %d: %s", i, binder_br_name(res.cmd));
	}
	bc_init(&c);
	tr = binder_txn(0, 1, TF_ONE_WAY, big, sizeof(big));
	bc_transaction(&c, BC_TRANSACTION, &tr);
	if (bad) {
		tr = binder_txn(0, 2, 0, &obj, sizeof(obj));
		binder_txn_offsets(&tr, &off, 1);
	} else {
		tr = binder_txn(0, 2, 0, NULL, 0);
	}
	bc_transaction(&c, BC_TRANSACTION, &tr);
	ASSERT_EQ(0, write_collect(dev.fd, &c, cmds, &n, ARRAY_SIZE(cmds)));
	EXPECT_CMDS(cmds, n, bad ? BR_ONEWAY_SPAM_SUSPECT :
		    binder_frozen_oneway_br(BR_ONEWAY_SPAM_SUSPECT), want_end);
	EXPECT_EXT_ERROR(dev.fd, want_end, bad ? -EINVAL : 0);
	if (!bad)
		EXPECT_EQ(0, freeze(dev.fd, srv.pid, 0));
	binder_child_kill(&srv);
	binder_close_dev(&dev);
}

/*
 * A sync call refused for a frozen target has its own (deferred)
 * BR_TRANSACTION_COMPLETE queued when it fails: taking that back must
 * leave the BR_ONEWAY_SPAM_SUSPECT queued before it.
 */
TEST(spam_suspect_survives_a_call_refused_by_a_frozen_target)
{
	spam_then_fail(_metadata, false, BR_FROZEN_REPLY);
}

/* The same with a call that fails in translation, before any completion. */
TEST(spam_suspect_survives_a_failed_call_in_the_same_write)
{
	spam_then_fail(_metadata, true, BR_FAILED_REPLY);
}

IPCKIT_TEST_MAIN
