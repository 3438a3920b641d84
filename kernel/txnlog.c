// SPDX-License-Identifier: GPL-2.0
/*
 * The last transactions, and the last failed ones, as upstream keeps them
 * for binder_logs/transaction_log and failed_transaction_log (binderfs.c
 * shows them when a mount has stats=global).
 *
 * Locking: none. Each log is a ring of IPCKIT_TXN_LOG_SIZE entries; a
 * writer claims a slot with an atomic increment and marks the entry
 * complete (@done = @id) after filling it, as upstream's. A reader racing
 * with a writer of the same slot may see a mix of two entries, which it
 * shows marked "(incomplete)": these are diagnostics, never used for
 * decisions.
 */
#include <linux/atomic.h>
#include <linux/seq_file.h>
#include <linux/string.h>

#include "internal.h"

#define IPCKIT_TXN_LOG_SIZE	32
#define IPCKIT_TXN_LOG_CTX	48	/* context name kept, with NUL */

struct ipckit_txn_log_entry {
	int done;
	int id;
	u32 error;
	u32 from_pid, from_tid, to_pid, to_tid;
	u32 code, flags, data_size;
	bool is_reply;
	char ctx[IPCKIT_TXN_LOG_CTX];
};

struct ipckit_txn_log {
	atomic_t cur;
	bool full;
	struct ipckit_txn_log_entry entry[IPCKIT_TXN_LOG_SIZE];
};

static struct ipckit_txn_log ipckit_txn_log_all = { .cur = ATOMIC_INIT(-1) };
static struct ipckit_txn_log ipckit_txn_log_failed = { .cur = ATOMIC_INIT(-1) };

static void ipckit_txn_log_add(struct ipckit_txn_log *log,
			       struct ipckit_context *ctx, int id,
			       const struct ipckit_nl_report *r)
{
	unsigned int cur = atomic_inc_return(&log->cur);
	struct ipckit_txn_log_entry *e;

	if (cur >= IPCKIT_TXN_LOG_SIZE)
		WRITE_ONCE(log->full, true);
	e = &log->entry[cur % IPCKIT_TXN_LOG_SIZE];
	WRITE_ONCE(e->done, 0);
	smp_wmb();	/* @done cleared before the fields change */
	e->id = id;
	e->error = r->error;
	e->from_pid = r->from_pid;
	e->from_tid = r->from_tid;
	e->to_pid = r->to_pid;
	e->to_tid = r->to_tid;
	e->code = r->code;
	e->flags = r->flags;
	e->data_size = r->data_size;
	e->is_reply = r->is_reply;
	strscpy(e->ctx, ctx->name, sizeof(e->ctx));
	smp_wmb();	/* the fields before @done */
	WRITE_ONCE(e->done, id);
}

/**
 * ipckit_txn_log() - record a transaction in the logs
 * @ctx: the sender's context
 * @id:  the transaction's debug id
 * @r:   its report; @r->error is BR_OK for one that was delivered
 */
void ipckit_txn_log(struct ipckit_context *ctx, int id,
		    const struct ipckit_nl_report *r)
{
	ipckit_txn_log_add(&ipckit_txn_log_all, ctx, id, r);
	if (r->error != BR_OK)
		ipckit_txn_log_add(&ipckit_txn_log_failed, ctx, id, r);
}

static void ipckit_txn_log_print(struct seq_file *m, struct ipckit_txn_log *log)
{
	unsigned int cur = atomic_read(&log->cur);
	unsigned int count, i;

	count = READ_ONCE(log->full) ? IPCKIT_TXN_LOG_SIZE : cur + 1;
	if (cur == UINT_MAX)	/* nothing logged yet */
		return;
	for (i = cur + 1 - count; i != cur + 1; i++) {
		struct ipckit_txn_log_entry *e =
			&log->entry[i % IPCKIT_TXN_LOG_SIZE];
		int done = READ_ONCE(e->done);

		smp_rmb();	/* @done before the fields */
		seq_printf(m, "%d: %s from %u:%u to %u:%u context %s code %#x flags %#x size %u ret %#x%s\n",
			   e->id, e->is_reply ? "reply" : "call", e->from_pid,
			   e->from_tid, e->to_pid, e->to_tid, e->ctx, e->code,
			   e->flags, e->data_size, e->error,
			   done && done == READ_ONCE(e->id) ? "" :
							       " (incomplete)");
	}
}

void ipckit_txn_log_show(struct seq_file *m, bool failed)
{
	ipckit_txn_log_print(m, failed ? &ipckit_txn_log_failed :
					 &ipckit_txn_log_all);
}
