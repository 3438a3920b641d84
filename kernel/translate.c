// SPDX-License-Identifier: GPL-2.0
/*
 * Object translation: the binder objects inside a transaction's data,
 * rewritten for the receiver. A local binder arrives as a handle in the
 * receiver; a handle arrives as the original binder in the node's owner
 * and as a handle of its own anywhere else. Handle numbers never cross
 * processes. A file descriptor arrives as a new fd of the receiver,
 * installed when it reads the transaction.
 *
 * Objects are read from and written to the receiver's buffer, which the
 * driver has already filled and userspace cannot write, so a sender
 * cannot change an object between check and use.
 *
 * Locking: see internal.h. Called with no lock held; the node and ref
 * helpers take the processes' inner locks one at a time.
 */
#include <linux/fdtable.h>
#include <linux/file.h>
#include <linux/security.h>
#include <linux/slab.h>
#include <linux/task_work.h>

#include "compat.h"
#include "internal.h"

/* Any object a transaction may carry, read from the receiver's buffer. */
union ipckit_object {
	struct binder_object_header hdr;
	struct flat_binder_object fbo;
	struct binder_fd_object fdo;
	struct binder_buffer_object bbo;
	struct binder_fd_array_object fdao;
};

/* Size of the object at @offset, 0 if it is malformed or out of bounds. */
static size_t ipckit_get_object(struct ipckit_proc *target_proc,
				struct ipckit_buffer *buffer, u64 offset,
				union ipckit_object *obj)
{
	size_t size = sizeof(*obj), want;

	if (!IS_ALIGNED(offset, sizeof(u32)) ||
	    buffer->data_size < sizeof(obj->hdr) ||
	    offset > buffer->data_size - sizeof(obj->hdr))
		return 0;
	size = min_t(size_t, size, buffer->data_size - offset);
	memset(obj, 0, sizeof(*obj));
	if (ipckit_alloc_copy_from_buffer(&target_proc->alloc, obj, buffer,
					  offset, size))
		return 0;
	switch (obj->hdr.type) {
	case BINDER_TYPE_BINDER:
	case BINDER_TYPE_WEAK_BINDER:
	case BINDER_TYPE_HANDLE:
	case BINDER_TYPE_WEAK_HANDLE:
		want = sizeof(obj->fbo);
		break;
	case BINDER_TYPE_FD:
		want = sizeof(obj->fdo);
		break;
	case BINDER_TYPE_PTR:
		want = sizeof(obj->bbo);
		break;
	case BINDER_TYPE_FDA:
		want = sizeof(obj->fdao);
		break;
	default:
		return 0;
	}
	return size >= want ? want : 0;
}

static int ipckit_translate_binder(struct ipckit_thread *thread,
				   struct ipckit_proc *target_proc,
				   struct flat_binder_object *fp)
{
	struct ipckit_proc *proc = thread->proc;
	bool strong = fp->hdr.type == BINDER_TYPE_BINDER;
	struct ipckit_node *node;
	u32 desc;
	int ret;

	ret = ipckit_node_get_or_new(proc, fp, &node);
	if (ret)
		return ret;
	ret = security_binder_transfer_binder(proc->cred, target_proc->cred);
	/* The owner hears BR_INCREFS/BR_ACQUIRE with its own call's end. */
	if (!ret)
		ret = ipckit_ref_inc_for_node(target_proc, node, strong, thread,
					      &desc);
	/* A node nothing took a count on goes here (a failed send). */
	ipckit_node_put(node);
	if (ret)
		return ret < 0 ? ret : -EPERM;

	fp->hdr.type = fp->hdr.type == BINDER_TYPE_BINDER ?
		       BINDER_TYPE_HANDLE : BINDER_TYPE_WEAK_HANDLE;
	fp->binder = 0;
	fp->handle = desc;
	fp->cookie = 0;
	return 0;
}

static int ipckit_translate_handle(struct ipckit_proc *proc,
				   struct ipckit_proc *target_proc,
				   struct flat_binder_object *fp)
{
	bool strong = fp->hdr.type == BINDER_TYPE_HANDLE;
	struct ipckit_node *node;
	u32 desc;
	int ret;

