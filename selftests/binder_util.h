/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Raw Binder protocol helpers for ipckit's selftests (binder_util.c).
 *
 * Nothing here knows about the kselftest harness: every function returns
 * 0 or a negative errno and leaves the asserting to the test. Every wait
 * is bounded, so a driver that never answers makes a test fail with
 * -ETIMEDOUT instead of hanging the VM:
 *
 *  - a blocking BINDER_WRITE_READ runs under a per-thread watchdog timer
 *    (SIGEV_THREAD_ID) that interrupts it with a signal once the deadline
 *    has passed and then every 50 ms until the ioctl returns;
 *  - loops that read repeatedly also check an overall deadline;
 *  - forked helper processes get PR_SET_PDEATHSIG and are waited for with
 *    a timeout, then SIGKILLed.
 *
 * Per-thread state (the watchdog, BR_TRANSACTION_COMPLETEs still owed for
 * our own replies) lives in thread-local storage, so one binder_dev may be
 * shared by several threads of a process.
 */
#ifndef IPCKIT_BINDER_UTIL_H
#define IPCKIT_BINDER_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include <linux/ipckit.h>
#include <linux/android/binder_freeze.h>

/* The mapping size user libraries choose: 1 MiB minus two pages. */
#define BINDER_MAP_SIZE		((1 << 20) - 2 * 4096)

/* Default bound on any single wait for the driver. */
#define BINDER_WAIT_MS		5000

/* The BR_NOOP the driver puts first in every fresh read buffer. */
#define BINDER_NOOP_SIZE	sizeof(__u32)

/* One process's view of a device: its fd and receive area. */
struct binder_dev {
	int fd;
	void *map;
	size_t map_size;
	/*
	 * Called for every BR_TRANSACTION read while serving or while
	 * waiting for a reply (a nested call); it must answer with
	 * binder_reply() (or binder_free_buffer() for a one-way call).
	 * Returns 0 to go on, > 0 to stop serving, < 0 on error.
	 */
	int (*handler)(struct binder_dev *dev,
		       const struct binder_transaction_data *tr, void *arg);
	void *handler_arg;
	/*
	 * Optional: told of every BR_DEAD_BINDER read while serving or
	 * waiting (its cookie), before it is acknowledged with
	 * BC_DEAD_BINDER_DONE.
	 */
	void (*dead_binder)(struct binder_dev *dev, binder_uintptr_t cookie);
};

int binder_open_dev(struct binder_dev *dev, const char *path, int flags);
int binder_open_map(struct binder_dev *dev, const char *path, int flags,
		    size_t map_size);
void binder_close_dev(struct binder_dev *dev);

/* Plain ioctls: 0 or -errno. */
int binder_ioctl(int fd, unsigned long cmd, void *arg);
int binder_set_max_threads(int fd, __u32 max_threads);
int binder_set_context_mgr(int fd);
int binder_set_context_mgr_ext(int fd, binder_uintptr_t ptr,
			       binder_uintptr_t cookie, __u32 flags);
int binder_thread_exit(int fd);
int binder_get_extended_error(int fd, struct binder_extended_error *ee);
/*
 * Become context manager (with BINDER_SET_CONTEXT_MGR_EXT and fbo's
 * binder, cookie and flags when fbo is given), retrying -EBUSY until
 * timeout_ms has passed: the reference releases a dead manager from a
 * workqueue, after the process is gone.
 */
int binder_become_context_mgr(int fd, const struct flat_binder_object *fbo,
			      int timeout_ms);

/*
 * BINDER_WRITE_READ with bwr as given (the consumed fields are in/out):
 * 0 or -errno, -ETIMEDOUT when the watchdog had to interrupt it. -EINTR
 * from other signals is retried; the driver keeps what it consumed.
 */
int binder_write_read(int fd, struct binder_write_read *bwr, int timeout_ms);
int binder_write(int fd, const void *buf, size_t size, size_t *consumed);
int binder_read(int fd, void *buf, size_t size, size_t *consumed,
		int timeout_ms);

/* Building a write buffer of BC_* commands. */
struct binder_cmds {
	size_t len;
	bool overflow;
	unsigned char buf[512];
};

void bc_init(struct binder_cmds *c);
void bc_raw(struct binder_cmds *c, const void *data, size_t size);
void bc_cmd(struct binder_cmds *c, __u32 cmd);	/* no payload */
void bc_free_buffer(struct binder_cmds *c, binder_uintptr_t buffer);
void bc_transaction(struct binder_cmds *c, __u32 cmd,
		    const struct binder_transaction_data *tr);
