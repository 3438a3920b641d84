// SPDX-License-Identifier: GPL-2.0
/* A context manager that hands out distinct nodes: see node_giver.h. */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "node_giver.h"

/* The manager's address of node i, as a user library would use. */
#define NODE_PTR(i)	(0x100000ULL + 0x10ULL * (i))

static int giver_write(struct node_giver *g, const void *buf, size_t len)
{
	struct binder_write_read bwr = {
		.write_size = len,
		.write_buffer = (uintptr_t)buf,
	};
	int ret = binder_write_read(g->dev.fd, &bwr, -1);

	if (!ret && bwr.write_consumed != len)
		ret = -EPROTO;
	return ret;
}

static int giver_ack(struct node_giver *g, __u32 cmd, const void *payload)
{
	__u32 done = cmd == BR_INCREFS ? BC_INCREFS_DONE : BC_ACQUIRE_DONE;
	size_t sz = sizeof(done) + sizeof(struct binder_ptr_cookie);
	int ret;

	if (g->nacks + sz > sizeof(g->acks)) {
		ret = giver_write(g, g->acks, g->nacks);
		if (ret)
			return ret;
		g->nacks = 0;
	}
	memcpy(g->acks + g->nacks, &done, sizeof(done));
	memcpy(g->acks + g->nacks + sizeof(done), payload,
	       sizeof(struct binder_ptr_cookie));
	g->nacks += sz;
	return 0;
}

int node_giver_read(struct node_giver *g, int timeout_ms,
		    struct node_giver_round *rd)
{
	struct binder_write_read bwr = {
		.read_size = sizeof(g->rbuf),
		.read_buffer = (uintptr_t)g->rbuf,
	};
	struct binder_reader r;
	const void *payload;
	__u32 cmd;

	if (binder_write_read(g->dev.fd, &bwr, timeout_ms))
		return NODE_GIVER_EREAD;
	memset(rd, 0, sizeof(*rd));
	g->nacks = 0;
	br_init(&r, g->rbuf, bwr.read_consumed);
	while (br_next(&r, &cmd, &payload)) {
		switch (cmd) {
		case BR_DECREFS:
			rd->decrefs++;
			break;
		case BR_INCREFS:
		case BR_ACQUIRE:
			if (giver_ack(g, cmd, payload))
				return NODE_GIVER_EACK;
			break;
		case BR_TRANSACTION:
			if (rd->called)
				return NODE_GIVER_ETWO;
			memcpy(&rd->tr, payload, sizeof(rd->tr));
			rd->called = true;
			break;
		case BR_DEAD_REPLY:
		case BR_FAILED_REPLY:
			return NODE_GIVER_EDEAD;
		}
	}
	return r.truncated ? NODE_GIVER_ETRUNC : 0;
}

/* Free the request's buffer and reply: the nodes asked for, or nothing. */
static int giver_reply(struct node_giver *g,
		       const struct binder_transaction_data *tr)
{
	struct binder_transaction_data reply = { };
	struct node_giver_req req = { 0, 0 };
	struct binder_cmds c;
	__u32 i;

	if (tr->code == NODE_GIVER_CODE_GIVE && tr->data_size == sizeof(req))
		memcpy(&req, (void *)(uintptr_t)tr->data.ptr.buffer,
		       sizeof(req));
	if (req.count > NODE_GIVER_MAX_BATCH)
		req.count = 0;
	for (i = 0; i < req.count; i++) {
		memset(&g->objs[i], 0, sizeof(g->objs[i]));
		g->objs[i].hdr.type = BINDER_TYPE_BINDER;
		g->objs[i].binder = NODE_PTR(req.first + i);
		g->objs[i].cookie = req.first + i;
		g->offs[i] = i * sizeof(g->objs[0]);
	}
	reply.data_size = req.count * sizeof(g->objs[0]);
	reply.offsets_size = req.count * sizeof(g->offs[0]);
	reply.data.ptr.buffer = (uintptr_t)g->objs;
	reply.data.ptr.offsets = (uintptr_t)g->offs;
	bc_init(&c);
	bc_free_buffer(&c, tr->data.ptr.buffer);
	bc_transaction(&c, BC_REPLY, &reply);
	return bc_send(g->dev.fd, &c);
}

int node_giver_answer(struct node_giver *g, const struct node_giver_round *rd)
{
	if (g->nacks && giver_write(g, g->acks, g->nacks))
		return NODE_GIVER_EACKS;
	if (rd->called && giver_reply(g, &rd->tr))
		return NODE_GIVER_EREPLY;
	return 0;
}

int node_giver_get(struct binder_dev *dev, __u32 first, __u32 count,
		   int timeout_ms, const struct flat_binder_object **objs,
		   binder_uintptr_t *buf)
{
	struct node_giver_req req = { first, count };
	struct binder_transaction_data tr =
		binder_txn(0, NODE_GIVER_CODE_GIVE, 0, &req, sizeof(req));
	struct binder_result res;
	int ret;

	ret = binder_call_tr(dev, &tr, BC_TRANSACTION, &res, timeout_ms);
	if (ret)
		return ret;
	if (res.cmd != BR_REPLY)
		return -EPROTO;
	*buf = res.tr.data.ptr.buffer;
	*objs = (const void *)(uintptr_t)*buf;
	if (res.tr.offsets_size != count * sizeof(binder_size_t) ||
	    res.tr.data_size != count * sizeof(**objs)) {
		binder_free_buffer(dev, *buf);
		return -EMSGSIZE;
	}
	return 0;
}
