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
#include <linux/file.h>
#include <linux/security.h>
#include <linux/slab.h>

#include "internal.h"

/* Size of the object at @offset, 0 if it is malformed or out of bounds. */
static size_t ipckit_get_object(struct ipckit_proc *target_proc,
				struct ipckit_buffer *buffer, u64 offset,
				struct flat_binder_object *fp)
{
	size_t size = sizeof(*fp);

	if (!IS_ALIGNED(offset, sizeof(u32)) ||
	    buffer->data_size < sizeof(fp->hdr) ||
	    offset > buffer->data_size - sizeof(fp->hdr))
		return 0;
	size = min_t(size_t, size, buffer->data_size - offset);
	memset(fp, 0, sizeof(*fp));
	if (ipckit_alloc_copy_from_buffer(&target_proc->alloc, fp, buffer,
					  offset, size))
		return 0;
	switch (fp->hdr.type) {
	case BINDER_TYPE_BINDER:
	case BINDER_TYPE_WEAK_BINDER:
	case BINDER_TYPE_HANDLE:
	case BINDER_TYPE_WEAK_HANDLE:
	case BINDER_TYPE_FD:	/* struct binder_fd_object: the same size */
		return size == sizeof(*fp) ? size : 0;
	default:
		/* fd arrays and pointers come with scatter-gather support. */
		return 0;
	}
}

static int ipckit_translate_binder(struct ipckit_proc *proc,
				   struct ipckit_proc *target_proc,
				   struct flat_binder_object *fp)
{
	struct ipckit_node *node;
	u32 desc;
	int ret;

	ret = ipckit_node_get_or_new(proc, fp, &node);
	if (ret)
		return ret;
	ret = security_binder_transfer_binder(proc->cred, target_proc->cred);
	if (!ret)
		ret = ipckit_ref_for_node(target_proc, node, &desc);
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
	struct ipckit_node *node;
	struct ipckit_proc *owner;
	u32 desc;
	int ret;

	/*
	 * A handle the sender holds; 0 too, which a process holds once it
	 * took a reference on the context manager (BC_INCREFS/BC_ACQUIRE 0).
	 */
	node = ipckit_ref_get_node(proc, fp->handle);
	if (!node)
		return -EINVAL;
	ret = security_binder_transfer_binder(proc->cred, target_proc->cred);
	if (ret) {
		ipckit_node_put(node);
		return ret < 0 ? ret : -EPERM;
	}

	owner = ipckit_node_get_owner(node);
	if (owner == target_proc) {
		fp->hdr.type = fp->hdr.type == BINDER_TYPE_HANDLE ?
			       BINDER_TYPE_BINDER : BINDER_TYPE_WEAK_BINDER;
		fp->binder = node->ptr;
		fp->cookie = node->cookie;
	} else {
		ret = ipckit_ref_for_node(target_proc, node, &desc);
		if (!ret) {
			fp->binder = 0;
			fp->handle = desc;
			fp->cookie = 0;
		}
	}
	if (owner)
		ipckit_proc_put(owner);
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
			     struct ipckit_transaction *t, bool accept_fds)
{
	struct ipckit_proc *target_proc = t->to_proc;
	struct ipckit_buffer *buffer = t->buffer;
	struct ipckit_proc *proc = thread->proc;
	u64 off_start = ALIGN(buffer->data_size, sizeof(u64));
	u64 off_min = 0;
	size_t i;

	for (i = 0; i < buffer->offsets_size; i += sizeof(binder_size_t)) {
		struct flat_binder_object fp;
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
		size = ipckit_get_object(target_proc, buffer, offset, &fp);
		if (!size) {
			ipckit_user_error(thread,
					  "bad object at offset %llu (min %llu, data %zu)\n",
					  (u64)offset, off_min, buffer->data_size);
			return -EINVAL;
		}
		switch (fp.hdr.type) {
		case BINDER_TYPE_BINDER:
		case BINDER_TYPE_WEAK_BINDER:
			ret = ipckit_translate_binder(proc, target_proc, &fp);
			break;
		case BINDER_TYPE_FD:
			ret = ipckit_translate_fd(thread, t, accept_fds,
						  (struct binder_fd_object *)&fp,
						  offset);
			break;
		default:
			ret = ipckit_translate_handle(proc, target_proc, &fp);
			break;
		}
		if (ret)
			return ret;
		if (ipckit_alloc_copy_to_buffer(&target_proc->alloc, buffer,
						offset, &fp, sizeof(fp)))
			return -EINVAL;
		off_min = offset + size;
	}
	return 0;
}