void bc_ptr_cookie(struct binder_cmds *c, __u32 cmd, binder_uintptr_t ptr,
		   binder_uintptr_t cookie);
/* Write all of c: 0, -errno, or -EPROTO when the driver left a tail. */
int bc_send(int fd, const struct binder_cmds *c);
/* Write one command without payload (BC_ENTER_LOOPER, ...). */
int binder_cmd(int fd, __u32 cmd);

struct binder_transaction_data binder_txn(__u32 handle, __u32 code,
					  __u32 flags, const void *data,
					  size_t size);
void binder_txn_offsets(struct binder_transaction_data *tr,
			const binder_size_t *offsets, size_t count);

/* Walking the BR_* returns of a read buffer. */
struct binder_reader {
	const unsigned char *pos, *end;
	bool truncated;		/* a command's payload ran past the end */
};

void br_init(struct binder_reader *r, const void *buf, size_t size);
/* The next command and its payload; false at the end or on garbage. */
bool br_next(struct binder_reader *r, __u32 *cmd, const void **payload);
/* Commands of buf in order, up to max; returns how many were stored. */
size_t br_list(const void *buf, size_t size, __u32 *cmds, size_t max);
const char *binder_br_name(__u32 cmd);

/*
 * What the sender of a one-way call queued to a frozen process reads:
 * BR_TRANSACTION_PENDING_FROZEN on a kernel of 6.3 or later (uname), whose
 * binder sends it and for which ipckit, built for the running kernel,
 * does the same (kernel/compat.h, IPCKIT_SENDS_PENDING_FROZEN); else
 * @before, what 6.1 sends (BR_TRANSACTION_COMPLETE, or
 * BR_ONEWAY_SPAM_SUSPECT for a call suspected of spam: 6.3's code wins).
 */
__u32 binder_frozen_oneway_br(__u32 before);

/* "BR_NOOP BR_TRANSACTION_COMPLETE ...", for test logs (per thread). */
const char *binder_cmds_str(const __u32 *cmds, size_t n);
bool binder_cmds_eq(const __u32 *a, size_t na, const __u32 *b, size_t nb);

/* What one BC_TRANSACTION came back with. */
#define BINDER_MAX_SEEN 32
struct binder_result {
	/* BR_REPLY, BR_*_REPLY, or for one-way BR_TRANSACTION_COMPLETE */
	__u32 cmd;
	struct binder_transaction_data tr;	/* for BR_REPLY */
	/* every BR_* read while waiting except BR_NOOP, in order */
	__u32 seen[BINDER_MAX_SEEN];
	size_t nseen;
	unsigned int reads;		/* non-empty read buffers */
	unsigned int reads_not_noop;	/* ... not starting with BR_NOOP */
};

/*
 * One read (at most timeout_ms): the commands as they came, BR_NOOP
 * included, and a copy of the last BR_TRANSACTION/BR_REPLY payload.
 *
 * A read that brings nothing but BR_NOOP is retried, as every Binder
 * client does: the reference wakes all threads of a process with an
 * empty read whenever any copy of its fd is closed (binder_flush(), e.g.
 * when a forked child closes or exits), and a thread's first ioctl, if it
 * is a read, returns that way too. Use binder_read() to see those.
 */
struct binder_read_result {
	size_t consumed;
	__u32 cmds[BINDER_MAX_SEEN];
	size_t ncmds;
	bool has_tr;
	struct binder_transaction_data tr;
	__u32 buf[64] __attribute__((aligned(8)));	/* as libbinder's */
};

int binder_read_one(struct binder_dev *dev, struct binder_read_result *rr,
		    int timeout_ms);

/*
 * Send a transaction and wait (at most timeout_ms per read) for its end;
 * serves nested BR_TRANSACTIONs with dev->handler and answers reference
 * count requests. Returns 0 with res->cmd set, or -errno. A BR_REPLY's
 * buffer must be released with binder_free_buffer().
 */
int binder_call_tr(struct binder_dev *dev,
		   const struct binder_transaction_data *tr, __u32 cmd,
		   struct binder_result *res, int timeout_ms);
int binder_call(struct binder_dev *dev, __u32 handle, __u32 code,
		__u32 flags, const void *data, size_t size,
		struct binder_result *res);
