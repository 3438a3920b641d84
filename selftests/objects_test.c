// SPDX-License-Identifier: GPL-2.0
/*
 * Object translation: the binders, handles, file descriptors and buffers
 * a transaction carries, as the driver rewrites them for each receiver,
 * and the malformed offsets and objects it refuses.
 *
 * This process (A) is the context manager. Two forked peers, B and C,
 * register with it at start (a call to handle 0), each sending two
 * objects of its own: one that accepts fds (FLAT_BINDER_FLAG_ACCEPTS_FDS)
 * and one that does not. A then sends objects to a peer, which reports
 * them as the driver left them. Like libbinder, a peer holds a reference
 * (BC_INCREFS, and BC_ACQUIRE for a strong one) on every handle it
 * receives, so that its handle numbers outlive the buffer that brought
 * them.
 *
 * Handle numbers are per process: the tests only assert what the
 * reference guarantees of them (not 0 for anything but the context
 * manager, one number per object in a process, another for another
 * object), never the numbers themselves nor that two processes agree.
 *
 * The reference's extended errors for malformed offsets are not all
 * -EINVAL: it copies the data up to each object before it looks at the
 * object, and an offset past the data or below the end of the previous
 * object makes that copy fail first, -EFAULT.
 *
 * Every case runs on both drivers.
 */
#include <signal.h>
#include <stddef.h>

#include "ipckit_test.h"

#define MAX_OBJS	4
#define MAX_FDS		4
#define MSG_MAX		256
#define NPEERS		2
#define PB		0	/* peer B */
#define PC		1	/* peer C */
#define FDS		0	/* a peer's object that accepts fds */
#define NOFDS		1	/* ... and the one that does not */


enum {
	OP_REGISTER = 1,	/* peer -> A: its two objects; reply __s32 */
	OP_REPORT,		/* A -> peer: reply struct peer_report */
	OP_ECHO,		/* A -> peer: reply with the objects received */
	OP_RELAY,		/* A -> B: obj[0] on to the handle obj[1] */
	OP_BOUNCE,		/* B -> C: obj[0] back to its owner, A */
	OP_ARRIVED,		/* C -> A: through A's object; reply __s32 */
	OP_REPLY_FD,		/* A -> peer: reply with a file of the peer */
	OP_FDA_CHECK,		/* A -> peer: the last fd array's fds now */
	OP_QUIT,
};

/* Requests and OP_ECHO/OP_REPLY_FD replies: a header, then objects. */
struct msg {
	__u32 arg;
	__u32 pad;
	struct flat_binder_object obj[MAX_OBJS];
};

#define OBJ_OFF(i) \
	(offsetof(struct msg, obj) + (i) * sizeof(struct flat_binder_object))

/* What a peer received, as the driver left it. */
struct peer_report {
	binder_uintptr_t target_ptr;	/* the transaction's target.ptr */
	binder_uintptr_t cookie;	/* ... and cookie */
	binder_size_t offsets[MAX_OBJS];
	__s32 status;			/* 0, or what the peer found wrong */
	__u32 served;			/* calls it served, this one too */
	__u32 flags;
	__u32 data_size;
	__u32 offsets_size;
	/* Every fd received (FD objects, then FDA entries, in order). */
	__u32 nfds;
	__s32 fd_num[MAX_FDS];
	__s32 fd_flags[MAX_FDS];	/* F_GETFD, or -errno */
	char fd_text[MAX_FDS][16];	/* the file's first bytes */
	/* BINDER_TYPE_PTR objects, by index in the offsets. */
	__u32 ptr_inside[MAX_OBJS];	/* buffer within the peer's area */
	unsigned char ptr_data[MAX_OBJS][16];
	/* OP_RELAY/OP_BOUNCE: how the onward call went */
	__u32 next_cmd;			/* the BR_* it ended with */
	__s32 next_status;		/* 0, or what went wrong down there */
	unsigned char data[MSG_MAX];
	unsigned char next_data[MSG_MAX];	/* the next peer's data */
};

/* A's objects: their addresses are the binder pointers. */
static char obj_x, obj_y;
#define X_COOKIE	0xa0c00c1e0001ULL
#define Y_COOKIE	0xa0c00c1e0002ULL
/* The peers' objects (the same addresses in every peer). */
static char peer_obj[2];
#define PEER_PTR(k)		((binder_uintptr_t)(uintptr_t)&peer_obj[k])
#define PEER_COOKIE(id, k)	(0xb0c00c1e0000ULL + (id) * 16 + (k))

static struct flat_binder_object obj_binder(__u32 type, const void *ptr,
					    binder_uintptr_t cookie,
					    __u32 flags)
{
	struct flat_binder_object o = { .hdr.type = type, .flags = flags };

	o.binder = (uintptr_t)ptr;
	o.cookie = cookie;
	return o;
}

static struct flat_binder_object obj_handle(__u32 type, __u32 handle)
{
	struct flat_binder_object o = { .hdr.type = type };

	o.binder = 0;
	o.handle = handle;
	return o;
}

/* A binder_fd_object, in the flat_binder_object of the same layout. */
static struct flat_binder_object obj_fd(__u32 fd, binder_uintptr_t cookie)
{
	struct binder_fd_object f = { .hdr.type = BINDER_TYPE_FD };
	struct flat_binder_object o;

	_Static_assert(sizeof(f) == sizeof(o), "fd object layout");
	f.pad_binder = 0;
	f.fd = fd;
	f.cookie = cookie;
	memcpy(&o, &f, sizeof(o));
	return o;
}

static size_t msg_build(struct msg *m, binder_size_t *offs, __u32 arg,
			const struct flat_binder_object *objs, size_t n)
{
	size_t i;

	memset(m, 0, sizeof(*m));
	m->arg = arg;
	for (i = 0; i < n; i++) {
		m->obj[i] = objs[i];
		offs[i] = OBJ_OFF(i);
	}
	return OBJ_OFF(n);
}

/* The object at off of data (size bytes); type 0 if it is not there. */
static struct flat_binder_object obj_at(const void *data, size_t size,
					binder_size_t off)
{
	struct flat_binder_object o;

	memset(&o, 0, sizeof(o));
	if (size > MSG_MAX)
		size = MSG_MAX;
	if (off <= size && size - off >= sizeof(o))
		memcpy(&o, (const char *)data + off, sizeof(o));
	return o;
}

/* The i-th object a peer reported. */
static struct flat_binder_object rep_obj(const struct peer_report *rep,
					 size_t i)
{
	struct flat_binder_object o;

	if (i >= MAX_OBJS || i >= rep->offsets_size / sizeof(binder_size_t)) {
		memset(&o, 0, sizeof(o));
		return o;
	}
	return obj_at(rep->data, rep->data_size, rep->offsets[i]);
}

static int hold_handle(int fd, __u32 handle, bool strong)
{
	struct binder_cmds c;

	bc_init(&c);
	bc_cmd(&c, BC_INCREFS);
	bc_raw(&c, &handle, sizeof(handle));
	if (strong) {
		bc_cmd(&c, BC_ACQUIRE);
		bc_raw(&c, &handle, sizeof(handle));
	}
	return bc_send(fd, &c);
}

/* --- the peers ---------------------------------------------------------- */

struct peer {
	__u32 id;
	struct binder_dev dev;
	unsigned int served;
	unsigned int problems;
	int fda_fds[MAX_FDS];	/* the last fd array received */
	unsigned int nfda;
};

static bool in_area(const struct binder_dev *dev, binder_uintptr_t addr,
		    binder_size_t len)
{
	binder_uintptr_t map = (uintptr_t)dev->map;

	return addr >= map && len <= dev->map_size &&
	       addr - map <= dev->map_size - len;
}

static void peer_fd_facts(struct peer_report *rep, int fd, bool close_it)
{
	unsigned int i = rep->nfds;
	int flags;

	if (i >= MAX_FDS) {
		rep->status = -E2BIG;
		return;
	}
	rep->nfds++;
	rep->fd_num[i] = fd;
	flags = fcntl(fd, F_GETFD);
	rep->fd_flags[i] = flags < 0 ? -errno : flags;
	if (flags < 0)
		return;
	if (pread(fd, rep->fd_text[i], sizeof(rep->fd_text[i]) - 1, 0) < 0)
		rep->fd_text[i][0] = 0;
	if (close_it)
		close(fd);
}

static void peer_examine_fda(struct peer *p, struct peer_report *rep,
			     const unsigned char *data, size_t size,
			     const binder_size_t *offs, size_t n, size_t i)
{
	struct binder_fd_array_object fda;
	struct binder_buffer_object parent;
	binder_uintptr_t base;
	size_t j;
	__u32 fd;

	memcpy(&fda, data + offs[i], sizeof(fda));
	if (fda.parent >= n || offs[fda.parent] > size ||
	    size - offs[fda.parent] < sizeof(parent)) {
		rep->status = -EBADMSG;
		return;
	}
	memcpy(&parent, data + offs[fda.parent], sizeof(parent));
	base = parent.buffer + fda.parent_offset;
	if (fda.num_fds > MAX_FDS ||
	    !in_area(&p->dev, base, fda.num_fds * sizeof(fd))) {
		rep->status = -EBADMSG;
		return;
	}
	p->nfda = 0;
	for (j = 0; j < fda.num_fds; j++) {
		memcpy(&fd, (const void *)(uintptr_t)(base + j * sizeof(fd)),
		       sizeof(fd));
		p->fda_fds[p->nfda++] = fd;
		peer_fd_facts(rep, fd, false);	/* the driver closes them */
	}
}

