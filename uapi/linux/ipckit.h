/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * ipckit userspace ABI.
 *
 * ipckit is a Binder-compatible IPC driver.  This header has two parts:
 *
 *  1. The Binder protocol, version 8 (and 7 with BINDER_IPC_32BIT), under
 *     the standard names used by <linux/android/binder.h>.  Every macro,
 *     enumerator, type, size and field offset here is identical to that
 *     header, so code written against it builds unchanged when it includes
 *     this file instead and talks to /dev/binder-style ipckit devices with
 *     exactly the same bytes.  Nothing beyond what the system header
 *     declares is added under the standard names.
 *
 *  2. An IPCKIT_ section with ipckit's own extensions (prefix "ipckit_" /
 *     "IPCKIT_").  Extensions live on their own ioctl type byte and only
 *     ever add new ioctl numbers; they never change, reuse or renumber a
 *     Binder ioctl, command or return code.
 *
 * This header is an ALTERNATIVE to <linux/android/binder.h>, not an add-on:
 * a translation unit includes one or the other, never both (they declare
 * the same names).  Including both is diagnosed with #error below.
 *
 * libshim/tests/uapi_abi_test.cc fails to compile if any value, size or
 * offset in part 1 drifts from the system header.
 */

#ifndef _UAPI_LINUX_IPCKIT_H
#define _UAPI_LINUX_IPCKIT_H

#if defined(_LINUX_BINDER_H) || defined(_UAPI_LINUX_BINDER_H)
#error "include either <linux/android/binder.h> or <linux/ipckit.h>, not both"
#endif

#include <linux/types.h>
#include <linux/ioctl.h>

/*
 * Part 1: Binder protocol (standard names)
 */

/**
 * B_PACK_CHARS() - pack four characters into one 32-bit tag
 * @c1: most significant byte
 * @c2: second byte
 * @c3: third byte
 * @c4: least significant byte
 *
 * Used to build the BINDER_TYPE_* object tags so they read as text in a
 * memory dump.
 */
#define B_PACK_CHARS(c1, c2, c3, c4) \
	((((c1) << 24)) | (((c2) << 16)) | (((c3) << 8)) | (c4))

/**
 * B_TYPE_LARGE - low byte of every BINDER_TYPE_* tag
 *
 * Marks the object as a "large" flat object (the only kind Binder has).
 */
#define B_TYPE_LARGE 0x85

/**
 * enum - object types found in a transaction's offsets array
 * @BINDER_TYPE_BINDER:      strong reference to a local object (sender owns
 *                           it); the driver turns it into a handle for the
 *                           receiver
 * @BINDER_TYPE_WEAK_BINDER: weak reference to a local object
 * @BINDER_TYPE_HANDLE:      strong reference to a remote object by handle;
 *                           becomes a BINDER_TYPE_BINDER again if it arrives
 *                           at the owning process
 * @BINDER_TYPE_WEAK_HANDLE: weak reference to a remote object by handle
 * @BINDER_TYPE_FD:          a file descriptor the driver installs in the
 *                           receiver (struct binder_fd_object)
 * @BINDER_TYPE_FDA:         an array of file descriptors inside a parent
 *                           buffer (struct binder_fd_array_object)
 * @BINDER_TYPE_PTR:         a user buffer copied into the receiver
 *                           (struct binder_buffer_object)
 *
 * Stored in &struct binder_object_header.type.
 */
enum {
	BINDER_TYPE_BINDER	= B_PACK_CHARS('s', 'b', '*', B_TYPE_LARGE),
	BINDER_TYPE_WEAK_BINDER	= B_PACK_CHARS('w', 'b', '*', B_TYPE_LARGE),
	BINDER_TYPE_HANDLE	= B_PACK_CHARS('s', 'h', '*', B_TYPE_LARGE),
	BINDER_TYPE_WEAK_HANDLE	= B_PACK_CHARS('w', 'h', '*', B_TYPE_LARGE),
	BINDER_TYPE_FD		= B_PACK_CHARS('f', 'd', '*', B_TYPE_LARGE),
	BINDER_TYPE_FDA		= B_PACK_CHARS('f', 'd', 'a', B_TYPE_LARGE),
	BINDER_TYPE_PTR		= B_PACK_CHARS('p', 't', '*', B_TYPE_LARGE),
};