	/*
	 * A handle the sender holds, strongly for a strong one; 0 too, which
	 * a process holds once it took a reference on the context manager.
	 */
	node = ipckit_ref_get_node(proc, fp->handle, strong);
	if (!node)
		return -EINVAL;
	ret = security_binder_transfer_binder(proc->cred, target_proc->cred);
	if (ret) {
		ipckit_node_put(node);
		return ret < 0 ? ret : -EPERM;
	}

	ipckit_node_inner_lock(node);
	if (node->proc == target_proc) {
		/* Home again: the buffer holds a local count until freed. */
		fp->hdr.type = strong ? BINDER_TYPE_BINDER :
					BINDER_TYPE_WEAK_BINDER;
		fp->binder = node->ptr;
		fp->cookie = node->cookie;
		ipckit_node_inc_nilocked(node, strong, false, NULL);
		ipckit_node_inner_unlock(node);
	} else {
		ipckit_node_inner_unlock(node);
		ret = ipckit_ref_inc_for_node(target_proc, node, strong, NULL,
					      &desc);
		if (!ret) {
			fp->binder = 0;
			fp->handle = desc;
			fp->cookie = 0;
		}
	}
	ipckit_node_put(node);
	return ret;
}

/*
 * A file descriptor: the file is taken now, in the sender; the receiver's
 * fd is made when it reads the transaction (ipckit_apply_fd_fixups()).
 */
static int ipckit_translate_fd(struct ipckit_thread *thread,
			       struct ipckit_transaction *t, bool accept_fds,
			       const struct binder_fd_object *fdo, u64 offset)
{
	struct ipckit_proc *proc = thread->proc;
	struct ipckit_fd_fixup *fixup;
	struct file *file;
	int ret;

	if (!accept_fds) {
		ipckit_user_error(thread, "fd %u to a target that does not accept fds\n",
				  fdo->fd);
		return -EPERM;
	}
	file = fget(fdo->fd);
	if (!file) {
		ipckit_user_error(thread, "invalid fd %u\n", fdo->fd);
		return -EBADF;
	}
	ret = security_binder_transfer_file(proc->cred, t->to_proc->cred, file);
	if (ret) {
		fput(file);
		return -EPERM;
	}
	fixup = kzalloc(sizeof(*fixup), GFP_KERNEL);
	if (!fixup) {
		fput(file);
		return -ENOMEM;
	}
	fixup->file = file;
	fixup->offset = offset + offsetof(struct binder_fd_object, fd);
	list_add_tail(&fixup->entry, &t->fd_fixups);
	return 0;
}

/**
 * ipckit_apply_fd_fixups() - install a transaction's files in the reader
 * @t: the transaction being read, by a thread of its receiver
 *
 * Every fd is reserved and written into the buffer first; only when all
 * succeeded are the files installed, so a failure leaves no fd behind.
 *
 * Return: 0 or a negative errno (the files are then released).
 */
int ipckit_apply_fd_fixups(struct ipckit_transaction *t)
{
	struct ipckit_fd_fixup *fixup, *tmp;
	int fds[16], *fd = fds, n = 0, ret = 0;

	list_for_each_entry(fixup, &t->fd_fixups, entry)
		n++;
	if (!n)
		return 0;
	if (n > ARRAY_SIZE(fds)) {
		fd = kcalloc(n, sizeof(*fd), GFP_KERNEL);
		if (!fd)
			return -ENOMEM;
	}
	n = 0;
	list_for_each_entry(fixup, &t->fd_fixups, entry) {
		u32 nr;

		fd[n] = get_unused_fd_flags(O_CLOEXEC);
		if (fd[n] < 0) {
			ret = fd[n];
			break;
		}
		nr = fd[n++];
		ret = ipckit_alloc_copy_to_buffer(&t->to_proc->alloc, t->buffer,
						  fixup->offset, &nr, sizeof(nr));
		if (ret)
			break;
	}
	if (ret) {
		while (n--)
			put_unused_fd(fd[n]);
	} else {
		n = 0;
		list_for_each_entry_safe(fixup, tmp, &t->fd_fixups, entry) {
			fd_install(fd[n++], fixup->file);
			list_del(&fixup->entry);
			kfree(fixup);
		}
	}
	if (fd != fds)
		kfree(fd);
	return ret;
}