/*
 * Describe tr in rep; hold a reference on each handle received, close
 * each fd received in an FD object after a look at it.
 */
static void peer_examine(struct peer *p,
			 const struct binder_transaction_data *tr,
			 struct peer_report *rep)
{
	const unsigned char *data = (const void *)(uintptr_t)tr->data.ptr.buffer;
	const binder_size_t *offs = (const void *)(uintptr_t)tr->data.ptr.offsets;
	size_t i, n = tr->offsets_size / sizeof(binder_size_t);
	size_t size = tr->data_size;

	memset(rep, 0, sizeof(*rep));
	rep->served = p->served;
	rep->target_ptr = tr->target.ptr;
	rep->cookie = tr->cookie;
	rep->flags = tr->flags;
	rep->data_size = tr->data_size;
	rep->offsets_size = tr->offsets_size;
	if (size > MSG_MAX || n > MAX_OBJS) {
		rep->status = -E2BIG;
		return;
	}
	memcpy(rep->data, data, size);
	memcpy(rep->offsets, offs, n * sizeof(*offs));
	for (i = 0; i < n; i++) {
		struct flat_binder_object fbo;
		struct binder_fd_object fdo;
		struct binder_buffer_object bbo;
		size_t left;
		__u32 type;

		if (offs[i] > size || size - offs[i] < sizeof(type)) {
			rep->status = -EBADMSG;
			continue;
		}
		left = size - offs[i];
		memcpy(&type, data + offs[i], sizeof(type));
		switch (type) {
		case BINDER_TYPE_HANDLE:
		case BINDER_TYPE_WEAK_HANDLE:
			if (left < sizeof(fbo))
				break;
			memcpy(&fbo, data + offs[i], sizeof(fbo));
			if (hold_handle(p->dev.fd, fbo.handle,
					type == BINDER_TYPE_HANDLE))
				rep->status = -EIO;
			break;
		case BINDER_TYPE_FD:
			if (left < sizeof(fdo))
				break;
			memcpy(&fdo, data + offs[i], sizeof(fdo));
			peer_fd_facts(rep, fdo.fd, true);
			break;
		case BINDER_TYPE_PTR:
			if (left < sizeof(bbo))
				break;
			memcpy(&bbo, data + offs[i], sizeof(bbo));
			if (!in_area(&p->dev, bbo.buffer, bbo.length))
				break;
			rep->ptr_inside[i] = 1;
			memcpy(rep->ptr_data[i],
			       (const void *)(uintptr_t)bbo.buffer,
			       bbo.length < 16 ? bbo.length : 16);
			break;
		case BINDER_TYPE_FDA:
			if (left >= sizeof(struct binder_fd_array_object))
				peer_examine_fda(p, rep, data, size, offs, n, i);
			break;
		}
	}
}

static int reply_status(struct binder_dev *dev,
			const struct binder_transaction_data *tr, __s32 status)
{
	return binder_reply(dev, tr, 0, &status, sizeof(status));
}

/* Reply with the objects received, now in this process's terms. */
static int peer_echo(struct peer *p, const struct binder_transaction_data *tr)
{
	struct binder_transaction_data reply;
	struct peer_report rep;

	peer_examine(p, tr, &rep);
	if (rep.status)
		return reply_status(&p->dev, tr, rep.status);
	reply = binder_txn(0, 0, 0, rep.data, rep.data_size);
	binder_txn_offsets(&reply, rep.offsets,
			   rep.offsets_size / sizeof(binder_size_t));
	return binder_reply_tr(&p->dev, tr, &reply);
}

/*
 * OP_RELAY (at B): obj[0] on to the handle obj[1], OP_BOUNCE.
 * OP_BOUNCE (at C): obj[0] through itself, to its owner, OP_ARRIVED.
 * Both reply with their report, and how the onward call went.
 */
static int peer_forward(struct peer *p, const struct binder_transaction_data *tr)
{
	bool relay = tr->code == OP_RELAY;
	struct flat_binder_object obj, to;
	struct binder_transaction_data next;
	struct peer_report rep, next_rep;
	binder_size_t offs[1];
	struct binder_result res;
	struct msg m;
	size_t size;
	__s32 status;
	int ret;

	peer_examine(p, tr, &rep);
	obj = rep_obj(&rep, 0);
	to = relay ? rep_obj(&rep, 1) : obj;
	if (rep.status || to.hdr.type != BINDER_TYPE_HANDLE ||
	    rep.offsets_size != (relay ? 2 : 1) * sizeof(binder_size_t)) {
		rep.next_status = -EBADMSG;
		return binder_reply(&p->dev, tr, 0, &rep, sizeof(rep));
	}
	size = msg_build(&m, offs, p->id, &obj, 1);
	next = binder_txn(to.handle, relay ? OP_BOUNCE : OP_ARRIVED, 0, &m, size);
	binder_txn_offsets(&next, offs, 1);
	ret = binder_call_tr(&p->dev, &next, BC_TRANSACTION, &res,
			     BINDER_WAIT_MS);
	rep.next_cmd = res.cmd;
	if (ret) {
		rep.next_status = ret;
	} else if (res.cmd != BR_REPLY) {
		rep.next_status = -EPROTO;
	} else {
		const void *data = (const void *)(uintptr_t)res.tr.data.ptr.buffer;

		if (relay && res.tr.data_size == sizeof(next_rep)) {
			memcpy(&next_rep, data, sizeof(next_rep));
			rep.next_status = next_rep.status ? next_rep.status :
					  next_rep.next_status;
			memcpy(rep.next_data, next_rep.data, MSG_MAX);
		} else if (!relay && res.tr.data_size == sizeof(status)) {
			memcpy(&status, data, sizeof(status));
			rep.next_status = status;
		} else {
			rep.next_status = -EBADMSG;
		}
		binder_free_buffer(&p->dev, res.tr.data.ptr.buffer);
	}
	return binder_reply(&p->dev, tr, 0, &rep, sizeof(rep));
}

/* Reply with an FD object: a memfd of this peer's. */
static int peer_reply_fd(struct peer *p, const struct binder_transaction_data *tr)
{
	struct binder_transaction_data reply;
	struct flat_binder_object obj;
	binder_size_t offs[1];
	char text[16];
	struct msg m;
	size_t size;
	int fd, ret;

	snprintf(text, sizeof(text), "peer %u file", p->id);
	fd = binder_memfd("objects_test", text);
	if (fd < 0)
		return reply_status(&p->dev, tr, fd);
	obj = obj_fd(fd, 0xfdfd);
	size = msg_build(&m, offs, p->id, &obj, 1);
	reply = binder_txn(0, 0, 0, &m, size);
	binder_txn_offsets(&reply, offs, 1);
	ret = binder_reply_tr(&p->dev, tr, &reply);
	close(fd);
	return ret;
}

static int peer_handler(struct binder_dev *dev,
			const struct binder_transaction_data *tr, void *arg)
{
	struct peer *p = arg;
	struct peer_report rep;
	unsigned int i;
	int ret;

	p->served++;
	switch (tr->code) {
	case OP_REPORT:
		peer_examine(p, tr, &rep);
		return binder_reply(dev, tr, 0, &rep, sizeof(rep));
	case OP_ECHO:
		return peer_echo(p, tr);
	case OP_RELAY:
	case OP_BOUNCE:
		return peer_forward(p, tr);
	case OP_REPLY_FD:
		return peer_reply_fd(p, tr);
	case OP_FDA_CHECK:
		memset(&rep, 0, sizeof(rep));
		rep.served = p->served;
		for (i = 0; i < p->nfda; i++)
			peer_fd_facts(&rep, p->fda_fds[i], false);
		return binder_reply(dev, tr, 0, &rep, sizeof(rep));
	case OP_QUIT:
		ret = binder_reply(dev, tr, 0, NULL, 0);
		return ret ? ret : 1;
	default:
		p->problems++;
		return reply_status(dev, tr, -EOPNOTSUPP);
	}
}

/* Register with A (handle 0): our two objects. */
static int peer_register(struct peer *p)
{
	struct flat_binder_object objs[2] = {
		obj_binder(BINDER_TYPE_BINDER, &peer_obj[FDS],
			   PEER_COOKIE(p->id, FDS),
			   FLAT_BINDER_FLAG_ACCEPTS_FDS),
		obj_binder(BINDER_TYPE_BINDER, &peer_obj[NOFDS],
			   PEER_COOKIE(p->id, NOFDS), 0),
	};
	struct binder_transaction_data tr;
	struct binder_result res;
	binder_size_t offs[2];
	__s32 status = -EBADMSG;
	struct msg m;
	size_t size;
	int ret;

	size = msg_build(&m, offs, p->id, objs, 2);
	tr = binder_txn(0, OP_REGISTER, 0, &m, size);
	binder_txn_offsets(&tr, offs, 2);
	ret = binder_call_tr(&p->dev, &tr, BC_TRANSACTION, &res, BINDER_WAIT_MS);
	if (ret)
		return ret;
	if (res.cmd != BR_REPLY)
		return -EPROTO;
	if (res.tr.data_size == sizeof(status))
		memcpy(&status, (void *)(uintptr_t)res.tr.data.ptr.buffer,
		       sizeof(status));
	binder_free_buffer(&p->dev, res.tr.data.ptr.buffer);
	return status;
}