/**
 * enum - flags in &struct flat_binder_object.flags
 * @FLAT_BINDER_FLAG_PRIORITY_MASK:    low byte: minimum scheduling priority
 *                                     for threads handling calls on this node
 * @FLAT_BINDER_FLAG_ACCEPTS_FDS:      the node accepts transactions that
 *                                     carry file descriptors
 * @FLAT_BINDER_FLAG_TXN_SECURITY_CTX: senders' security contexts are
 *                                     delivered with each transaction to this
 *                                     node (BR_TRANSACTION_SEC_CTX)
 */
enum {
	FLAT_BINDER_FLAG_PRIORITY_MASK = 0xff,
	FLAT_BINDER_FLAG_ACCEPTS_FDS = 0x100,
	FLAT_BINDER_FLAG_TXN_SECURITY_CTX = 0x1000,
};

/*
 * binder_size_t / binder_uintptr_t - sizes and user addresses as carried in
 * the protocol.  64-bit by default; BINDER_IPC_32BIT selects the legacy
 * protocol 7 layout where both are 32 bits wide.
 */
#ifdef BINDER_IPC_32BIT
typedef __u32 binder_size_t;
typedef __u32 binder_uintptr_t;
#else
typedef __u64 binder_size_t;
typedef __u64 binder_uintptr_t;
#endif

/**
 * struct binder_object_header - first word of every object in a transaction
 * @type: one of the BINDER_TYPE_* values; tells the driver how to translate
 *        the object while copying it to the receiver
 */
struct binder_object_header {
	__u32	type;
};

/**
 * struct flat_binder_object - a Binder object reference in transaction data
 * @hdr:    BINDER_TYPE_BINDER, _WEAK_BINDER, _HANDLE or _WEAK_HANDLE
 * @flags:  FLAT_BINDER_FLAG_* (meaningful when a local object is sent)
 * @binder: (union) sender-local object address, for the *_BINDER types
 * @handle: (union) reference handle, for the *_HANDLE types
 * @cookie: opaque value the owner attached to a local object
 *
 * The offsets array of a transaction points at these; the driver rewrites
 * type and binder/handle so each side sees its own view of the object.
 * Also the argument of BINDER_SET_CONTEXT_MGR_EXT.
 */
struct flat_binder_object {
	struct binder_object_header	hdr;
	__u32				flags;

	union {
		binder_uintptr_t	binder;
		__u32			handle;
	};

	binder_uintptr_t		cookie;
};

/**
 * struct binder_fd_object - a file descriptor passed in a transaction
 * @hdr:        BINDER_TYPE_FD
 * @pad_flags:  unused; keeps the layout of struct flat_binder_object
 * @pad_binder: (union) unused; keeps the union 8 bytes wide
 * @fd:         (union) descriptor in the sender; the receiver finds the
 *              number of its newly installed copy here
 * @cookie:     opaque to the driver, free for userspace use
 */
struct binder_fd_object {
	struct binder_object_header	hdr;
	__u32				pad_flags;
	union {
		binder_uintptr_t	pad_binder;
		__u32			fd;
	};

	binder_uintptr_t		cookie;
};

/**
 * struct binder_buffer_object - a user buffer passed in a transaction
 * @hdr:           BINDER_TYPE_PTR
 * @flags:         BINDER_BUFFER_FLAG_*
 * @buffer:        sender address of the buffer; the receiver sees the
 *                 address of its copy
 * @length:        buffer length in bytes
 * @parent:        with BINDER_BUFFER_FLAG_HAS_PARENT: index in the offsets
 *                 array of the binder_buffer_object that holds a pointer to
 *                 this buffer
 * @parent_offset: offset within the parent buffer of that pointer, which
 *                 the driver patches to the receiver's address
 *
 * Sent with BC_TRANSACTION_SG / BC_REPLY_SG; the buffer is copied verbatim
 * into the receiver's mapping (scatter-gather data).
 */
struct binder_buffer_object {
	struct binder_object_header	hdr;
	__u32				flags;
	binder_uintptr_t		buffer;
	binder_size_t			length;
	binder_size_t			parent;
	binder_size_t			parent_offset;
};

/**
 * enum - flags in &struct binder_buffer_object.flags
 * @BINDER_BUFFER_FLAG_HAS_PARENT: @parent and @parent_offset are valid and a
 *                                 pointer in the parent must be fixed up
 */