/* Drop the files of a transaction that will not be read. */
void ipckit_free_fd_fixups(struct ipckit_transaction *t)
{
	struct ipckit_fd_fixup *fixup, *tmp;

	list_for_each_entry_safe(fixup, tmp, &t->fd_fixups, entry) {
		fput(fixup->file);
		list_del(&fixup->entry);
		kfree(fixup);
	}
}

/*
 * Scatter-gather state of one transaction's translation. Fix-ups (a
 * pointer or fd array written into an earlier buffer) must go forward,
 * into the last buffer fixed up or one of its ancestors, as the
 * reference requires: @last_fixup_obj is the object offset of that
 * buffer (0: none yet), @last_fixup_min the lowest offset in it still
 * free for a fix-up.
 */
struct ipckit_sg {
	u64 off_start;		/* the offsets array in the buffer */
	u64 next;		/* where the next PTR buffer goes */
	u64 end;		/* end of the room BC_*_SG asked for */
	u64 last_fixup_obj;
	u64 last_fixup_min;
};

/* Object offset number @index of the transaction's offsets array. */
static int ipckit_sg_object_offset(struct ipckit_transaction *t,
				   const struct ipckit_sg *sg, u64 index,
				   u64 *offset)
{
	binder_size_t off;

	if (ipckit_alloc_copy_from_buffer(&t->to_proc->alloc, &off, t->buffer,
					  sg->off_start + index * sizeof(off),
					  sizeof(off)))
		return -EINVAL;
	*offset = off;
	return 0;
}

/*
 * The PTR object that is object number @index (an earlier one) of the
 * transaction, as already translated into the receiver's buffer, and
 * its object offset.
 */
static int ipckit_sg_parent(struct ipckit_transaction *t,
			    const struct ipckit_sg *sg, u64 index,
			    u64 nr_before, struct binder_buffer_object *parent,
			    u64 *parent_off)
{
	union ipckit_object obj;
	u64 offset;

	if (index >= nr_before ||
	    ipckit_sg_object_offset(t, sg, index, &offset) ||
	    ipckit_get_object(t->to_proc, t->buffer, offset, &obj) !=
	    sizeof(obj.bbo) || obj.hdr.type != BINDER_TYPE_PTR)
		return -EINVAL;
	*parent = obj.bbo;
	if (parent_off)
		*parent_off = offset;
	return 0;
}

/*
 * May a fix-up at @fixup_offset inside the buffer of the PTR object at
 * @parent_off happen now? Only at or after the last fix-up's end in the
 * last buffer fixed up, or in one of its ancestors (each ancestor's own
 * fix-up point bounds it from below). As binder_validate_fixup().
 */
static bool ipckit_sg_fixup_in_order(struct ipckit_transaction *t,
				     const struct ipckit_sg *sg,
				     u64 parent_off, u64 fixup_offset)
{
	u64 last_obj = sg->last_fixup_obj, last_min = sg->last_fixup_min;
	/* Each parent is an earlier object: at most one step per object. */
	u64 steps = t->buffer->offsets_size / sizeof(binder_size_t);

	if (!last_obj)
		return false;
	while (last_obj != parent_off) {
		union ipckit_object obj;

		if (!steps--)
			return false;
		if (ipckit_get_object(t->to_proc, t->buffer, last_obj, &obj) !=
		    sizeof(obj.bbo) || obj.hdr.type != BINDER_TYPE_PTR ||
		    !(obj.bbo.flags & BINDER_BUFFER_FLAG_HAS_PARENT))
			return false;
		last_min = obj.bbo.parent_offset + sizeof(binder_uintptr_t);
		if (ipckit_sg_object_offset(t, sg, obj.bbo.parent, &last_obj))
			return false;
	}
	return fixup_offset >= last_min;
}

/* Byte offset in the buffer of @parent's data at @parent_offset. */
static int ipckit_sg_in_parent(struct ipckit_transaction *t,
			       const struct binder_buffer_object *parent,
			       u64 parent_offset, u64 len, u64 *at)
{
	if (parent->length < len || parent_offset > parent->length - len ||
	    !IS_ALIGNED(parent_offset, sizeof(u32)))
		return -EINVAL;
	*at = parent->buffer - t->buffer->user_data + parent_offset;
	return 0;
}