static int peer_main(void *arg)
{
	static struct peer p;
	char go;
	int ret;

	p.id = (uintptr_t)arg;
	if (binder_child_wait_go(&go, sizeof(go), 10000))
		return 240;
	ret = binder_open_dev(&p.dev, ipckit_test_device, 0);
	p.dev.handler = peer_handler;
	p.dev.handler_arg = &p;
	if (!ret)
		ret = peer_register(&p);
	binder_child_ready(ret);
	if (ret)
		return 241;
	ret = binder_serve(&p.dev, true, 30000);
	if (ret < 0)
		return 242;
	return p.problems > 200 ? 200 : p.problems;
}

/* --- A: the context manager, this process ------------------------------ */

struct a_ctx {
	__u32 handle[NPEERS][2];	/* A's handles to the peers' objects */
	unsigned int registered;
	unsigned int problems;
	/* OP_ARRIVED calls: the last one */
	unsigned int arrived;
	struct binder_transaction_data arrived_tr;
	unsigned char arrived_data[MSG_MAX];
	binder_size_t arrived_offsets[MAX_OBJS];
};

static int a_register(struct binder_dev *dev,
		      const struct binder_transaction_data *tr,
		      struct a_ctx *ctx)
{
	const struct msg *m = (const void *)(uintptr_t)tr->data.ptr.buffer;
	const binder_size_t *offs = (const void *)(uintptr_t)tr->data.ptr.offsets;
	__s32 status = 0;
	int k, ret;

	if (tr->data_size != OBJ_OFF(2) ||
	    tr->offsets_size != 2 * sizeof(*offs) || m->arg >= NPEERS ||
	    offs[0] != OBJ_OFF(0) || offs[1] != OBJ_OFF(1))
		status = -EBADMSG;
	for (k = 0; k < 2 && !status; k++) {
		if (m->obj[k].hdr.type != BINDER_TYPE_HANDLE)
			status = -EBADMSG;
		else if (hold_handle(dev->fd, m->obj[k].handle, true))
			status = -EIO;
		else
			ctx->handle[m->arg][k] = m->obj[k].handle;
	}
	if (status)
		ctx->problems++;
	else
		ctx->registered++;
	ret = reply_status(dev, tr, status);
	if (ret)
		return ret;
	return ctx->registered == NPEERS ? 1 : 0;
}

static int a_handler(struct binder_dev *dev,
		     const struct binder_transaction_data *tr, void *arg)
{
	struct a_ctx *ctx = arg;
	size_t n = tr->offsets_size / sizeof(binder_size_t);

	switch (tr->code) {
	case OP_REGISTER:
		return a_register(dev, tr, ctx);
	case OP_ARRIVED:
		ctx->arrived++;
		ctx->arrived_tr = *tr;
		memset(ctx->arrived_data, 0, MSG_MAX);
		memset(ctx->arrived_offsets, 0, sizeof(ctx->arrived_offsets));
		if (tr->data_size <= MSG_MAX && n <= MAX_OBJS) {
			memcpy(ctx->arrived_data,
			       (const void *)(uintptr_t)tr->data.ptr.buffer,
			       tr->data_size);
			memcpy(ctx->arrived_offsets,
			       (const void *)(uintptr_t)tr->data.ptr.offsets,
			       tr->offsets_size);
		}
		return reply_status(dev, tr, 0);
	default:
		ctx->problems++;
		return reply_status(dev, tr, -EOPNOTSUPP);
	}
}

FIXTURE(objects) {
	struct binder_dev dev;
	struct a_ctx ctx;
	struct binder_child peer[NPEERS];
};

FIXTURE_SETUP(objects)
{
	struct binder_read_result rr;
	char go = 1;
	int i, k;

	/* The peers first: forking after the open would flush A. */
	for (i = 0; i < NPEERS; i++)
		ASSERT_EQ(0, binder_child_start(&self->peer[i], peer_main,
						(void *)(uintptr_t)i));
	ASSERT_EQ(0, binder_open_dev(&self->dev, ipckit_test_device, 0));
	ASSERT_EQ(0, binder_become_context_mgr(self->dev.fd, NULL, 2000));
	self->dev.handler = a_handler;
	self->dev.handler_arg = &self->ctx;
	for (i = 0; i < NPEERS; i++)
		ASSERT_EQ(0, binder_child_go(&self->peer[i], &go, sizeof(go)));
	ASSERT_EQ(1, binder_serve(&self->dev, true, BINDER_WAIT_MS));
	/*
	 * The BR_TRANSACTION_COMPLETE of A's last reply is still queued:
	 * take it now, so that each call's list holds only its own.
	 */
	ASSERT_EQ(0, binder_read_one(&self->dev, &rr, BINDER_WAIT_MS));
	for (i = 0; i < (int)rr.ncmds; i++)
		if (rr.cmds[i] == BR_TRANSACTION_COMPLETE)
			break;
	ASSERT_LT(i, (int)rr.ncmds)
		TH_LOG("got [%s]", binder_cmds_str(rr.cmds, rr.ncmds));
	for (i = 0; i < NPEERS; i++)
		ASSERT_EQ(0, binder_child_wait_ready(&self->peer[i],
						     BINDER_WAIT_MS));
	/* Four objects, four handles, none of them 0. */
	for (i = 0; i < NPEERS * 2; i++) {
		ASSERT_NE(0, self->ctx.handle[i / 2][i % 2]);
		for (k = 0; k < i; k++)
			ASSERT_NE(self->ctx.handle[k / 2][k % 2],
				  self->ctx.handle[i / 2][i % 2]);
	}
}

FIXTURE_TEARDOWN(objects)
{
	int i;

	for (i = 0; i < NPEERS; i++)
		binder_child_kill(&self->peer[i]);
	binder_close_dev(&self->dev);
}

/* End a call A made: 0 and the report (if rep) on BR_REPLY, else why not. */
static int a_finish(struct binder_dev *dev, int ret, struct binder_result *res,
		    struct peer_report *rep)
{
	if (ret)
		return ret;
	if (res->cmd != BR_REPLY)
		return -EPROTO;
	if (rep) {
		if (res->tr.data_size == sizeof(*rep))
			memcpy(rep, (const void *)(uintptr_t)res->tr.data.ptr.buffer,
			       sizeof(*rep));
		else
			ret = -EBADMSG;
	}
	binder_free_buffer(dev, res->tr.data.ptr.buffer);
	return ret;
}

/* Call handle with code: data and n offsets as given. */
static int a_call(struct binder_dev *dev, __u32 handle, __u32 code,
		  __u32 flags, const void *data, size_t size,
		  const binder_size_t *offs, size_t n,
		  struct binder_result *res, struct peer_report *rep)
{
	struct binder_transaction_data tr;

	tr = binder_txn(handle, code, flags, data, size);
	binder_txn_offsets(&tr, offs, n);
	return a_finish(dev, binder_call_tr(dev, &tr, BC_TRANSACTION, res,
					    BINDER_WAIT_MS), res, rep);
}

/* Call handle with code: a struct msg of n objects. */
static int a_send(struct binder_dev *dev, __u32 handle, __u32 code,
		  __u32 flags, const struct flat_binder_object *objs, size_t n,
		  struct binder_result *res, struct peer_report *rep)
{
	binder_size_t offs[MAX_OBJS];
	struct msg m;
	size_t size = msg_build(&m, offs, 0, objs, n);

	return a_call(dev, handle, code, flags, &m, size, offs, n, res, rep);
}

/*
 * A call that must have been refused at once (no BR_TRANSACTION_COMPLETE,
 * so it was never queued) with _cmd, the extended error saying _cmd and
 * _param. _what names the case in the log.
 */
#define EXPECT_REFUSED(_ret, _res, _cmd, _param, _what) do {		\
	struct binder_extended_error __ee;				\
	EXPECT_EQ(-EPROTO, (_ret))					\
		TH_LOG("%s: %s (%s)", _what, strerror(-(_ret)),		\
		       binder_br_name((_res).cmd));			\
	EXPECT_EQ((__u32)(_cmd), (_res).cmd)				\
		TH_LOG("%s: got [%s]", _what,				\
		       binder_cmds_str((_res).seen, (_res).nseen));	\
	EXPECT_FALSE(binder_result_saw(&(_res), BR_TRANSACTION_COMPLETE)) \
		TH_LOG("%s: got [%s]", _what,				\
		       binder_cmds_str((_res).seen, (_res).nseen));	\
	ASSERT_EQ(0, binder_get_extended_error(self->dev.fd, &__ee));	\
	EXPECT_EQ((__u32)(_cmd), __ee.command)				\
		TH_LOG("%s: extended error command %s", _what,		\
		       binder_br_name(__ee.command));			\
	EXPECT_EQ((__s32)(_param), __ee.param)				\
		TH_LOG("%s: extended error param %d", _what, __ee.param); \
} while (0)

/* A handle as a peer received it: the number, no binder bits, no cookie. */
#define EXPECT_HANDLE(_obj, _type, _what) do {				\
	EXPECT_EQ((__u32)(_type), (_obj).hdr.type)			\
		TH_LOG("%s: type %#x", _what, (_obj).hdr.type);		\
	EXPECT_NE(0, (_obj).handle) TH_LOG("%s: handle 0", _what);	\
	EXPECT_EQ((_obj).handle, (_obj).binder)				\
		TH_LOG("%s: binder %#llx", _what,			\
		       (unsigned long long)(_obj).binder);		\
	EXPECT_EQ(0, (_obj).cookie) TH_LOG("%s: cookie", _what);	\
} while (0)