enum {
	BINDER_BUFFER_FLAG_HAS_PARENT = 0x01,
};

/**
 * struct binder_fd_array_object - file descriptors embedded in a buffer
 * @hdr:           BINDER_TYPE_FDA
 * @pad:           unused; aligns the following 64-bit fields
 * @num_fds:       number of consecutive __u32 descriptors
 * @parent:        index in the offsets array of the binder_buffer_object
 *                 holding the descriptors
 * @parent_offset: byte offset of the first descriptor in that buffer
 *
 * The driver replaces every descriptor in the parent buffer with a new
 * descriptor installed in the receiver (e.g. native_handle_t fds).
 */
struct binder_fd_array_object {
	struct binder_object_header	hdr;
	__u32				pad;
	binder_size_t			num_fds;
	binder_size_t			parent;
	binder_size_t			parent_offset;
};

/**
 * struct binder_write_read - argument of BINDER_WRITE_READ
 * @write_size:     bytes of BC_* commands at @write_buffer
 * @write_consumed: in/out: bytes the driver has processed so far
 * @write_buffer:   user address of the command stream
 * @read_size:      room at @read_buffer for BR_* returns
 * @read_consumed:  in/out: bytes the driver has filled
 * @read_buffer:    user address of the return buffer
 *
 * One ioctl first consumes commands, then (if @read_size is non-zero)
 * blocks for and delivers work.  Addresses are user addresses even for
 * 32-bit callers, hence binder_uintptr_t.
 */
struct binder_write_read {
	binder_size_t		write_size;
	binder_size_t		write_consumed;
	binder_uintptr_t	write_buffer;
	binder_size_t		read_size;
	binder_size_t		read_consumed;
	binder_uintptr_t	read_buffer;
};

/**
 * struct binder_version - argument of BINDER_VERSION
 * @protocol_version: filled in by the driver; userspace must refuse to run
 *                    unless it equals BINDER_CURRENT_PROTOCOL_VERSION
 */
struct binder_version {
	__s32	protocol_version;
};

/*
 * BINDER_CURRENT_PROTOCOL_VERSION - protocol spoken through this header:
 * 8 with 64-bit binder_size_t/binder_uintptr_t, 7 with BINDER_IPC_32BIT.
 */
#ifdef BINDER_IPC_32BIT
#define BINDER_CURRENT_PROTOCOL_VERSION 7
#else
#define BINDER_CURRENT_PROTOCOL_VERSION 8
#endif

/**
 * struct binder_node_debug_info - argument of BINDER_GET_NODE_DEBUG_INFO
 * @ptr:            in: 0 to start, else the @ptr returned by the previous
 *                  call; out: next node of the caller, 0 when none is left
 * @cookie:         out: that node's cookie
 * @has_strong_ref: out: non-zero if the node holds strong references
 * @has_weak_ref:   out: non-zero if the node holds weak references
 *
 * Iterates over the nodes (local objects) the calling process owns.
 */
struct binder_node_debug_info {
	binder_uintptr_t	ptr;
	binder_uintptr_t	cookie;
	__u32			has_strong_ref;
	__u32			has_weak_ref;
};

/**
 * struct binder_node_info_for_ref - argument of BINDER_GET_NODE_INFO_FOR_REF
 * @handle:       in: a handle held by the caller
 * @strong_count: out: strong references on the node behind @handle
 * @weak_count:   out: weak references on that node
 * @reserved1:    must be zero
 * @reserved2:    must be zero
 * @reserved3:    must be zero
 *
 * Only the context manager may issue this ioctl.
 */
struct binder_node_info_for_ref {
	__u32	handle;
	__u32	strong_count;
	__u32	weak_count;
	__u32	reserved1;
	__u32	reserved2;
	__u32	reserved3;
};

/**
 * struct binder_freeze_info - argument of BINDER_FREEZE
 * @pid:        process whose binder state is frozen or thawed
 * @enable:     1 to freeze (stop accepting transactions), 0 to thaw
 * @timeout_ms: how long to wait for in-flight transactions when freezing
 */
struct binder_freeze_info {
	__u32	pid;
	__u32	enable;
	__u32	timeout_ms;
};

/**
 * struct binder_frozen_status_info - argument of BINDER_GET_FROZEN_INFO
 * @pid:        in: the process to query
 * @sync_recv:  out: bit 0: a synchronous transaction arrived while frozen;
 *              bit 1: transactions are in flight now (frozen or not)
 * @async_recv: out: non-zero if an async transaction arrived while frozen
 */