/*
 * binder_call_tr() of a BC_TRANSACTION_SG: tr's BINDER_TYPE_PTR objects
 * carry buffers_size bytes of buffers in all.
 */
int binder_call_sg(struct binder_dev *dev,
		   const struct binder_transaction_data *tr,
		   binder_size_t buffers_size, struct binder_result *res,
		   int timeout_ms);
int binder_free_buffer(struct binder_dev *dev, binder_uintptr_t buffer);
bool binder_result_saw(const struct binder_result *res, __u32 cmd);

/*
 * Call handle 0 (code 0, no data) until the driver refuses it at once
 * for want of a context manager (BR_DEAD_REPLY, extended error command
 * BR_DEAD_REPLY), for at most timeout_ms: a manager that just exited is
 * released from a workqueue. res and ee are the last attempt's (ee was
 * read, so the thread's extended error is reset).
 */
int binder_call_no_manager(struct binder_dev *dev, struct binder_result *res,
			   struct binder_extended_error *ee, int timeout_ms);

/*
 * Answer req: BC_FREE_BUFFER of its buffer, then (unless it was one-way)
 * BC_REPLY with data, which must therefore not point into req's buffer.
 */
int binder_reply(struct binder_dev *dev,
		 const struct binder_transaction_data *req, __u32 flags,
		 const void *data, size_t size);
/* The same with a reply of any kind (objects and offsets included). */
int binder_reply_tr(struct binder_dev *dev,
		    const struct binder_transaction_data *req,
		    const struct binder_transaction_data *reply);

/*
 * Serve: BC_ENTER_LOOPER (if enter_looper), then read and dispatch until
 * the handler returns > 0 (returned) or < 0, or nothing arrives for
 * idle_ms (-ETIMEDOUT).
 */
int binder_serve(struct binder_dev *dev, bool enter_looper, int idle_ms);

/* Deterministic payloads: a 32-bit seed first, then bytes derived from it. */
void binder_fill(void *buf, size_t size, __u32 seed);
bool binder_check(const void *buf, size_t size);

/*
 * Child processes (servers, clients, second managers).
 *
 * A child forked after this process opened a Binder device inherits the
 * fd; closing it (the child does so at once) makes the driver flush this
 * process: its blocked readers wake with nothing (see binder_read_one()).
 * Tests that count exact read results fork their children first, before
 * opening the device, and hand them work later with binder_child_go().
 */
struct binder_child {
	pid_t pid;
	int ready_fd;		/* read end: the child's binder_child_ready() */
	int go_fd;		/* write end: binder_child_go() */
};

/*
 * fork(); the child closes every inherited fd above stderr (so it does
 * not keep the parent's binder files alive), dies with its parent, runs
 * fn(arg) and _exit()s with its return value (0..255).
 */
int binder_child_start(struct binder_child *c, int (*fn)(void *), void *arg);
/* In the child: tell the parent we are ready (value 0) or why not. */
void binder_child_ready(int value);
/* In the parent: the value the child reported, or -ETIMEDOUT/-EPIPE. */
int binder_child_wait_ready(struct binder_child *c, int timeout_ms);
/* Parent: send size bytes to the child, which waits for them with: */
int binder_child_go(struct binder_child *c, const void *buf, size_t size);
int binder_child_wait_go(void *buf, size_t size, int timeout_ms);
/* Wait for the child's exit, SIGKILL it after timeout_ms; wait status. */
int binder_child_finish(struct binder_child *c, int timeout_ms);
void binder_child_kill(struct binder_child *c);
/* "exited with 0", for asserting on binder_child_finish(). */
bool binder_child_ok(int status);

/*
 * The standard test server: a child that opens device, becomes context
 * manager (binder_become_context_mgr, or _EXT with ext_ptr/ext_cookie
 * when use_ext) and serves these codes until TEST_CODE_QUIT. Its exit
 * status is the number of problems it found (capped at 255).
 */
enum {
	TEST_CODE_ECHO = 1,	/* check the binder_fill() pattern, echo */
	TEST_CODE_SENDER,	/* reply struct test_sender_info */
	TEST_CODE_STATUS,	/* reply TF_STATUS_CODE with the __s32 sent */
	TEST_CODE_ONEWAY_SEQ,	/* one-way; binder_fill(), seed = sequence */
	TEST_CODE_COUNT,	/* reply struct test_oneway_count */
	TEST_CODE_REPLY_SIZE,	/* reply that many (__u64) bytes */
	TEST_CODE_DIE,		/* SIGKILL itself, never reply */
	TEST_CODE_QUIT,		/* reply, then exit */
};