/* The owner's own object: its type, binder pointer and cookie. */
#define EXPECT_BINDER(_obj, _type, _ptr, _cookie, _what) do {		\
	EXPECT_EQ((__u32)(_type), (_obj).hdr.type)			\
		TH_LOG("%s: type %#x", _what, (_obj).hdr.type);		\
	EXPECT_EQ((binder_uintptr_t)(_ptr), (_obj).binder)		\
		TH_LOG("%s: binder %#llx", _what,			\
		       (unsigned long long)(_obj).binder);		\
	EXPECT_EQ((binder_uintptr_t)(_cookie), (_obj).cookie)		\
		TH_LOG("%s: cookie %#llx", _what,			\
		       (unsigned long long)(_obj).cookie);		\
} while (0)

/* Quit the live peers: each must exit 0 (no problems found). */
static void peers_quit(struct __test_metadata *_metadata,
		       FIXTURE_DATA(objects) *self)
{
	struct binder_result res;
	int i;

	for (i = 0; i < NPEERS; i++) {
		if (self->peer[i].pid <= 0)
			continue;
		if (!binder_call(&self->dev, self->ctx.handle[i][FDS], OP_QUIT,
				 0, NULL, 0, &res) && res.cmd == BR_REPLY)
			binder_free_buffer(&self->dev, res.tr.data.ptr.buffer);
		EXPECT_CHILD_OK(binder_child_finish(&self->peer[i],
						    BINDER_WAIT_MS));
	}
	EXPECT_EQ(0, self->ctx.problems);
}

/* --- binders and handles ------------------------------------------------ */

/*
 * A's binder arrives at B as a handle: not 0, no pointer, no cookie; the
 * same object twice in one transaction is one handle, another object
 * another one. The transaction itself names B's object by its pointer and
 * cookie. The same object sent again gets the same handle.
 */
TEST_F(objects, binder_arrives_as_a_handle_of_the_receiver)
{
	struct flat_binder_object objs[3] = {
		obj_binder(BINDER_TYPE_BINDER, &obj_x, X_COOKIE, 0),
		obj_binder(BINDER_TYPE_BINDER, &obj_x, X_COOKIE, 0),
		obj_binder(BINDER_TYPE_BINDER, &obj_y, Y_COOKIE, 0),
	};
	struct flat_binder_object x, x2, y, o;
	struct binder_result res;
	struct peer_report rep;

	ASSERT_EQ(0, a_send(&self->dev, self->ctx.handle[PB][FDS], OP_REPORT,
			    0, objs, 3, &res, &rep))
		TH_LOG("%s", binder_cmds_str(res.seen, res.nseen));
	EXPECT_EXT_ERROR(self->dev.fd, BR_OK, 0);
	EXPECT_EQ(0, rep.status);
	EXPECT_EQ(PEER_PTR(FDS), rep.target_ptr);
	EXPECT_EQ(PEER_COOKIE(PB, FDS), rep.cookie);
	EXPECT_EQ(OBJ_OFF(3), rep.data_size);
	EXPECT_EQ(3 * sizeof(binder_size_t), rep.offsets_size);
	x = rep_obj(&rep, 0);
	x2 = rep_obj(&rep, 1);
	y = rep_obj(&rep, 2);
	EXPECT_HANDLE(x, BINDER_TYPE_HANDLE, "x");
	EXPECT_HANDLE(x2, BINDER_TYPE_HANDLE, "x again");
	EXPECT_HANDLE(y, BINDER_TYPE_HANDLE, "y");
	EXPECT_EQ(x.handle, x2.handle);
	EXPECT_NE(x.handle, y.handle);

	/* Later, in a transaction of its own: the handle B holds. */
	ASSERT_EQ(0, a_send(&self->dev, self->ctx.handle[PB][NOFDS],
			    OP_REPORT, 0, &objs[0], 1, &res, &rep));
	EXPECT_EQ(PEER_PTR(NOFDS), rep.target_ptr);
	EXPECT_EQ(PEER_COOKIE(PB, NOFDS), rep.cookie);
	o = rep_obj(&rep, 0);
	EXPECT_HANDLE(o, BINDER_TYPE_HANDLE, "x later");
	EXPECT_EQ(x.handle, o.handle);

	/* C gets a handle of its own. */
	ASSERT_EQ(0, a_send(&self->dev, self->ctx.handle[PC][FDS], OP_REPORT,
			    0, &objs[2], 1, &res, &rep));
	EXPECT_EQ(PEER_COOKIE(PC, FDS), rep.cookie);
	o = rep_obj(&rep, 0);
	EXPECT_HANDLE(o, BINDER_TYPE_HANDLE, "y at C");
	peers_quit(_metadata, self);
}

/*
 * A handle sent to the process owning its object arrives as that
 * process's binder, with its pointer and cookie; to any other process as
 * a handle of that process, one per object.
 */
TEST_F(objects, handle_arrives_as_the_binder_at_its_owner)
{
	struct flat_binder_object objs[4] = {
		obj_handle(BINDER_TYPE_HANDLE, self->ctx.handle[PB][FDS]),
		obj_handle(BINDER_TYPE_HANDLE, self->ctx.handle[PB][NOFDS]),
		obj_handle(BINDER_TYPE_HANDLE, self->ctx.handle[PC][FDS]),
		obj_handle(BINDER_TYPE_HANDLE, self->ctx.handle[PC][FDS]),
	};
	struct flat_binder_object o, c_fds;
	struct binder_result res;
	struct peer_report rep;

	ASSERT_EQ(0, a_send(&self->dev, self->ctx.handle[PB][FDS], OP_REPORT,
			    0, objs, 4, &res, &rep));
	EXPECT_EQ(0, rep.status);
	o = rep_obj(&rep, 0);
	EXPECT_BINDER(o, BINDER_TYPE_BINDER, PEER_PTR(FDS),
		      PEER_COOKIE(PB, FDS), "B's first object");
	o = rep_obj(&rep, 1);
	EXPECT_BINDER(o, BINDER_TYPE_BINDER, PEER_PTR(NOFDS),
		      PEER_COOKIE(PB, NOFDS), "B's second object");
	c_fds = rep_obj(&rep, 2);
	EXPECT_HANDLE(c_fds, BINDER_TYPE_HANDLE, "C's object");
	o = rep_obj(&rep, 3);
	EXPECT_HANDLE(o, BINDER_TYPE_HANDLE, "C's object again");
	EXPECT_EQ(c_fds.handle, o.handle);

	/* Later: the same handle for the same object, another for another. */
	objs[0] = obj_handle(BINDER_TYPE_HANDLE, self->ctx.handle[PC][NOFDS]);
	ASSERT_EQ(0, a_send(&self->dev, self->ctx.handle[PB][FDS], OP_REPORT,
			    0, objs, 3, &res, &rep));
	o = rep_obj(&rep, 0);
	EXPECT_HANDLE(o, BINDER_TYPE_HANDLE, "C's other object");
	EXPECT_NE(c_fds.handle, o.handle);
	o = rep_obj(&rep, 2);
	EXPECT_EQ(c_fds.handle, o.handle);
	peers_quit(_metadata, self);
}

/*
 * A's binder goes A -> B -> C -> A: B and C each get a handle of their
 * own (B also gets one for C's object, from A's handle), C calls A
 * through its handle, and A gets its own binder back, pointer and cookie
 * as it sent them, in a transaction addressed to that object. The same
 * trip again uses the same handles.
 */
TEST_F(objects, binder_travels_a_b_c_and_back_to_a)
{
	struct flat_binder_object objs[2] = {
		obj_binder(BINDER_TYPE_BINDER, &obj_x, X_COOKIE, 0),
		obj_handle(BINDER_TYPE_HANDLE, self->ctx.handle[PC][FDS]),
	};
	struct flat_binder_object b_x, b_c, c_x, a_x, o;
	struct binder_result res;
	struct peer_report rep;

	ASSERT_EQ(0, a_send(&self->dev, self->ctx.handle[PB][FDS], OP_RELAY,
			    0, objs, 2, &res, &rep))
		TH_LOG("%s", binder_cmds_str(res.seen, res.nseen));
	EXPECT_EQ(0, rep.status);
	EXPECT_EQ(0, rep.next_status)
		TH_LOG("B's call to C ended with %s", binder_br_name(rep.next_cmd));
	b_x = rep_obj(&rep, 0);
	b_c = rep_obj(&rep, 1);
	c_x = obj_at(rep.next_data, MSG_MAX, OBJ_OFF(0));
	EXPECT_HANDLE(b_x, BINDER_TYPE_HANDLE, "A's object at B");
	EXPECT_HANDLE(b_c, BINDER_TYPE_HANDLE, "C's object at B");
	EXPECT_NE(b_x.handle, b_c.handle);
	EXPECT_HANDLE(c_x, BINDER_TYPE_HANDLE, "A's object at C");

	ASSERT_EQ(1, self->ctx.arrived);
	EXPECT_EQ(OP_ARRIVED, self->ctx.arrived_tr.code);
	EXPECT_EQ((uintptr_t)&obj_x, self->ctx.arrived_tr.target.ptr);
	EXPECT_EQ(X_COOKIE, self->ctx.arrived_tr.cookie);
	EXPECT_EQ(self->peer[PC].pid, self->ctx.arrived_tr.sender_pid);
	EXPECT_EQ(OBJ_OFF(1), self->ctx.arrived_tr.data_size);
	ASSERT_EQ(sizeof(binder_size_t), self->ctx.arrived_tr.offsets_size);
	a_x = obj_at(self->ctx.arrived_data, self->ctx.arrived_tr.data_size,
		     self->ctx.arrived_offsets[0]);
	EXPECT_BINDER(a_x, BINDER_TYPE_BINDER, &obj_x, X_COOKIE,
		      "A's object back at A");

	ASSERT_EQ(0, a_send(&self->dev, self->ctx.handle[PB][FDS], OP_RELAY,
			    0, objs, 2, &res, &rep));
	EXPECT_EQ(0, rep.next_status);
	o = rep_obj(&rep, 0);
	EXPECT_EQ(b_x.handle, o.handle);
	o = rep_obj(&rep, 1);
	EXPECT_EQ(b_c.handle, o.handle);
	o = obj_at(rep.next_data, MSG_MAX, OBJ_OFF(0));
	EXPECT_EQ(c_x.handle, o.handle);
	EXPECT_EQ(2, self->ctx.arrived);
	a_x = obj_at(self->ctx.arrived_data, self->ctx.arrived_tr.data_size,
		     self->ctx.arrived_offsets[0]);
	EXPECT_BINDER(a_x, BINDER_TYPE_BINDER, &obj_x, X_COOKIE,
		      "A's object back at A again");
	peers_quit(_metadata, self);
}