struct binder_frozen_status_info {
	__u32	pid;
	__u32	sync_recv;
	__u32	async_recv;
};

/**
 * struct binder_extended_error - argument of BINDER_GET_EXTENDED_ERROR
 * @id:      debug id of the transaction that failed
 * @command: the BR_* code that reported the failure
 * @param:   negative errno explaining it
 *
 * Lets userspace learn why the last operation failed beyond the bare
 * BR_FAILED_REPLY/BR_DEAD_REPLY; the driver clears it after reading.
 */
struct binder_extended_error {
	__u32	id;
	__u32	command;
	__s32	param;
};

/*
 * Binder ioctls on the device fd (type 'b'):
 *
 * BINDER_WRITE_READ                   exchange BC_* commands / BR_* returns
 * BINDER_SET_IDLE_TIMEOUT             historical, not implemented
 * BINDER_SET_MAX_THREADS              cap on looper threads the driver asks
 *                                     the process to spawn (BR_SPAWN_LOOPER)
 * BINDER_SET_IDLE_PRIORITY            historical, not implemented
 * BINDER_SET_CONTEXT_MGR              become the context manager (handle 0)
 * BINDER_THREAD_EXIT                  release the calling thread's state
 * BINDER_VERSION                      query the protocol version
 * BINDER_GET_NODE_DEBUG_INFO          iterate own nodes
 * BINDER_GET_NODE_INFO_FOR_REF        reference counts behind a handle
 * BINDER_SET_CONTEXT_MGR_EXT          as SET_CONTEXT_MGR, with node flags
 * BINDER_FREEZE                       freeze/thaw a process
 * BINDER_GET_FROZEN_INFO              what a frozen process received
 * BINDER_ENABLE_ONEWAY_SPAM_DETECTION report BR_ONEWAY_SPAM_SUSPECT
 * BINDER_GET_EXTENDED_ERROR           details of the last failure
 *
 * EINTR from any of them means "retry" (a signal arrived while the thread
 * waited for work; what it had consumed so far is written back).
 */
#define BINDER_WRITE_READ		_IOWR('b', 1, struct binder_write_read)
#define BINDER_SET_IDLE_TIMEOUT		_IOW('b', 3, __s64)
#define BINDER_SET_MAX_THREADS		_IOW('b', 5, __u32)
#define BINDER_SET_IDLE_PRIORITY	_IOW('b', 6, __s32)
#define BINDER_SET_CONTEXT_MGR		_IOW('b', 7, __s32)
#define BINDER_THREAD_EXIT		_IOW('b', 8, __s32)
#define BINDER_VERSION			_IOWR('b', 9, struct binder_version)
#define BINDER_GET_NODE_DEBUG_INFO	_IOWR('b', 11, struct binder_node_debug_info)
#define BINDER_GET_NODE_INFO_FOR_REF	_IOWR('b', 12, struct binder_node_info_for_ref)
#define BINDER_SET_CONTEXT_MGR_EXT	_IOW('b', 13, struct flat_binder_object)
#define BINDER_FREEZE			_IOW('b', 14, struct binder_freeze_info)
#define BINDER_GET_FROZEN_INFO		_IOWR('b', 15, struct binder_frozen_status_info)
#define BINDER_ENABLE_ONEWAY_SPAM_DETECTION	_IOW('b', 16, __u32)
#define BINDER_GET_EXTENDED_ERROR	_IOWR('b', 17, struct binder_extended_error)

/**
 * enum transaction_flags - &struct binder_transaction_data.flags
 * @TF_ONE_WAY:     asynchronous call; no reply, sender does not block
 * @TF_ROOT_OBJECT: historical: data is the component's root object
 * @TF_STATUS_CODE: data is a 32-bit status code (used in replies)
 * @TF_ACCEPT_FDS:  the sender accepts file descriptors in the reply
 * @TF_CLEAR_BUF:   driver zeroes the buffer when it is freed
 * @TF_UPDATE_TXN:  a one-way call may replace a still-queued, outdated
 *                  one-way call to the same node
 */