struct test_sender_info {
	__s32 pid;		/* the BR_TRANSACTION's sender_pid */
	__u32 euid;		/* ... sender_euid */
	__u32 flags;		/* ... flags */
	__s32 server_tid;	/* thread that served it */
	binder_uintptr_t target_ptr;	/* ... target.ptr */
	binder_uintptr_t cookie;	/* ... cookie */
};

struct test_oneway_count {
	__u32 received;
	__u32 out_of_order;	/* sequence number != calls received so far */
	/*
	 * no TF_ONE_WAY, a sender_pid (the reference reports 0 for one-way
	 * calls), or a payload failing binder_check()
	 */
	__u32 bad;
};

struct test_server_opts {
	const char *device;
	bool use_ext;
	binder_uintptr_t ext_ptr, ext_cookie;
	__u32 max_threads;
	bool idle;		/* become manager, then never read */
};

int test_server_start(struct binder_child *c,
		      const struct test_server_opts *opts);
/* TEST_CODE_SENDER to handle 0 with flags. */
int test_call_sender(struct binder_dev *dev, __u32 flags,
		     struct test_sender_info *info);
/* Send TEST_CODE_QUIT from dev and collect the server's exit status. */
int test_server_stop(struct binder_child *c, struct binder_dev *dev);

/*
 * A client child: opens device, optionally drops to euid, makes count
 * (at least one) calls of code to handle, each of which must end with
 * expect (BR_REPLY if 0). Exit status: 0 all as expected, 1 open failed,
 * 2 setresuid failed, 3 a call failed with an errno, 4 unexpected end.
 */
struct test_client_opts {
	const char *device;
	__u32 handle, code, flags;
	unsigned int count;
	__u32 expect;
	uid_t euid;		/* 0: stay root */
};

int test_client_start(struct binder_child *c,
		      const struct test_client_opts *opts);
/*
 * The same in two steps: fork the client now, before this process opens
 * the device; it opens its device and calls once test_client_go() hands
 * it the rest of its options (opts->device is ignored there).
 */
int test_client_prefork(struct binder_child *c, const char *device);
int test_client_go(struct binder_child *c,
		   const struct test_client_opts *opts);

pid_t binder_gettid(void);
long long binder_now_ms(void);
void binder_sleep_ms(int ms);
/*
 * The running kernel is MAJOR.MINOR or newer: for the few tests whose
 * reference behaviour changed between the kernels the VM lanes boot
 * (Documentation/kernels.rst lists them).
 */
bool binder_kernel_at_least(int major, int minor);
/* 1: ipckit, 0: not (the reference rejects IPCKIT_GET_VERSION), -errno. */
int binder_is_ipckit(const char *path);
/* Run this thread on CPU cpu only (cpu < 0: leave it be): 0 or -errno. */
int binder_pin_cpu(int cpu);

/*
 * Node/ref tracking and death notification (refcount_test, death_test).
 */

/* BC_INCREFS/BC_ACQUIRE/BC_RELEASE/BC_DECREFS of handle. */
void bc_handle(struct binder_cmds *c, __u32 cmd, __u32 handle);
/* BC_REQUEST_DEATH_NOTIFICATION/BC_CLEAR_DEATH_NOTIFICATION. */
void bc_handle_cookie(struct binder_cmds *c, __u32 cmd, __u32 handle,
		      binder_uintptr_t cookie);
void bc_dead_binder_done(struct binder_cmds *c, binder_uintptr_t cookie);
/* Answer BR_INCREFS / BR_ACQUIRE (payload: its binder_ptr_cookie). */
int binder_ack_node(struct binder_dev *dev, __u32 cmd, const void *payload);

/*
 * BINDER_GET_NODE_DEBUG_INFO: info is filled with the caller's node of
 * the lowest ptr above ptr (info->ptr 0: none). 0 or -errno.
 */
int binder_get_node_debug_info(int fd, binder_uintptr_t ptr,
			       struct binder_node_debug_info *info);
/* BINDER_GET_NODE_INFO_FOR_REF with info as given: 0 or -errno. */
int binder_get_node_info_for_ref(int fd, struct binder_node_info_for_ref *info);