/* Objects in a reply: B's handles for A's objects come back as A's binders. */
TEST_F(objects, reply_objects_are_translated_back)
{
	struct flat_binder_object objs[2] = {
		obj_binder(BINDER_TYPE_BINDER, &obj_x, X_COOKIE, 0),
		obj_binder(BINDER_TYPE_WEAK_BINDER, &obj_y, Y_COOKIE, 0),
	};
	struct flat_binder_object o;
	binder_size_t offs[MAX_OBJS];
	struct binder_transaction_data tr;
	struct binder_result res;
	const void *data;
	struct msg m;
	size_t size;

	size = msg_build(&m, offs, 0, objs, 2);
	tr = binder_txn(self->ctx.handle[PB][FDS], OP_ECHO, 0, &m, size);
	binder_txn_offsets(&tr, offs, 2);
	ASSERT_EQ(0, binder_call_tr(&self->dev, &tr, BC_TRANSACTION, &res,
				    BINDER_WAIT_MS));
	ASSERT_EQ(BR_REPLY, res.cmd)
		TH_LOG("%s", binder_cmds_str(res.seen, res.nseen));
	data = (const void *)(uintptr_t)res.tr.data.ptr.buffer;
	EXPECT_EQ(OBJ_OFF(2), res.tr.data_size);
	ASSERT_EQ(2 * sizeof(binder_size_t), res.tr.offsets_size);
	o = obj_at(data, res.tr.data_size, OBJ_OFF(0));
	EXPECT_BINDER(o, BINDER_TYPE_BINDER, &obj_x, X_COOKIE, "x back");
	o = obj_at(data, res.tr.data_size, OBJ_OFF(1));
	EXPECT_BINDER(o, BINDER_TYPE_WEAK_BINDER, &obj_y, Y_COOKIE,
		      "weak y back");
	ASSERT_EQ(0, binder_free_buffer(&self->dev, res.tr.data.ptr.buffer));
	peers_quit(_metadata, self);
}

/*
 * WEAK_BINDER arrives as WEAK_HANDLE, WEAK_HANDLE as WEAK_HANDLE or, at
 * the owner, WEAK_BINDER. A process has one handle per object, weak or
 * strong.
 */
TEST_F(objects, weak_binder_arrives_as_weak_handle)
{
	struct flat_binder_object objs[3] = {
		obj_binder(BINDER_TYPE_WEAK_BINDER, &obj_x, X_COOKIE, 0),
		obj_handle(BINDER_TYPE_WEAK_HANDLE, self->ctx.handle[PC][FDS]),
		obj_handle(BINDER_TYPE_WEAK_HANDLE, self->ctx.handle[PB][FDS]),
	};
	struct flat_binder_object x, o;
	struct binder_result res;
	struct peer_report rep;

	ASSERT_EQ(0, a_send(&self->dev, self->ctx.handle[PB][FDS], OP_REPORT,
			    0, objs, 3, &res, &rep));
	EXPECT_EQ(0, rep.status);
	x = rep_obj(&rep, 0);
	EXPECT_HANDLE(x, BINDER_TYPE_WEAK_HANDLE, "weak x");
	o = rep_obj(&rep, 1);
	EXPECT_HANDLE(o, BINDER_TYPE_WEAK_HANDLE, "weak handle of C's object");
	EXPECT_NE(x.handle, o.handle);
	o = rep_obj(&rep, 2);
	EXPECT_BINDER(o, BINDER_TYPE_WEAK_BINDER, PEER_PTR(FDS),
		      PEER_COOKIE(PB, FDS), "weak handle of B's own object");

	/* The strong reference to x: the same handle. A new weak y: not. */
	objs[0] = obj_binder(BINDER_TYPE_BINDER, &obj_x, X_COOKIE, 0);
	objs[1] = obj_binder(BINDER_TYPE_WEAK_BINDER, &obj_y, Y_COOKIE, 0);
	ASSERT_EQ(0, a_send(&self->dev, self->ctx.handle[PB][FDS], OP_REPORT,
			    0, objs, 2, &res, &rep));
	o = rep_obj(&rep, 0);
	EXPECT_HANDLE(o, BINDER_TYPE_HANDLE, "strong x");
	EXPECT_EQ(x.handle, o.handle);
	o = rep_obj(&rep, 1);
	EXPECT_HANDLE(o, BINDER_TYPE_WEAK_HANDLE, "weak y");
	EXPECT_NE(x.handle, o.handle);
	peers_quit(_metadata, self);
}

/*
 * A handle the sender does not have: BR_FAILED_REPLY, -EINVAL, strong or
 * weak, also after objects that were fine. B never sees any of it.
 */
TEST_F(objects, unknown_handle_is_failed_reply)
{
	static const struct {
		const char *what;
		__u32 type, handle;
	} cases[] = {
		{ "handle 1234", BINDER_TYPE_HANDLE, 1234 },
		{ "weak handle 1234", BINDER_TYPE_WEAK_HANDLE, 1234 },
		{ "handle ~0", BINDER_TYPE_HANDLE, ~0u },
	};
	struct flat_binder_object objs[2];
	struct binder_result res;
	struct peer_report rep;
	unsigned int i;
	int ret;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		objs[0] = obj_handle(cases[i].type, cases[i].handle);
		ret = a_send(&self->dev, self->ctx.handle[PB][FDS], OP_REPORT,
			     0, objs, 1, &res, &rep);
		EXPECT_REFUSED(ret, res, BR_FAILED_REPLY, -EINVAL, cases[i].what);
	}
	/* After a good object. */
	objs[0] = obj_handle(BINDER_TYPE_HANDLE, self->ctx.handle[PC][FDS]);
	objs[1] = obj_handle(BINDER_TYPE_HANDLE, 1234);
	ret = a_send(&self->dev, self->ctx.handle[PB][FDS], OP_REPORT, 0,
		     objs, 2, &res, &rep);
	EXPECT_REFUSED(ret, res, BR_FAILED_REPLY, -EINVAL,
		       "handle 1234 after a good one");

	ASSERT_EQ(0, a_send(&self->dev, self->ctx.handle[PB][FDS], OP_REPORT,
			    0, objs, 1, &res, &rep));
	EXPECT_EQ(1, rep.served);
	peers_quit(_metadata, self);
}

/*
 * Handle 0 names the context manager as a transaction's target only. As
 * an object it is a handle like any other: one the sender must hold (a
 * process gets it by being sent the manager's object, or by BC_ACQUIRE of
 * handle 0), which A, the manager itself, cannot.
 */
TEST_F(objects, handle_0_object_needs_a_reference_like_any_handle)
{
	struct flat_binder_object obj;
	struct binder_result res;
	struct peer_report rep;
	int ret;

	obj = obj_handle(BINDER_TYPE_HANDLE, 0);
	ret = a_send(&self->dev, self->ctx.handle[PB][FDS], OP_REPORT, 0,
		     &obj, 1, &res, &rep);
	EXPECT_REFUSED(ret, res, BR_FAILED_REPLY, -EINVAL, "handle 0");
	obj = obj_handle(BINDER_TYPE_WEAK_HANDLE, 0);
	ret = a_send(&self->dev, self->ctx.handle[PB][FDS], OP_REPORT, 0,
		     &obj, 1, &res, &rep);
	EXPECT_REFUSED(ret, res, BR_FAILED_REPLY, -EINVAL, "weak handle 0");
	peers_quit(_metadata, self);
}

/*
 * Same pointer, another cookie: the object exists (B holds a handle to
 * it) with the first cookie, so the driver refuses it, -EINVAL, even
 * after the good one in the same transaction. The good one still works,
 * same handle.
 */