enum transaction_flags {
	TF_ONE_WAY	= 0x01,
	TF_ROOT_OBJECT	= 0x04,
	TF_STATUS_CODE	= 0x08,
	TF_ACCEPT_FDS	= 0x10,
	TF_CLEAR_BUF	= 0x20,
	TF_UPDATE_TXN	= 0x40,
};

/**
 * struct binder_transaction_data - payload of transaction commands/returns
 * @target:              addressee of the call
 * @target.handle:       for BC_TRANSACTION: handle of the target object
 * @target.ptr:          for BR_TRANSACTION: receiver-local object address
 * @cookie:              for BR_TRANSACTION: cookie of the target node
 * @code:                method code, chosen by the application protocol
 * @flags:               TF_* flags
 * @sender_pid:          filled by the driver on receipt (0 for one-way calls)
 * @sender_euid:         filled by the driver: sender's effective uid
 * @data_size:           bytes of payload at @data.ptr.buffer
 * @offsets_size:        bytes of the offsets array at @data.ptr.offsets
 * @data:                where the payload lives
 * @data.ptr:            payload by reference
 * @data.ptr.buffer:     user address of the payload
 * @data.ptr.offsets:    user address of an array of binder_size_t offsets
 *                       of objects (struct binder_object_header) in the data
 * @data.buf:            8 bytes of inline payload (historical)
 *
 * Used by BC_TRANSACTION/BC_REPLY (sender fills it) and BR_TRANSACTION/
 * BR_REPLY (driver fills it; the buffer then lives in the receiver's
 * mapping and is released with BC_FREE_BUFFER).
 */
struct binder_transaction_data {
	union {
		__u32			handle;
		binder_uintptr_t	ptr;
	} target;
	binder_uintptr_t	cookie;
	__u32			code;

	__u32			flags;
	__kernel_pid_t		sender_pid;
	__kernel_uid32_t	sender_euid;
	binder_size_t		data_size;
	binder_size_t		offsets_size;

	union {
		struct {
			binder_uintptr_t	buffer;
			binder_uintptr_t	offsets;
		} ptr;
		__u8	buf[8];
	} data;
};

/**
 * struct binder_transaction_data_secctx - BR_TRANSACTION_SEC_CTX payload
 * @transaction_data: the transaction, as with BR_TRANSACTION
 * @secctx:           receiver address of the sender's security context
 *                    string (only for nodes with
 *                    FLAT_BINDER_FLAG_TXN_SECURITY_CTX)
 */
struct binder_transaction_data_secctx {
	struct binder_transaction_data	transaction_data;
	binder_uintptr_t		secctx;
};

/**
 * struct binder_transaction_data_sg - BC_TRANSACTION_SG/BC_REPLY_SG payload
 * @transaction_data: the transaction
 * @buffers_size:     total bytes of all BINDER_TYPE_PTR buffers to copy,
 *                    reserved in the receiver next to the data
 */
struct binder_transaction_data_sg {
	struct binder_transaction_data	transaction_data;
	binder_size_t			buffers_size;
};

/**
 * struct binder_ptr_cookie - a node, identified by its owner's values
 * @ptr:    owner-local object address
 * @cookie: owner's cookie for it
 *
 * Payload of BR_INCREFS/ACQUIRE/RELEASE/DECREFS and of the matching
 * BC_INCREFS_DONE/BC_ACQUIRE_DONE acknowledgements.
 */
struct binder_ptr_cookie {
	binder_uintptr_t	ptr;
	binder_uintptr_t	cookie;
};

/**
 * struct binder_handle_cookie - a handle plus a caller cookie (packed)
 * @handle: reference handle
 * @cookie: value echoed back in BR_DEAD_BINDER and
 *          BR_CLEAR_DEATH_NOTIFICATION_DONE
 *
 * Payload of BC_REQUEST_DEATH_NOTIFICATION / BC_CLEAR_DEATH_NOTIFICATION.
 * Packed: 12 bytes with 64-bit cookies, no padding after @handle.
 */
struct binder_handle_cookie {
	__u32			handle;
	binder_uintptr_t	cookie;
} __attribute__((packed));

/**
 * struct binder_pri_desc - payload of BC_ATTEMPT_ACQUIRE (unsupported)
 * @priority: requested priority
 * @desc:     reference handle
 */
struct binder_pri_desc {
	__s32	priority;
	__u32	desc;
};

/**
 * struct binder_pri_ptr_cookie - payload of BR_ATTEMPT_ACQUIRE (unsupported)
 * @priority: requested priority
 * @ptr:      owner-local object address
 * @cookie:   owner's cookie
 */