/*
 * A pointer object: its buffer is copied from the sender into the room
 * BC_*_SG asked for, and the pointer to it, both in the object and (with
 * BINDER_BUFFER_FLAG_HAS_PARENT) inside an earlier buffer, is made the
 * receiver's.
 */
static int ipckit_translate_ptr(struct ipckit_thread *thread,
				struct ipckit_transaction *t,
				struct ipckit_sg *sg,
				struct binder_buffer_object *bp, u64 nr_before,
				u64 offset)
{
	struct binder_buffer_object parent;
	binder_uintptr_t here;
	u64 at, parent_off;
	int ret;

	if (bp->length > sg->end - sg->next) {
		ipckit_user_error(thread, "pointer object of %llu bytes: no room left\n",
				  (u64)bp->length);
		return -EINVAL;
	}
	if (ipckit_alloc_copy_user_to_buffer(&t->to_proc->alloc, t->buffer,
					     sg->next,
					     u64_to_user_ptr(bp->buffer),
					     bp->length))
		return -EFAULT;
	here = t->buffer->user_data + sg->next;
	sg->next += ALIGN(bp->length, sizeof(u64));
	bp->buffer = here;
	if (bp->flags & BINDER_BUFFER_FLAG_HAS_PARENT) {
		if (ipckit_sg_parent(t, sg, bp->parent, nr_before, &parent,
				     &parent_off))
			return -EINVAL;
		if (!ipckit_sg_fixup_in_order(t, sg, parent_off,
					      bp->parent_offset)) {
			ipckit_user_error(thread, "pointer fix-up out of order\n");
			return -EINVAL;
		}
		if (ipckit_sg_in_parent(t, &parent, bp->parent_offset,
					sizeof(binder_uintptr_t), &at))
			return -EINVAL;
		ret = ipckit_alloc_copy_to_buffer(&t->to_proc->alloc, t->buffer,
						  at, &here, sizeof(here));
		if (ret)
			return ret;
	}
	/* Later fix-ups go into this buffer or an ancestor. */
	sg->last_fixup_obj = offset;
	sg->last_fixup_min = 0;
	return 0;
}

/* An fd array inside an earlier pointer object's buffer: fd by fd. */
static int ipckit_translate_fda(struct ipckit_thread *thread,
				struct ipckit_transaction *t,
				struct ipckit_sg *sg, bool accept_fds,
				const struct binder_fd_array_object *fda,
				u64 nr_before)
{
	struct binder_buffer_object parent;
	struct binder_fd_object fdo = {};
	u64 at, i, parent_off;
	int ret;

	if (ipckit_sg_parent(t, sg, fda->parent, nr_before, &parent,
			     &parent_off))
		return -EINVAL;
	/* Overlapping arrays would install fds twice and close them twice. */
	if (!ipckit_sg_fixup_in_order(t, sg, parent_off, fda->parent_offset)) {
		ipckit_user_error(thread, "fd array fix-up out of order\n");
		return -EINVAL;
	}
	if (fda->num_fds > parent.length / sizeof(u32) ||
	    ipckit_sg_in_parent(t, &parent, fda->parent_offset,
				fda->num_fds * sizeof(u32), &at))
		return -EINVAL;
	sg->last_fixup_obj = parent_off;
	sg->last_fixup_min = fda->parent_offset + fda->num_fds * sizeof(u32);
	for (i = 0; i < fda->num_fds; i++) {
		u32 fd;

		if (ipckit_alloc_copy_from_buffer(&t->to_proc->alloc, &fd,
						  t->buffer, at + i * sizeof(fd),
						  sizeof(fd)))
			return -EINVAL;
		fdo.fd = fd;
		/* The fixup lands at the fd's own place in the array. */
		ret = ipckit_translate_fd(thread, t, accept_fds, &fdo,
					  at + i * sizeof(fd) -
					  offsetof(struct binder_fd_object, fd));
		if (ret)
			return ret;
	}
	return 0;
}

