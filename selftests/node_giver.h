/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A context manager that hands out distinct nodes (node_giver.c), for the
 * programs that need a process holding many handles: handles_test and
 * ipckit-scale-bench.
 *
 * A client calls it (handle 0) with NODE_GIVER_CODE_GIVE and a struct
 * node_giver_req; the reply carries count nodes of the manager's own as
 * BINDER_TYPE_BINDER objects, node i with cookie i, so the client gets a
 * handle per node. Any other call gets an empty reply. The manager acks
 * the node-owner protocol the clients' references cause (BR_INCREFS,
 * BR_ACQUIRE) in one write per read; the BR_RELEASE and BR_DECREFS of
 * dropped references need no answer.
 *
 * node_giver_get() is the client's call. The serving loop stays with the
 * program (when to stop, what else to do
 * with a read), one round of it being node_giver_read() then
 * node_giver_answer(). Open the device with binder_open_manager() on
 * giver->dev; the struct is large (about 260 KiB): make it static.
 */
#ifndef IPCKIT_NODE_GIVER_H
#define IPCKIT_NODE_GIVER_H

#include <stdbool.h>

#include "binder_util.h"

#define NODE_GIVER_CODE_GIVE	0x47495645	/* "GIVE": reply count new nodes */
#define NODE_GIVER_MAX_BATCH	4096	/* nodes in one reply: 128 KiB */

/* The data of a NODE_GIVER_CODE_GIVE call. */
struct node_giver_req {
	__u32 first;		/* index of the first node */
	__u32 count;		/* up to NODE_GIVER_MAX_BATCH, else none */
};

struct node_giver {
	struct binder_dev dev;
	__u32 rbuf[64 * 1024 / 4] __attribute__((aligned(8)));
	struct flat_binder_object objs[NODE_GIVER_MAX_BATCH];
	binder_size_t offs[NODE_GIVER_MAX_BATCH];
	/* BC_INCREFS_DONE/BC_ACQUIRE_DONE for one read's node work */
	unsigned char acks[64 * 1024 / 20 * 20 + 64];
	size_t nacks;
};

/* What one read brought besides the node work it acks. */
struct node_giver_round {
	bool called;			/* tr is a BR_TRANSACTION to answer */
	struct binder_transaction_data tr;
	long decrefs;			/* BR_DECREFS read */
};

/*
 * Why serving failed: the exit status of a server child (binder_child_*),
 * one per step so that a status says where.
 */
enum node_giver_err {
	NODE_GIVER_EREAD = 3,	/* the read failed or timed out */
	NODE_GIVER_EACK,	/* flushing acks while reading */
	NODE_GIVER_ETWO,	/* two calls in one read: one caller at a time */
	NODE_GIVER_EDEAD,	/* BR_DEAD_REPLY or BR_FAILED_REPLY */
	NODE_GIVER_ETRUNC,	/* a command ran past the end of the read */
	NODE_GIVER_EACKS,	/* writing the acks */
	NODE_GIVER_EREPLY,	/* the reply */
};

/*
 * Wait up to timeout_ms for work, read it into rd and queue its acks: 0
 * or an enum node_giver_err.
 */
int node_giver_read(struct node_giver *giver, int timeout_ms,
		    struct node_giver_round *rd);
/*
 * Write the acks of rd's read, then free rd's call's buffer and reply to
 * it (if there was one): the nodes asked for, or nothing. 0 or an enum
 * node_giver_err.
 */
int node_giver_answer(struct node_giver *giver,
		      const struct node_giver_round *rd);

/*
 * The client's side: ask the manager (handle 0 of dev) for count nodes
 * from index first. 0 with the reply's objects in *objs and its buffer,
 * for the client to free, in *buf; -EPROTO if it was no BR_REPLY,
 * -EMSGSIZE (buffer freed) if it did not hold count objects, or -errno.
 */
int node_giver_get(struct binder_dev *dev, __u32 first, __u32 count,
		   int timeout_ms, const struct flat_binder_object **objs,
		   binder_uintptr_t *buf);

#endif /* IPCKIT_NODE_GIVER_H */