struct binder_pri_ptr_cookie {
	__s32			priority;
	binder_uintptr_t	ptr;
	binder_uintptr_t	cookie;
};

/**
 * enum binder_driver_return_protocol - BR_* codes read from the read buffer
 *
 * Each code is a __u32 followed by the payload whose size it encodes
 * (_IOC_SIZE).  The _IOR() codes exceed INT_MAX, exactly as in the system
 * header, so the enum's underlying type is unsigned int; strict ISO C
 * checkers (clang -pedantic) flag that, but the values are the ABI.
 *
 * @BR_ERROR:                 __s32 error code
 * @BR_OK:                    no payload
 * @BR_TRANSACTION_SEC_CTX:   incoming call with security context
 *                            (struct binder_transaction_data_secctx)
 * @BR_TRANSACTION:           incoming call (struct binder_transaction_data)
 * @BR_REPLY:                 reply to our call (struct binder_transaction_data)
 * @BR_ACQUIRE_RESULT:        unsupported; __s32 result
 * @BR_DEAD_REPLY:            target of our call is dead
 * @BR_TRANSACTION_COMPLETE:  our last BC_TRANSACTION/BC_REPLY was accepted
 *                            (sent for one-way calls too)
 * @BR_INCREFS:               take a weak reference on a local object
 *                            (struct binder_ptr_cookie); ack BC_INCREFS_DONE
 * @BR_ACQUIRE:               take a strong reference; ack BC_ACQUIRE_DONE
 * @BR_RELEASE:               drop a strong reference
 * @BR_DECREFS:               drop a weak reference
 * @BR_ATTEMPT_ACQUIRE:       unsupported (struct binder_pri_ptr_cookie)
 * @BR_NOOP:                  nothing to do; skip
 * @BR_SPAWN_LOOPER:          start one more looper thread and register it
 *                            with BC_REGISTER_LOOPER
 * @BR_FINISHED:              unsupported
 * @BR_DEAD_BINDER:           an object we watch died (binder_uintptr_t
 *                            cookie); ack BC_DEAD_BINDER_DONE
 * @BR_CLEAR_DEATH_NOTIFICATION_DONE: death notification removed
 *                            (binder_uintptr_t cookie)
 * @BR_FAILED_REPLY:          our call failed (e.g. out of memory)
 * @BR_FROZEN_REPLY:          target of our call is frozen
 * @BR_ONEWAY_SPAM_SUSPECT:   our one-way calls fill too much of the target's
 *                            async buffer space
 */
enum binder_driver_return_protocol {
	BR_ERROR = _IOR('r', 0, __s32),
	BR_OK = _IO('r', 1),
	BR_TRANSACTION_SEC_CTX = _IOR('r', 2,
				      struct binder_transaction_data_secctx),
	BR_TRANSACTION = _IOR('r', 2, struct binder_transaction_data),
	BR_REPLY = _IOR('r', 3, struct binder_transaction_data),
	BR_ACQUIRE_RESULT = _IOR('r', 4, __s32),
	BR_DEAD_REPLY = _IO('r', 5),
	BR_TRANSACTION_COMPLETE = _IO('r', 6),
	BR_INCREFS = _IOR('r', 7, struct binder_ptr_cookie),
	BR_ACQUIRE = _IOR('r', 8, struct binder_ptr_cookie),
	BR_RELEASE = _IOR('r', 9, struct binder_ptr_cookie),
	BR_DECREFS = _IOR('r', 10, struct binder_ptr_cookie),
	BR_ATTEMPT_ACQUIRE = _IOR('r', 11, struct binder_pri_ptr_cookie),
	BR_NOOP = _IO('r', 12),
	BR_SPAWN_LOOPER = _IO('r', 13),
	BR_FINISHED = _IO('r', 14),
	BR_DEAD_BINDER = _IOR('r', 15, binder_uintptr_t),
	BR_CLEAR_DEATH_NOTIFICATION_DONE = _IOR('r', 16, binder_uintptr_t),
	BR_FAILED_REPLY = _IO('r', 17),
	BR_FROZEN_REPLY = _IO('r', 18),
	BR_ONEWAY_SPAM_SUSPECT = _IO('r', 19),
};