/**
 * ipckit_translate_objects() - rewrite every object of a transaction
 * @thread:      the sending thread
 * @target_proc: the receiver
 * @buffer:      the receiver's copy of data and offsets
 *
 * Offsets must be 4-byte aligned, in bounds and strictly ascending with
 * no overlap, as the reference requires.
 *
 * Return: 0 or a negative errno for the extended error.
 */
int ipckit_translate_objects(struct ipckit_thread *thread,
			     struct ipckit_transaction *t, bool accept_fds,
			     u64 sg_size)
{
	struct ipckit_proc *target_proc = t->to_proc;
	struct ipckit_buffer *buffer = t->buffer;
	struct ipckit_proc *proc = thread->proc;
	u64 off_start = ALIGN(buffer->data_size, sizeof(u64));
	struct ipckit_sg sg = {
		.off_start = off_start,
		.next = off_start + ALIGN(buffer->offsets_size, sizeof(u64)),
	};
	u64 off_min = 0;
	size_t i;

	sg.end = sg.next + sg_size;
	for (i = 0; i < buffer->offsets_size; i += sizeof(binder_size_t)) {
		union ipckit_object obj;
		binder_size_t offset;
		size_t size;
		int ret;

		if (ipckit_alloc_copy_from_buffer(&target_proc->alloc, &offset,
						  buffer, off_start + i,
						  sizeof(offset)))
			return -EINVAL;
		/*
		 * Out of order, overlapping or past the data: -EFAULT, where
		 * the reference's piecewise copy of the data up to each
		 * object fails; a malformed object itself: -EINVAL.
		 */
		if (offset < off_min || offset > buffer->data_size) {
			ipckit_user_error(thread,
					  "object offset %llu out of order or past the data (min %llu, data %zu)\n",
					  (u64)offset, off_min, buffer->data_size);
			return -EFAULT;
		}
		size = ipckit_get_object(target_proc, buffer, offset, &obj);
		if (!size) {
			ipckit_user_error(thread,
					  "bad object at offset %llu (min %llu, data %zu)\n",
					  (u64)offset, off_min, buffer->data_size);
			return -EINVAL;
		}
		switch (obj.hdr.type) {
		case BINDER_TYPE_BINDER:
		case BINDER_TYPE_WEAK_BINDER:
			ret = ipckit_translate_binder(thread, target_proc,
						      &obj.fbo);
			break;
		case BINDER_TYPE_HANDLE:
		case BINDER_TYPE_WEAK_HANDLE:
			ret = ipckit_translate_handle(proc, target_proc, &obj.fbo);
			break;
		case BINDER_TYPE_FD:
			ret = ipckit_translate_fd(thread, t, accept_fds, &obj.fdo,
						  offset);
			break;
		case BINDER_TYPE_PTR:
			ret = ipckit_translate_ptr(thread, t, &sg, &obj.bbo,
						   i / sizeof(binder_size_t),
						   offset);
			break;
		default:
			ret = ipckit_translate_fda(thread, t, &sg, accept_fds,
						   &obj.fdao,
						   i / sizeof(binder_size_t));
			break;
		}
		if (ret)
			return ret;
		if (ipckit_alloc_copy_to_buffer(&target_proc->alloc, buffer,
						offset, &obj, size))
			return -EINVAL;
		/* Translated: freeing the buffer will release what it holds. */
		t->objects_done = i + sizeof(binder_size_t);
		off_min = offset + size;
	}
	return 0;
}

/**
 * ipckit_release_buffer_objects() - drop what a buffer's objects hold
 * @proc:   the process the buffer belongs to (the receiver)
 * @buffer: the buffer
 * @upto:   bytes of the offsets array that were translated
 *
 * A handle gives back the reference its arrival took; a binder (a handle
 * that came home) the local reference on the node.
 */
void ipckit_release_buffer_objects(struct ipckit_proc *proc,
				   struct ipckit_buffer *buffer, u64 upto)
{
	u64 off_start = ALIGN(buffer->data_size, sizeof(u64));
	u64 i;