TEST_F(objects, binder_with_another_cookie_is_failed_reply)
{
	struct flat_binder_object objs[2] = {
		obj_binder(BINDER_TYPE_BINDER, &obj_x, X_COOKIE, 0),
		obj_binder(BINDER_TYPE_BINDER, &obj_x, X_COOKIE + 1, 0),
	};
	struct flat_binder_object x, o;
	struct binder_result res;
	struct peer_report rep;
	int ret;

	ASSERT_EQ(0, a_send(&self->dev, self->ctx.handle[PB][FDS], OP_REPORT,
			    0, objs, 1, &res, &rep));
	x = rep_obj(&rep, 0);
	EXPECT_HANDLE(x, BINDER_TYPE_HANDLE, "x");

	ret = a_send(&self->dev, self->ctx.handle[PB][FDS], OP_REPORT, 0,
		     &objs[1], 1, &res, &rep);
	EXPECT_REFUSED(ret, res, BR_FAILED_REPLY, -EINVAL, "other cookie");
	ret = a_send(&self->dev, self->ctx.handle[PB][FDS], OP_REPORT, 0,
		     objs, 2, &res, &rep);
	EXPECT_REFUSED(ret, res, BR_FAILED_REPLY, -EINVAL,
		       "other cookie after the right one");
	objs[1] = obj_binder(BINDER_TYPE_WEAK_BINDER, &obj_x, 0, 0);
	ret = a_send(&self->dev, self->ctx.handle[PB][FDS], OP_REPORT, 0,
		     &objs[1], 1, &res, &rep);
	EXPECT_REFUSED(ret, res, BR_FAILED_REPLY, -EINVAL, "weak, cookie 0");

	ASSERT_EQ(0, a_send(&self->dev, self->ctx.handle[PB][FDS], OP_REPORT,
			    0, objs, 1, &res, &rep));
	o = rep_obj(&rep, 0);
	EXPECT_EQ(x.handle, o.handle);
	EXPECT_EQ(2, rep.served);
	peers_quit(_metadata, self);
}

/* --- malformed offsets and objects -------------------------------------- */

/* A header, then x at off (the rest zero): size bytes of it. */
static size_t raw_with_x(__u64 *raw, size_t raw_size, size_t off)
{
	struct flat_binder_object x =
		obj_binder(BINDER_TYPE_BINDER, &obj_x, X_COOKIE, 0);

	memset(raw, 0, raw_size);
	memcpy((char *)raw + off, &x, sizeof(x));
	return off + sizeof(x);
}

/*
 * Offsets need 4-byte alignment, not 8: an object at 4 mod 8 is fine,
 * one at an offset that is not a multiple of 4 is -EINVAL.
 */
TEST_F(objects, offset_must_be_4_byte_aligned)
{
	static const binder_size_t bad[] = { 9, 10, 11, 13, 14, 15 };
	struct binder_result res;
	struct peer_report rep;
	struct flat_binder_object o;
	binder_size_t off = 12;
	char what[32];
	__u64 raw[16];
	unsigned int i;
	size_t size;
	int ret;

	size = raw_with_x(raw, sizeof(raw), 12);
	ASSERT_EQ(0, a_call(&self->dev, self->ctx.handle[PB][FDS], OP_REPORT,
			    0, raw, size, &off, 1, &res, &rep))
		TH_LOG("object at 12: %s", binder_br_name(res.cmd));
	o = rep_obj(&rep, 0);
	EXPECT_HANDLE(o, BINDER_TYPE_HANDLE, "object at 12");

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		size = raw_with_x(raw, sizeof(raw), bad[i]);
		snprintf(what, sizeof(what), "offset %llu",
			 (unsigned long long)bad[i]);
		ret = a_call(&self->dev, self->ctx.handle[PB][FDS], OP_REPORT,
			     0, raw, size, &bad[i], 1, &res, &rep);
		EXPECT_REFUSED(ret, res, BR_FAILED_REPLY, -EINVAL, what);
	}
	ASSERT_EQ(0, a_send(&self->dev, self->ctx.handle[PB][FDS], OP_REPORT,
			    0, NULL, 0, &res, &rep));
	EXPECT_EQ(2, rep.served);
	peers_quit(_metadata, self);
}

/*
 * An offset at the end of the data or past it. At the end: no object
 * there, -EINVAL. Past it: the copy of the data up to the object fails
 * first, -EFAULT.
 */
TEST_F(objects, offset_at_or_past_the_end_of_data)
{
	static const struct {
		binder_size_t off;
		int param;
	} cases[] = {
		{ 32, -EINVAL },		/* == data_size */
		{ 40, -EFAULT },
		{ 4096, -EFAULT },
		{ 1ULL << 32, -EFAULT },
		{ ~7ULL, -EFAULT },
	};
	struct binder_result res;
	struct peer_report rep;
	char what[48];
	__u64 raw[16];
	unsigned int i;
	size_t size;
	int ret;

	size = raw_with_x(raw, sizeof(raw), 8);
	ASSERT_EQ(32, size);
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		snprintf(what, sizeof(what), "offset %#llx of 32 bytes",
			 (unsigned long long)cases[i].off);
		ret = a_call(&self->dev, self->ctx.handle[PB][FDS], OP_REPORT,
			     0, raw, size, &cases[i].off, 1, &res, &rep);
		EXPECT_REFUSED(ret, res, BR_FAILED_REPLY, cases[i].param, what);
	}
	ASSERT_EQ(0, a_send(&self->dev, self->ctx.handle[PB][FDS], OP_REPORT,
			    0, NULL, 0, &res, &rep));
	EXPECT_EQ(1, rep.served);
	peers_quit(_metadata, self);
}

/* An object that does not fit in the data: -EINVAL. */
TEST_F(objects, object_overlapping_the_end_of_data)
{
	/* Bytes of the 24-byte object at 8 that are inside the data. */
	static const size_t inside[] = { 23, 16, 8, 4, 3, 1 };
	binder_size_t off = 8;
	struct binder_result res;
	struct peer_report rep;
	char what[48];
	__u64 raw[16];
	unsigned int i;
	int ret;

	for (i = 0; i < ARRAY_SIZE(inside); i++) {
		raw_with_x(raw, sizeof(raw), 8);
		snprintf(what, sizeof(what), "%zu of 24 bytes inside",
			 inside[i]);
		ret = a_call(&self->dev, self->ctx.handle[PB][FDS], OP_REPORT,
			     0, raw, 8 + inside[i], &off, 1, &res, &rep);
		EXPECT_REFUSED(ret, res, BR_FAILED_REPLY, -EINVAL, what);
	}
	ASSERT_EQ(0, a_send(&self->dev, self->ctx.handle[PB][FDS], OP_REPORT,
			    0, NULL, 0, &res, &rep));
	EXPECT_EQ(1, rep.served);
	peers_quit(_metadata, self);
}

/*
 * Offsets must ascend without overlap: an object at or after the end of
 * the one before. Adjacent objects are fine; one that starts before the
 * previous one ended (descending, the same offset twice, or inside it) is
 * refused, -EFAULT (the data copy up to it goes backwards).
 */
TEST_F(objects, offsets_must_ascend_without_overlap)
{
	static const struct {
		const char *what;
		binder_size_t offs[2];
	} cases[] = {
		{ "descending", { OBJ_OFF(1), OBJ_OFF(0) } },
		{ "same offset twice", { OBJ_OFF(0), OBJ_OFF(0) } },
		{ "second inside the first", { OBJ_OFF(0), OBJ_OFF(0) + 8 } },
		{ "second 4 bytes before the end of the first",
		  { OBJ_OFF(0), OBJ_OFF(1) - 4 } },
	};
	struct flat_binder_object objs[2] = {
		obj_binder(BINDER_TYPE_BINDER, &obj_x, X_COOKIE, 0),
		obj_binder(BINDER_TYPE_BINDER, &obj_y, Y_COOKIE, 0),
	};
	struct flat_binder_object x, y;
	struct binder_result res;
	struct peer_report rep;
	binder_size_t offs[2];
	unsigned int i;
	struct msg m;
	size_t size;
	int ret;

	size = msg_build(&m, offs, 0, objs, 2);
	ASSERT_EQ(0, a_call(&self->dev, self->ctx.handle[PB][FDS], OP_REPORT,
			    0, &m, size, offs, 2, &res, &rep));
	x = rep_obj(&rep, 0);
	y = rep_obj(&rep, 1);
	EXPECT_HANDLE(x, BINDER_TYPE_HANDLE, "adjacent x");
	EXPECT_HANDLE(y, BINDER_TYPE_HANDLE, "adjacent y");
	EXPECT_NE(x.handle, y.handle);

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		ret = a_call(&self->dev, self->ctx.handle[PB][FDS], OP_REPORT,
			     0, &m, size, cases[i].offs, 2, &res, &rep);
		EXPECT_REFUSED(ret, res, BR_FAILED_REPLY, -EFAULT,
			       cases[i].what);
	}
	ASSERT_EQ(0, a_send(&self->dev, self->ctx.handle[PB][FDS], OP_REPORT,
			    0, NULL, 0, &res, &rep));
	EXPECT_EQ(2, rep.served);
	peers_quit(_metadata, self);
}

/* An object of no type the driver knows: -EINVAL. */
TEST_F(objects, unknown_object_type_is_failed_reply)
{
	static const __u32 types[] = {
		0, 0xdeadbeef, B_PACK_CHARS('s', 'b', '*', 0),
		B_PACK_CHARS('x', 'x', '*', B_TYPE_LARGE),
	};
	struct flat_binder_object obj;
	struct binder_result res;
	struct peer_report rep;
	char what[32];
	unsigned int i;
	int ret;

	for (i = 0; i < ARRAY_SIZE(types); i++) {
		obj = obj_handle(types[i], self->ctx.handle[PC][FDS]);
		snprintf(what, sizeof(what), "type %#x", types[i]);
		ret = a_send(&self->dev, self->ctx.handle[PB][FDS], OP_REPORT,
			     0, &obj, 1, &res, &rep);
		EXPECT_REFUSED(ret, res, BR_FAILED_REPLY, -EINVAL, what);
	}
	ASSERT_EQ(0, a_send(&self->dev, self->ctx.handle[PB][FDS], OP_REPORT,
			    0, NULL, 0, &res, &rep));
	EXPECT_EQ(1, rep.served);
	peers_quit(_metadata, self);
}

/* --- dead owners -------------------------------------------------------- */