/**
 * enum binder_driver_command_protocol - BC_* codes in the write buffer
 *
 * Each code is a __u32 followed by the payload whose size it encodes.
 *
 * @BC_TRANSACTION:      start a call (struct binder_transaction_data)
 * @BC_REPLY:            answer the call being served
 * @BC_ACQUIRE_RESULT:   unsupported; __s32 result
 * @BC_FREE_BUFFER:      release a received buffer (binder_uintptr_t
 *                       data.ptr.buffer of the BR_TRANSACTION/BR_REPLY)
 * @BC_INCREFS:          take a weak reference on a handle (__u32)
 * @BC_ACQUIRE:          take a strong reference on a handle
 * @BC_RELEASE:          drop a strong reference on a handle
 * @BC_DECREFS:          drop a weak reference on a handle
 * @BC_INCREFS_DONE:     acknowledge BR_INCREFS (struct binder_ptr_cookie)
 * @BC_ACQUIRE_DONE:     acknowledge BR_ACQUIRE (struct binder_ptr_cookie)
 * @BC_ATTEMPT_ACQUIRE:  unsupported (struct binder_pri_desc)
 * @BC_REGISTER_LOOPER:  this thread was spawned after BR_SPAWN_LOOPER
 * @BC_ENTER_LOOPER:     this application thread starts serving calls
 * @BC_EXIT_LOOPER:      this thread stops serving calls
 * @BC_REQUEST_DEATH_NOTIFICATION: ask for BR_DEAD_BINDER when the object
 *                       behind a handle dies (struct binder_handle_cookie)
 * @BC_CLEAR_DEATH_NOTIFICATION:   cancel such a request
 * @BC_DEAD_BINDER_DONE: acknowledge BR_DEAD_BINDER (binder_uintptr_t cookie)
 * @BC_TRANSACTION_SG:   start a call with scatter-gather buffers
 *                       (struct binder_transaction_data_sg)
 * @BC_REPLY_SG:         reply with scatter-gather buffers
 */
enum binder_driver_command_protocol {
	BC_TRANSACTION = _IOW('c', 0, struct binder_transaction_data),
	BC_REPLY = _IOW('c', 1, struct binder_transaction_data),
	BC_ACQUIRE_RESULT = _IOW('c', 2, __s32),
	BC_FREE_BUFFER = _IOW('c', 3, binder_uintptr_t),
	BC_INCREFS = _IOW('c', 4, __u32),
	BC_ACQUIRE = _IOW('c', 5, __u32),
	BC_RELEASE = _IOW('c', 6, __u32),
	BC_DECREFS = _IOW('c', 7, __u32),
	BC_INCREFS_DONE = _IOW('c', 8, struct binder_ptr_cookie),
	BC_ACQUIRE_DONE = _IOW('c', 9, struct binder_ptr_cookie),
	BC_ATTEMPT_ACQUIRE = _IOW('c', 10, struct binder_pri_desc),
	BC_REGISTER_LOOPER = _IO('c', 11),
	BC_ENTER_LOOPER = _IO('c', 12),
	BC_EXIT_LOOPER = _IO('c', 13),
	BC_REQUEST_DEATH_NOTIFICATION = _IOW('c', 14,
					     struct binder_handle_cookie),
	BC_CLEAR_DEATH_NOTIFICATION = _IOW('c', 15,
					   struct binder_handle_cookie),
	BC_DEAD_BINDER_DONE = _IOW('c', 16, binder_uintptr_t),
	BC_TRANSACTION_SG = _IOW('c', 17, struct binder_transaction_data_sg),
	BC_REPLY_SG = _IOW('c', 18, struct binder_transaction_data_sg),
};

/*
 * Part 2: ipckit extensions (IPCKIT_ / ipckit_ names only)
 *
 * Rule: extensions only ever ADD new ioctl numbers under
 * IPCKIT_IOCTL_MAGIC.  They never change, reuse or renumber a Binder ioctl
 * ('b'), BC_* ('c') or BR_* ('r') code, and never change a Binder struct,
 * so unmodified Binder userspace keeps working.  An extension struct, once
 * published, is frozen: grow the interface with a new ioctl number (or use
 * a reserved field whose zero value means "old behaviour").
 */