/* A BR_* command with the binder_uintptr_t values of its payload. */
struct binder_event {
	__u32 cmd;
	/* BR_INCREFS, BR_ACQUIRE, BR_RELEASE, BR_DECREFS: the node's */
	binder_uintptr_t ptr;
	/*
	 * ... and its cookie; BR_DEAD_BINDER and
	 * BR_CLEAR_DEATH_NOTIFICATION_DONE: the recipient's cookie
	 */
	binder_uintptr_t cookie;
};

/* The commands of buf but BR_NOOP, at most max: how many were stored. */
size_t br_events(const void *buf, size_t size, struct binder_event *ev,
		 size_t max);
/* "BR_INCREFS(0x1000,0xc) BR_REPLY ...", for test logs, into str. */
const char *binder_events_str(const struct binder_event *ev, size_t n,
			      char *str, size_t size);
bool binder_events_eq(const struct binder_event *a, size_t na,
		      const struct binder_event *b, size_t nb);

/*
 * More than one value from a child (after binder_child_ready()): size
 * bytes, at most PIPE_BUF, sent whole. 0, -EPIPE, or for the parent
 * -ETIMEDOUT.
 */
int binder_child_send(const void *buf, size_t size);
int binder_child_recv(struct binder_child *c, void *buf, size_t size,
		      int timeout_ms);

/*
 * A puppet child's command loop: wait (up to 60 s) for the parent's
 * request into req, zero rep, let handle() act and fill rep, send rep
 * back. handle() returns false to end the loop (a quit request) with no
 * report. Returns the puppet's exit status: 0 after a quit, 3 when no
 * request came, 4 when the report could not be sent.
 */
int binder_puppet_loop(void *req, size_t req_size, void *rep, size_t rep_size,
		       bool (*handle)(void *ctx, void *req, void *rep),
		       void *ctx);

/*
 * A puppet child's start: report setup (0 or -errno from opening its
 * device and so on) to the parent with binder_child_ready(), then run
 * binder_puppet_loop(). Exit status 2 when setup failed, else the loop's.
 */
int binder_puppet_run(int setup, void *req, size_t req_size, void *rep,
		      size_t rep_size,
		      bool (*handle)(void *ctx, void *req, void *rep),
		      void *ctx);

/*
 * A serving child's device: open path into dev, become context manager
 * (binder_become_context_mgr() with fbo, for up to mgr_ms), then
 * BC_ENTER_LOOPER. 0 or -errno.
 */
int binder_open_manager(struct binder_dev *dev, const char *path,
			const struct flat_binder_object *fbo, int mgr_ms);

/*
 * Read (at most 8 times, each for up to timeout_ms) until a read ends
 * with a BR_TRANSACTION: 0 with that read in rr, -EPROTO when none came.
 */
int binder_read_call(struct binder_dev *dev, struct binder_read_result *rr,
		     int timeout_ms);
/* The same, handing every read to seen(ctx, rr) as it comes. */
int binder_read_call_seen(struct binder_dev *dev, struct binder_read_result *rr,
			  int timeout_ms,
			  void (*seen)(void *ctx,
				       const struct binder_read_result *rr),
			  void *ctx);

/*
 * Read (at most 8 times, each for up to timeout_ms) until a call of ours
 * ends: every command but BR_NOOP is appended to ev[*nev..max), node
 * commands unanswered. BR_REPLY: its buffer is freed, 0 (or the free's
 * error); BR_DEAD_REPLY, BR_FAILED_REPLY or no end: -EPROTO.
 */
int binder_read_call_end(struct binder_dev *dev, struct binder_event *ev,
			 size_t *nev, size_t max, int timeout_ms);

/* BC_INCREFS_DONE/BC_ACQUIRE_DONE (cmd) of a node: 0 or -errno. */
int binder_node_done(int fd, __u32 cmd, binder_uintptr_t ptr,
		     binder_uintptr_t cookie);

/* A memfd called name holding text (and its NUL); -errno on failure. */
int binder_memfd(const char *name, const char *text);
bool binder_fd_is_open(int fd);

/*
 * One write of n handle commands (bc_handle(): BC_INCREFS, BC_ACQUIRE,
 * ...): 0 or -errno, *consumed as the driver took it.
 */
/* The start of a small text file (sysfs, procfs), NUL-terminated; -errno. */
int binder_read_text(const char *path, char *buf, size_t size);
int binder_write_handles(int fd, const __u32 *cmd, const __u32 *handle,
			 size_t n, size_t *consumed);

#endif /* IPCKIT_BINDER_UTIL_H */