/*
 * C dies; A still holds handles to its objects. Once the driver has
 * released C (from a workqueue on the reference, so poll for it), a call
 * through them, one-way or not, is refused at once: BR_DEAD_REPLY, and
 * the extended error BR_DEAD_REPLY, -EINVAL. B is not affected.
 */
TEST_F(objects, call_to_a_dead_owners_handle_is_dead_reply)
{
	struct binder_extended_error ee = { };
	long long deadline;
	struct binder_result res;
	struct peer_report rep;
	int status, k;

	kill(self->peer[PC].pid, SIGKILL);
	status = binder_child_finish(&self->peer[PC], BINDER_WAIT_MS);
	ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);

	deadline = binder_now_ms() + 3000;
	for (;;) {
		ASSERT_EQ(0, binder_call(&self->dev, self->ctx.handle[PC][FDS],
					 OP_REPORT, 0, NULL, 0, &res));
		if (res.cmd == BR_REPLY)
			binder_free_buffer(&self->dev, res.tr.data.ptr.buffer);
		ASSERT_EQ(0, binder_get_extended_error(self->dev.fd, &ee));
		if ((res.cmd == BR_DEAD_REPLY && ee.command == BR_DEAD_REPLY &&
		     ee.param) || binder_now_ms() > deadline)
			break;
		binder_sleep_ms(10);
	}
	for (k = 0; k < 2; k++) {
		ASSERT_EQ(0, binder_call(&self->dev, self->ctx.handle[PC][k],
					 OP_REPORT, 0, NULL, 0, &res));
		EXPECT_CMDS(res.seen, res.nseen, BR_DEAD_REPLY);
		EXPECT_EXT_ERROR(self->dev.fd, BR_DEAD_REPLY, -EINVAL);
		ASSERT_EQ(0, binder_call(&self->dev, self->ctx.handle[PC][k],
					 OP_REPORT, TF_ONE_WAY, NULL, 0, &res));
		EXPECT_CMDS(res.seen, res.nseen, BR_DEAD_REPLY);
		EXPECT_EXT_ERROR(self->dev.fd, BR_DEAD_REPLY, -EINVAL);
	}
	ASSERT_EQ(0, a_send(&self->dev, self->ctx.handle[PB][FDS], OP_REPORT,
			    0, NULL, 0, &res, &rep));
	EXPECT_EQ(0, rep.status);
	peers_quit(_metadata, self);
}

/* --- file descriptors and buffers (reference only, for now) -------------- */

/*
 * An FD object to an object that accepts fds (the node's
 * FLAT_BINDER_FLAG_ACCEPTS_FDS; the transaction's TF_ACCEPT_FDS plays no
 * part) arrives as a new fd of the receiver, close-on-exec, on the same
 * file; the cookie as sent. The sender keeps its own fd.
 */
TEST_F(objects, fd_arrives_as_a_new_fd_of_the_receiver)
{
	struct flat_binder_object objs[2], o;
	struct binder_result res;
	struct peer_report rep;
	int fd1, fd2;

	fd1 = binder_memfd("objects_test", "A file 1");
	fd2 = binder_memfd("objects_test", "A file 2");
	ASSERT_LE(0, fd1);
	ASSERT_LE(0, fd2);
	objs[0] = obj_fd(fd1, 0xc00c1e);
	objs[1] = obj_fd(fd2, 0);
	ASSERT_EQ(0, a_send(&self->dev, self->ctx.handle[PB][FDS], OP_REPORT,
			    0, objs, 2, &res, &rep))
		TH_LOG("%s", binder_cmds_str(res.seen, res.nseen));
	EXPECT_EXT_ERROR(self->dev.fd, BR_OK, 0);
	EXPECT_EQ(0, rep.status);
	ASSERT_EQ(2, rep.nfds);
	o = rep_obj(&rep, 0);
	EXPECT_EQ(BINDER_TYPE_FD, o.hdr.type);
	EXPECT_EQ(0xc00c1e, o.cookie);
	EXPECT_EQ((__u32)rep.fd_num[0], o.handle);
	EXPECT_EQ(FD_CLOEXEC, rep.fd_flags[0]);
	EXPECT_STREQ("A file 1", rep.fd_text[0]);
	EXPECT_EQ(FD_CLOEXEC, rep.fd_flags[1]);
	EXPECT_STREQ("A file 2", rep.fd_text[1]);
	EXPECT_NE(rep.fd_num[0], rep.fd_num[1]);
	EXPECT_TRUE(binder_fd_is_open(fd1));
	EXPECT_TRUE(binder_fd_is_open(fd2));

	ASSERT_EQ(0, a_send(&self->dev, self->ctx.handle[PB][FDS], OP_REPORT,
			    TF_ACCEPT_FDS, objs, 1, &res, &rep));
	ASSERT_EQ(1, rep.nfds);
	EXPECT_STREQ("A file 1", rep.fd_text[0]);
	close(fd1);
	close(fd2);
	peers_quit(_metadata, self);
}

/*
 * An FD object to an object that does not accept fds: BR_FAILED_REPLY,
 * -EPERM, with or without TF_ACCEPT_FDS on the transaction. A closed fd:
 * -EBADF.
 */
TEST_F(objects, fd_refused_unless_the_target_accepts_fds)
{
	struct flat_binder_object obj;
	struct binder_result res;
	struct peer_report rep;
	int fd, ret;

	fd = binder_memfd("objects_test", "A file");
	ASSERT_LE(0, fd);
	obj = obj_fd(fd, 0);
	ret = a_send(&self->dev, self->ctx.handle[PB][NOFDS], OP_REPORT, 0,
		     &obj, 1, &res, &rep);
	EXPECT_REFUSED(ret, res, BR_FAILED_REPLY, -EPERM, "no ACCEPTS_FDS");
	ret = a_send(&self->dev, self->ctx.handle[PB][NOFDS], OP_REPORT,
		     TF_ACCEPT_FDS, &obj, 1, &res, &rep);
	EXPECT_REFUSED(ret, res, BR_FAILED_REPLY, -EPERM,
		       "no ACCEPTS_FDS, TF_ACCEPT_FDS");
	EXPECT_TRUE(binder_fd_is_open(fd));
	close(fd);

	ASSERT_FALSE(binder_fd_is_open(999));
	obj = obj_fd(999, 0);
	ret = a_send(&self->dev, self->ctx.handle[PB][FDS], OP_REPORT, 0,
		     &obj, 1, &res, &rep);
	EXPECT_REFUSED(ret, res, BR_FAILED_REPLY, -EBADF, "fd 999");
	obj = obj_fd(~0u, 0);
	ret = a_send(&self->dev, self->ctx.handle[PB][FDS], OP_REPORT, 0,
		     &obj, 1, &res, &rep);
	EXPECT_REFUSED(ret, res, BR_FAILED_REPLY, -EBADF, "fd -1");

	ASSERT_EQ(0, a_send(&self->dev, self->ctx.handle[PB][NOFDS], OP_REPORT,
			    0, NULL, 0, &res, &rep));
	EXPECT_EQ(1, rep.served);
	peers_quit(_metadata, self);
}

/*
 * An fd in a reply goes through when the call had TF_ACCEPT_FDS (whatever
 * the node's flag). Without it the reply fails at the caller: its
 * deferred BR_TRANSACTION_COMPLETE, BR_FAILED_REPLY, extended error
 * -EPERM.
 */
TEST_F(objects, fd_in_a_reply_needs_tf_accept_fds)
{
	struct binder_extended_error ee;
	struct flat_binder_object o;
	struct binder_result res;
	char text[16] = "";
	const void *data;
	int k;

	for (k = 0; k < 2; k++) {
		ASSERT_EQ(0, binder_call(&self->dev, self->ctx.handle[PB][k],
					 OP_REPLY_FD, TF_ACCEPT_FDS, NULL, 0,
					 &res));
		ASSERT_EQ(BR_REPLY, res.cmd)
			TH_LOG("%s", binder_cmds_str(res.seen, res.nseen));
		data = (const void *)(uintptr_t)res.tr.data.ptr.buffer;
		ASSERT_EQ(sizeof(binder_size_t), res.tr.offsets_size);
		o = obj_at(data, res.tr.data_size, OBJ_OFF(0));
		ASSERT_EQ(0, binder_free_buffer(&self->dev,
						res.tr.data.ptr.buffer));
		EXPECT_EQ(BINDER_TYPE_FD, o.hdr.type);
		EXPECT_EQ(0xfdfd, o.cookie);
		EXPECT_EQ(FD_CLOEXEC, fcntl(o.handle, F_GETFD));
		EXPECT_LT(0, pread(o.handle, text, sizeof(text) - 1, 0));
		EXPECT_STREQ("peer 0 file", text);
		close(o.handle);
	}

	ASSERT_EQ(0, binder_call(&self->dev, self->ctx.handle[PB][FDS],
				 OP_REPLY_FD, 0, NULL, 0, &res));
	EXPECT_CMDS(res.seen, res.nseen, BR_TRANSACTION_COMPLETE,
		    BR_FAILED_REPLY);
	ASSERT_EQ(0, binder_get_extended_error(self->dev.fd, &ee));
	EXPECT_EQ(BR_FAILED_REPLY, ee.command);
	EXPECT_EQ(-EPERM, ee.param);
	peers_quit(_metadata, self);
}

struct fda_msg {
	__u32 arg;
	__u32 pad;
	struct binder_buffer_object parent;
	struct binder_fd_array_object fda;
};