/**
 * IPCKIT_IOCTL_MAGIC - ioctl type byte of ipckit's own ioctls
 *
 * 0xBB: not claimed in the kernel's
 * Documentation/userspace-api/ioctl/ioctl-number.rst (neighbours 0xB7 is
 * remoteproc_cdev.h and nsfs.h, 0xB8 mshv, 0xBA liveupdate) and unused by
 * the installed uapi headers.  Distinct from Binder's 'b' (0x62), so an
 * extension can never alias a Binder ioctl even if Binder grows.  The
 * commands are only accepted on ipckit device fds, and the encoded size and
 * direction make accidental matches on other drivers' fds fail cleanly.
 */
#define IPCKIT_IOCTL_MAGIC	0xBB

/**
 * IPCKIT_ABI_VERSION - version of the IPCKIT_ extension interface
 *
 * Bumped when an extension is added; userspace compares it to
 * &struct ipckit_version.abi_version to see which extensions exist.
 */
#define IPCKIT_ABI_VERSION	2

/**
 * struct ipckit_version - argument of IPCKIT_GET_VERSION (16 bytes)
 * @abi_version:      IPCKIT_ABI_VERSION the driver implements
 * @protocol_version: Binder protocol it speaks to this caller
 *                    (BINDER_CURRENT_PROTOCOL_VERSION, i.e. 8)
 * @flags:            IPCKIT_FEATURE_* bits of what this driver offers
 * @reserved:         0; room for a future field
 */
struct ipckit_version {
	__u32	abi_version;
	__u32	protocol_version;
	__u32	flags;
	__u32	reserved;
};

/*
 * IPCKIT_GET_VERSION - identify the driver as ipckit.  A plain binder
 * driver rejects this number (EINVAL/ENOTTY), so success also proves the
 * fd belongs to ipckit.
 */
#define IPCKIT_GET_VERSION	_IOR(IPCKIT_IOCTL_MAGIC, 1, struct ipckit_version)

/* &struct ipckit_version.flags (ABI version 2). */
#define IPCKIT_FEATURE_URING_CMD	(1U << 0)	/* IPCKIT_URING_CMD_WRITE_READ */
#define IPCKIT_FEATURE_NETLINK		(1U << 1)	/* family "ipckit" (netlink.rst) */
/* BC_REQUEST_FREEZE_NOTIFICATION and the rest of <linux/android/binder_freeze.h> */
#define IPCKIT_FEATURE_FREEZE_NOTIFICATION	(1U << 2)
/*
 * A binderfs-compatible filesystem is registered (binderfs.rst); its type
 * name ("binder", or "ipckitfs" when the kernel has its own binderfs) is
 * in /sys/module/ipckit/parameters/binderfs_type.
 */
#define IPCKIT_FEATURE_BINDERFS		(1U << 3)

/**
 * struct ipckit_uring_write_read - payload of IPCKIT_URING_CMD_WRITE_READ
 * @bwr:      user address of a &struct binder_write_read, exactly as the
 *            BINDER_WRITE_READ ioctl takes it
 * @flags:    0 (no flags are defined; others fail with EINVAL)
 * @reserved: 0
 *
 * Sent with IORING_OP_URING_CMD on an ipckit device fd, sqe->cmd_op set to
 * IPCKIT_URING_CMD_WRITE_READ and this struct in sqe->cmd (it fits the 16
 * bytes of a normal SQE). The calling task is the Binder thread, as with
 * the ioctl. The write part is consumed during submission (write_consumed
 * is stored back before io_uring_enter returns); when read_size is not 0
 * the command completes once the read delivered something (at once if it
 * can), without a thread blocking for it; read_consumed is stored back
 * then, so the struct and its buffers must stay valid until the CQE.
 * cqe->res is 0 or a negative errno, as the ioctl's return value, and
 * besides: EBUSY, a read is already pending on the thread (nothing was
 * written); EOPNOTSUPP, submitted from an io-wq worker (IOSQE_ASYNC) or
 * an SQPOLL thread; ECANCELED, the pending read ended by BINDER_THREAD_EXIT,
 * the submitter's exit or exec, or the ring's close. Documentation/uring.rst
 * has the rules.
 */
struct ipckit_uring_write_read {
	__u64	bwr;
	__u32	flags;
	__u32	reserved;
};

#define IPCKIT_URING_CMD_WRITE_READ \
	_IOWR(IPCKIT_IOCTL_MAGIC, 2, struct ipckit_uring_write_read)

#endif /* _UAPI_LINUX_IPCKIT_H */