	for (i = 0; i < upto; i += sizeof(binder_size_t)) {
		union ipckit_object obj;
		binder_size_t offset;
		struct ipckit_node *node;

		if (ipckit_alloc_copy_from_buffer(&proc->alloc, &offset, buffer,
						  off_start + i, sizeof(offset)) ||
		    !ipckit_get_object(proc, buffer, offset, &obj))
			continue;
		switch (obj.hdr.type) {
		case BINDER_TYPE_HANDLE:
		case BINDER_TYPE_WEAK_HANDLE:
			ipckit_ref_update(proc, obj.fbo.handle, false,
					  obj.hdr.type == BINDER_TYPE_HANDLE);
			break;
		case BINDER_TYPE_BINDER:
		case BINDER_TYPE_WEAK_BINDER:
			node = ipckit_node_lookup(proc, obj.fbo.binder);
			if (node) {
				ipckit_node_dec(node,
						obj.hdr.type == BINDER_TYPE_BINDER,
						false);
				ipckit_node_put(node);
			}
			break;
		}
	}
}

/* The file of a closed fd, put once the ioctl has returned. */
struct ipckit_fd_close {
	struct callback_head twork;
	struct file *file;
};

static void ipckit_do_fd_close(struct callback_head *twork)
{
	struct ipckit_fd_close *fc = container_of(twork, struct ipckit_fd_close,
						  twork);

	fput(fc->file);
	kfree(fc);
}

/**
 * ipckit_deferred_fd_close() - close one of current's fds, as close(2)
 * @fd: the fd
 *
 * filp_close() runs ->flush and drops the process's POSIX locks on the
 * file, as close(2) does; the last reference is put from task work after
 * the ioctl returns, because the fd may be the device's own, in use by
 * this very ioctl (as the reference driver does).
 */
void ipckit_deferred_fd_close(int fd)
{
	struct ipckit_fd_close *fc = kzalloc(sizeof(*fc), GFP_KERNEL);

	if (!fc)
		return;
	init_task_work(&fc->twork, ipckit_do_fd_close);
	fc->file = ipckit_close_fd_get_file(fd);
	if (!fc->file) {
		kfree(fc);
		return;
	}
	get_file(fc->file);	/* pinned until ipckit_do_fd_close() */
	filp_close(fc->file, current->files);
	if (task_work_add(current, &fc->twork, TWA_RESUME)) {
		/* Exiting: no task work any more, and nothing uses the fd. */
		fput(fc->file);
		kfree(fc);
	}
}

/**
 * ipckit_release_buffer_fds() - close the fds an fd array delivered
 * @proc:   the receiver, freeing the buffer (BC_FREE_BUFFER, its context)
 * @buffer: a delivered buffer
 *
 * The fds of fd arrays belong to the buffer, as in the reference: they go
 * when it is freed. Single fd objects are the receiver's to close.
 */
void ipckit_release_buffer_fds(struct ipckit_proc *proc,
			       struct ipckit_buffer *buffer)
{
	u64 off_start = ALIGN(buffer->data_size, sizeof(u64));
	struct ipckit_transaction t = { .to_proc = proc, .buffer = buffer };
	struct ipckit_sg sg = { .off_start = off_start };
	size_t i;

	for (i = 0; i < buffer->offsets_size; i += sizeof(binder_size_t)) {
		struct binder_buffer_object parent;
		union ipckit_object obj;
		binder_size_t offset;
		u64 at, n;

		if (ipckit_alloc_copy_from_buffer(&proc->alloc, &offset, buffer,
						  off_start + i, sizeof(offset)) ||
		    ipckit_get_object(proc, buffer, offset, &obj) !=
		    sizeof(obj.fdao) || obj.hdr.type != BINDER_TYPE_FDA)
			continue;
		if (ipckit_sg_parent(&t, &sg, obj.fdao.parent,
				     i / sizeof(binder_size_t), &parent, NULL) ||
		    obj.fdao.num_fds > parent.length / sizeof(u32) ||
		    ipckit_sg_in_parent(&t, &parent, obj.fdao.parent_offset,
					obj.fdao.num_fds * sizeof(u32), &at))
			continue;
		for (n = 0; n < obj.fdao.num_fds; n++) {
			u32 fd;

			if (ipckit_alloc_copy_from_buffer(&proc->alloc, &fd,
							  buffer,
							  at + n * sizeof(fd),
							  sizeof(fd)))
				break;
			ipckit_deferred_fd_close(fd);
		}
	}
}