/*
 * An fd array (BINDER_TYPE_FDA) in a buffer (BINDER_TYPE_PTR, sent with
 * BC_TRANSACTION_SG): the receiver's copy of the buffer holds new fds,
 * close-on-exec, on the same files; the driver closes them when the
 * receiver frees the buffer. To an object without ACCEPTS_FDS: -EPERM.
 */
TEST_F(objects, fd_array_arrives_and_closes_with_its_buffer)
{
	binder_size_t offs[2] = {
		offsetof(struct fda_msg, parent), offsetof(struct fda_msg, fda),
	};
	struct binder_transaction_data tr;
	struct binder_fd_array_object fda;
	struct binder_result res;
	struct peer_report rep;
	struct fda_msg m;
	__u32 fds[2];
	int ret;

	ret = binder_memfd("objects_test", "A fda 0");
	ASSERT_LE(0, ret);
	fds[0] = ret;
	ret = binder_memfd("objects_test", "A fda 1");
	ASSERT_LE(0, ret);
	fds[1] = ret;
	memset(&m, 0, sizeof(m));
	m.parent.hdr.type = BINDER_TYPE_PTR;
	m.parent.buffer = (uintptr_t)fds;
	m.parent.length = sizeof(fds);
	m.fda.hdr.type = BINDER_TYPE_FDA;
	m.fda.num_fds = 2;
	m.fda.parent = 0;
	m.fda.parent_offset = 0;

	tr = binder_txn(self->ctx.handle[PB][FDS], OP_REPORT, 0, &m, sizeof(m));
	binder_txn_offsets(&tr, offs, 2);
	ASSERT_EQ(0, a_finish(&self->dev,
			      binder_call_sg(&self->dev, &tr, sizeof(fds), &res,
					     BINDER_WAIT_MS), &res, &rep))
		TH_LOG("%s", binder_cmds_str(res.seen, res.nseen));
	EXPECT_EQ(0, rep.status);
	ASSERT_EQ(2, rep.nfds);
	EXPECT_EQ(FD_CLOEXEC, rep.fd_flags[0]);
	EXPECT_EQ(FD_CLOEXEC, rep.fd_flags[1]);
	EXPECT_STREQ("A fda 0", rep.fd_text[0]);
	EXPECT_STREQ("A fda 1", rep.fd_text[1]);
	EXPECT_NE(rep.fd_num[0], rep.fd_num[1]);
	EXPECT_TRUE(rep.ptr_inside[0]);
	memcpy(&fda, rep.data + rep.offsets[1], sizeof(fda));
	EXPECT_EQ(BINDER_TYPE_FDA, fda.hdr.type);
	EXPECT_EQ(2, fda.num_fds);
	EXPECT_EQ(0, fda.parent);
	EXPECT_EQ(0, fda.parent_offset);

	/* B freed the buffer with its reply: the fds are gone. */
	ASSERT_EQ(0, a_send(&self->dev, self->ctx.handle[PB][FDS],
			    OP_FDA_CHECK, 0, NULL, 0, &res, &rep));
	ASSERT_EQ(2, rep.nfds);
	EXPECT_EQ(-EBADF, rep.fd_flags[0]);
	EXPECT_EQ(-EBADF, rep.fd_flags[1]);

	tr.target.handle = self->ctx.handle[PB][NOFDS];
	ret = a_finish(&self->dev, binder_call_sg(&self->dev, &tr, sizeof(fds),
						  &res, BINDER_WAIT_MS),
		       &res, &rep);
	EXPECT_REFUSED(ret, res, BR_FAILED_REPLY, -EPERM, "no ACCEPTS_FDS");
	EXPECT_TRUE(binder_fd_is_open(fds[0]));
	EXPECT_TRUE(binder_fd_is_open(fds[1]));
	close(fds[0]);
	close(fds[1]);
	peers_quit(_metadata, self);
}

struct ptr_msg {
	__u32 arg;
	__u32 pad;
	struct binder_buffer_object parent;
	struct binder_buffer_object child;
};

struct ptr_parent {
	binder_uintptr_t child;		/* pointer the driver fixes up */
	char tag[8];
};

static void ptr_msg_build(struct ptr_msg *m, struct ptr_parent *parent,
			  const char *child, size_t child_len)
{
	memset(m, 0, sizeof(*m));
	parent->child = (uintptr_t)child;
	memcpy(parent->tag, "parent!", 8);
	m->parent.hdr.type = BINDER_TYPE_PTR;
	m->parent.buffer = (uintptr_t)parent;
	m->parent.length = sizeof(*parent);
	m->child.hdr.type = BINDER_TYPE_PTR;
	m->child.flags = BINDER_BUFFER_FLAG_HAS_PARENT;
	m->child.buffer = (uintptr_t)child;
	m->child.length = child_len;
	m->child.parent = 0;
	m->child.parent_offset = offsetof(struct ptr_parent, child);
}

/*
 * BINDER_TYPE_PTR buffers (BC_TRANSACTION_SG) are copied into the
 * receiver's area, the objects point at the copies, and a child's
 * pointer in its parent is fixed up to the child's copy.
 */
TEST_F(objects, ptr_buffers_are_copied_and_parents_fixed_up)
{
	binder_size_t offs[2] = {
		offsetof(struct ptr_msg, parent), offsetof(struct ptr_msg, child),
	};
	static const char child[12] = "child data!";
	struct binder_buffer_object p, c;
	struct binder_transaction_data tr;
	struct ptr_parent parent;
	struct binder_result res;
	struct peer_report rep;
	binder_uintptr_t fixed;
	struct ptr_msg m;

	ptr_msg_build(&m, &parent, child, sizeof(child));
	tr = binder_txn(self->ctx.handle[PB][FDS], OP_REPORT, 0, &m, sizeof(m));
	binder_txn_offsets(&tr, offs, 2);
	/* Each buffer takes its length rounded up to 8. */
	ASSERT_EQ(0, a_finish(&self->dev,
			      binder_call_sg(&self->dev, &tr, 16 + 16, &res,
					     BINDER_WAIT_MS), &res, &rep))
		TH_LOG("%s", binder_cmds_str(res.seen, res.nseen));
	EXPECT_EQ(0, rep.status);
	memcpy(&p, rep.data + rep.offsets[0], sizeof(p));
	memcpy(&c, rep.data + rep.offsets[1], sizeof(c));
	EXPECT_EQ(BINDER_TYPE_PTR, p.hdr.type);
	EXPECT_EQ(sizeof(parent), p.length);
	EXPECT_EQ(BINDER_TYPE_PTR, c.hdr.type);
	EXPECT_EQ(BINDER_BUFFER_FLAG_HAS_PARENT, c.flags);
	EXPECT_EQ(sizeof(child), c.length);
	EXPECT_EQ(0, c.parent);
	EXPECT_EQ(offsetof(struct ptr_parent, child), c.parent_offset);
	EXPECT_TRUE(rep.ptr_inside[0]);
	EXPECT_TRUE(rep.ptr_inside[1]);
	memcpy(&fixed, rep.ptr_data[0], sizeof(fixed));
	EXPECT_EQ(c.buffer, fixed);
	EXPECT_EQ(0, memcmp(rep.ptr_data[0] + 8, "parent!", 8));
	EXPECT_EQ(0, memcmp(rep.ptr_data[1], child, sizeof(child)));
	/* The sender's buffers are its own. */
	EXPECT_EQ((uintptr_t)child, parent.child);
	peers_quit(_metadata, self);
}

/*
 * A buffer that does not fit in what BC_TRANSACTION_SG reserved (or in
 * nothing, with BC_TRANSACTION), or a parent that is not an earlier
 * buffer: -EINVAL.
 */
TEST_F(objects, ptr_refused_without_room_or_parent)
{
	binder_size_t offs[2] = {
		offsetof(struct ptr_msg, parent), offsetof(struct ptr_msg, child),
	};
	static const char child[12] = "child data!";
	struct binder_transaction_data tr;
	struct ptr_parent parent;
	struct binder_result res;
	struct peer_report rep;
	struct ptr_msg m;
	int ret;

	ptr_msg_build(&m, &parent, child, sizeof(child));
	tr = binder_txn(self->ctx.handle[PB][FDS], OP_REPORT, 0, &m, sizeof(m));
	binder_txn_offsets(&tr, offs, 2);
	ret = a_finish(&self->dev, binder_call_sg(&self->dev, &tr, 16, &res,
						  BINDER_WAIT_MS), &res, &rep);
	EXPECT_REFUSED(ret, res, BR_FAILED_REPLY, -EINVAL, "room for one");
	ret = a_finish(&self->dev, binder_call_sg(&self->dev, &tr, 0, &res,
						  BINDER_WAIT_MS), &res, &rep);
	EXPECT_REFUSED(ret, res, BR_FAILED_REPLY, -EINVAL, "no room");
	ret = a_call(&self->dev, self->ctx.handle[PB][FDS], OP_REPORT, 0, &m,
		     sizeof(m), offs, 2, &res, &rep);
	EXPECT_REFUSED(ret, res, BR_FAILED_REPLY, -EINVAL, "BC_TRANSACTION");

	m.child.parent = 1;	/* itself */
	ret = a_finish(&self->dev, binder_call_sg(&self->dev, &tr, 32, &res,
						  BINDER_WAIT_MS), &res, &rep);
	EXPECT_REFUSED(ret, res, BR_FAILED_REPLY, -EINVAL, "parent itself");

	ASSERT_EQ(0, a_send(&self->dev, self->ctx.handle[PB][FDS], OP_REPORT,
			    0, NULL, 0, &res, &rep));
	EXPECT_EQ(1, rep.served);
	peers_quit(_metadata, self);
}

IPCKIT_TEST_MAIN
