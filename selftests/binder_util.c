// SPDX-License-Identifier: GPL-2.0
/* Raw Binder protocol helpers for the selftests; see binder_util.h. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "binder_util.h"

#define READ_BUF_SIZE	256
#define WATCHDOG_REPEAT_MS 50

pid_t binder_gettid(void)
{
	return syscall(SYS_gettid);
}

long long binder_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

bool binder_kernel_at_least(int major, int minor)
{
	struct utsname u;
	int ma = 0, mi = 0;

	if (uname(&u) || sscanf(u.release, "%d.%d", &ma, &mi) != 2)
		return false;
	return ma > major || (ma == major && mi >= minor);
}

int binder_is_ipckit(const char *path)
{
	struct ipckit_version ver;
	int fd, ret;

	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (!ioctl(fd, IPCKIT_GET_VERSION, &ver))
		ret = 1;
	else if (errno == EINVAL || errno == ENOTTY)
		ret = 0;
	else
		ret = -errno;
	close(fd);
	return ret;
}

int binder_pin_cpu(int cpu)
{
	cpu_set_t set;

	if (cpu < 0)
		return 0;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set) ? -errno : 0;
}

void binder_sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/* --- per-thread watchdog --------------------------------------------- */

static __thread pid_t wd_tid;		/* thread owning wd_timer */
static __thread timer_t wd_timer;
static __thread volatile sig_atomic_t wd_fired;

/* BR_TRANSACTION_COMPLETEs still due for this thread's own BC_REPLYs. */
static __thread unsigned int tc_owed;

static int watchdog_signal(void)
{
	return SIGRTMIN + 3;
}

static void watchdog_handler(int sig)
{
	wd_fired = 1;
}

static void ms_to_ts(int ms, struct timespec *ts)
{
	ts->tv_sec = ms / 1000;
	ts->tv_nsec = (ms % 1000) * 1000000L;
}

static int watchdog_arm(int timeout_ms)
{
	struct itimerspec its = { };
	pid_t tid = binder_gettid();

	if (timeout_ms < 0)
		return 0;
	if (wd_tid != tid) {
		/* First use in this thread (or a forked copy of it). */
		struct sigaction sa = { .sa_handler = watchdog_handler };
		struct sigevent sev = {
			.sigev_notify = SIGEV_THREAD_ID,
			.sigev_signo = watchdog_signal(),
		};

		sigemptyset(&sa.sa_mask);
		/* No SA_RESTART: the blocked ioctl must return -EINTR. */
		if (sigaction(watchdog_signal(), &sa, NULL))
			return -errno;
		sev._sigev_un._tid = tid;
		if (timer_create(CLOCK_MONOTONIC, &sev, &wd_timer))
			return -errno;
		wd_tid = tid;
	}
	wd_fired = 0;
	ms_to_ts(timeout_ms ? timeout_ms : 1, &its.it_value);
	/* Keep firing, in case the first one landed just before the ioctl. */
	ms_to_ts(WATCHDOG_REPEAT_MS, &its.it_interval);
	return timer_settime(wd_timer, 0, &its, NULL) ? -errno : 0;
}

static void watchdog_disarm(int timeout_ms)
{
	struct itimerspec its = { };

	if (timeout_ms >= 0 && wd_tid == binder_gettid())
		timer_settime(wd_timer, 0, &its, NULL);
}

/* --- device and ioctls ----------------------------------------------- */

int binder_open_map(struct binder_dev *dev, const char *path, int flags,
		    size_t map_size)
{
	memset(dev, 0, sizeof(*dev));
	dev->fd = open(path, O_RDWR | O_CLOEXEC | flags);
	if (dev->fd < 0)
		return -errno;
	if (map_size) {
		dev->map = mmap(NULL, map_size, PROT_READ, MAP_PRIVATE,
				dev->fd, 0);
		if (dev->map == MAP_FAILED) {
			int err = -errno;

			close(dev->fd);
			memset(dev, 0, sizeof(*dev));
			return err;
		}
		dev->map_size = map_size;
	}
	return 0;
}

int binder_open_dev(struct binder_dev *dev, const char *path, int flags)
{
	return binder_open_map(dev, path, flags, BINDER_MAP_SIZE);
}

/* A zeroed binder_dev is "not open": our fds are never 0 (stdin). */
void binder_close_dev(struct binder_dev *dev)
{
	if (dev->map)
		munmap(dev->map, dev->map_size);
	if (dev->fd > 0)
		close(dev->fd);
	memset(dev, 0, sizeof(*dev));
}

int binder_ioctl(int fd, unsigned long cmd, void *arg)
{
	return ioctl(fd, cmd, arg) ? -errno : 0;
}

int binder_set_max_threads(int fd, __u32 max_threads)
{
	return binder_ioctl(fd, BINDER_SET_MAX_THREADS, &max_threads);
}

int binder_set_context_mgr(int fd)
{
	return ioctl(fd, BINDER_SET_CONTEXT_MGR, 0) ? -errno : 0;
}

int binder_set_context_mgr_ext(int fd, binder_uintptr_t ptr,
			       binder_uintptr_t cookie, __u32 flags)
{
	struct flat_binder_object fbo = {
		.hdr.type = BINDER_TYPE_BINDER,
		.flags = flags,
		.binder = ptr,
		.cookie = cookie,
	};

	return binder_ioctl(fd, BINDER_SET_CONTEXT_MGR_EXT, &fbo);
}

int binder_thread_exit(int fd)
{
	return ioctl(fd, BINDER_THREAD_EXIT, 0) ? -errno : 0;
}

int binder_get_extended_error(int fd, struct binder_extended_error *ee)
{
	memset(ee, 0xa5, sizeof(*ee));
	return binder_ioctl(fd, BINDER_GET_EXTENDED_ERROR, ee);
}

int binder_become_context_mgr(int fd, const struct flat_binder_object *fbo,
			      int timeout_ms)
{
	long long deadline = binder_now_ms() + timeout_ms;
	int ret;

	for (;;) {
		if (fbo)
			ret = binder_set_context_mgr_ext(fd, fbo->binder,
							 fbo->cookie,
							 fbo->flags);
		else
			ret = binder_set_context_mgr(fd);
		if (ret != -EBUSY || binder_now_ms() >= deadline)
			return ret;
		binder_sleep_ms(5);
	}
}

int binder_write_read(int fd, struct binder_write_read *bwr, int timeout_ms)
{
	bool blocking = bwr->read_size > 0;
	int ret;

	if (blocking) {
		ret = watchdog_arm(timeout_ms);
		if (ret)
			return ret;
	}
	for (;;) {
		ret = binder_ioctl(fd, BINDER_WRITE_READ, bwr);
		if (ret != -EINTR)
			break;
		if (wd_fired) {
			ret = -ETIMEDOUT;
			break;
		}
		/* Another signal: what was consumed stays consumed. */
	}
	if (blocking)
		watchdog_disarm(timeout_ms);
	return ret;
}

int binder_write(int fd, const void *buf, size_t size, size_t *consumed)
{
	struct binder_write_read bwr = {
		.write_size = size,
		.write_buffer = (uintptr_t)buf,
	};
	int ret = binder_write_read(fd, &bwr, -1);

	if (consumed)
		*consumed = bwr.write_consumed;
	return ret;
}

int binder_read(int fd, void *buf, size_t size, size_t *consumed,
		int timeout_ms)
{
	struct binder_write_read bwr = {
		.read_size = size,
		.read_buffer = (uintptr_t)buf,
	};
	int ret = binder_write_read(fd, &bwr, timeout_ms);

	if (consumed)
		*consumed = bwr.read_consumed;
	return ret;
}

/* --- BC_* builders ---------------------------------------------------- */

void bc_init(struct binder_cmds *c)
{
	c->len = 0;
	c->overflow = false;
}

void bc_raw(struct binder_cmds *c, const void *data, size_t size)
{
	if (c->len + size > sizeof(c->buf)) {
		c->overflow = true;
		return;
	}
	memcpy(c->buf + c->len, data, size);
	c->len += size;
}

void bc_cmd(struct binder_cmds *c, __u32 cmd)
{
	bc_raw(c, &cmd, sizeof(cmd));
}

void bc_free_buffer(struct binder_cmds *c, binder_uintptr_t buffer)
{
	bc_cmd(c, BC_FREE_BUFFER);
	bc_raw(c, &buffer, sizeof(buffer));
}

void bc_transaction(struct binder_cmds *c, __u32 cmd,
		    const struct binder_transaction_data *tr)
{
	bc_cmd(c, cmd);
	bc_raw(c, tr, sizeof(*tr));
}

void bc_ptr_cookie(struct binder_cmds *c, __u32 cmd, binder_uintptr_t ptr,
		   binder_uintptr_t cookie)
{
	struct binder_ptr_cookie pc = { .ptr = ptr, .cookie = cookie };

	bc_cmd(c, cmd);
	bc_raw(c, &pc, sizeof(pc));
}

int bc_send(int fd, const struct binder_cmds *c)
{
	size_t consumed = 0;
	int ret;

	if (c->overflow)
		return -E2BIG;
	ret = binder_write(fd, c->buf, c->len, &consumed);
	if (ret)
		return ret;
	return consumed == c->len ? 0 : -EPROTO;
}

int binder_cmd(int fd, __u32 cmd)
{
	struct binder_cmds c;

	bc_init(&c);
	bc_cmd(&c, cmd);
	return bc_send(fd, &c);
}

struct binder_transaction_data binder_txn(__u32 handle, __u32 code,
					  __u32 flags, const void *data,
					  size_t size)
{
	struct binder_transaction_data tr = {
		.target.handle = handle,
		.code = code,
		.flags = flags,
		.data_size = size,
		.data.ptr.buffer = (uintptr_t)data,
	};

	return tr;
}

void binder_txn_offsets(struct binder_transaction_data *tr,
			const binder_size_t *offsets, size_t count)
{
	tr->offsets_size = count * sizeof(binder_size_t);
	tr->data.ptr.offsets = (uintptr_t)offsets;
}

/* --- BR_* reader ------------------------------------------------------ */

void br_init(struct binder_reader *r, const void *buf, size_t size)
{
	r->pos = buf;
	r->end = r->pos + size;
	r->truncated = false;
}

bool br_next(struct binder_reader *r, __u32 *cmd, const void **payload)
{
	size_t size;

	if (r->end - r->pos < (long)sizeof(*cmd))
		return false;
	memcpy(cmd, r->pos, sizeof(*cmd));
	size = _IOC_SIZE(*cmd);
	if (_IOC_TYPE(*cmd) != 'r' ||
	    r->end - r->pos - sizeof(*cmd) < size) {
		r->truncated = true;
		return false;
	}
	*payload = r->pos + sizeof(*cmd);
	r->pos += sizeof(*cmd) + size;
	return true;
}

size_t br_list(const void *buf, size_t size, __u32 *cmds, size_t max)
{
	struct binder_reader r;
	const void *payload;
	size_t n = 0;
	__u32 cmd;

	br_init(&r, buf, size);
	while (n < max && br_next(&r, &cmd, &payload))
		cmds[n++] = cmd;
	return n;
}

const char *binder_cmds_str(const __u32 *cmds, size_t n)
{
	static __thread char str[BINDER_MAX_SEEN * 34];
	size_t i, len = 0;

	str[0] = 0;
	for (i = 0; i < n && len < sizeof(str); i++)
		len += snprintf(str + len, sizeof(str) - len, "%s%s",
				i ? " " : "", binder_br_name(cmds[i]));
	return str;
}

bool binder_cmds_eq(const __u32 *a, size_t na, const __u32 *b, size_t nb)
{
	return na == nb && !memcmp(a, b, na * sizeof(*a));
}

const char *binder_br_name(__u32 cmd)
{
	switch (cmd) {
#define BR_NAME(x) case x: return #x
	BR_NAME(BR_ERROR);
	BR_NAME(BR_OK);
	BR_NAME(BR_TRANSACTION_SEC_CTX);
	BR_NAME(BR_TRANSACTION);
	BR_NAME(BR_REPLY);
	BR_NAME(BR_ACQUIRE_RESULT);
	BR_NAME(BR_DEAD_REPLY);
	BR_NAME(BR_TRANSACTION_COMPLETE);
	BR_NAME(BR_INCREFS);
	BR_NAME(BR_ACQUIRE);
	BR_NAME(BR_RELEASE);
	BR_NAME(BR_DECREFS);
	BR_NAME(BR_ATTEMPT_ACQUIRE);
	BR_NAME(BR_NOOP);
	BR_NAME(BR_SPAWN_LOOPER);
	BR_NAME(BR_FINISHED);
	BR_NAME(BR_DEAD_BINDER);
	BR_NAME(BR_CLEAR_DEATH_NOTIFICATION_DONE);
	BR_NAME(BR_FAILED_REPLY);
	BR_NAME(BR_FROZEN_REPLY);
	BR_NAME(BR_ONEWAY_SPAM_SUSPECT);
	BR_NAME(BR_TRANSACTION_PENDING_FROZEN);
	BR_NAME(BR_FROZEN_BINDER);
	BR_NAME(BR_CLEAR_FREEZE_NOTIFICATION_DONE);
#undef BR_NAME
	case 0:
		return "(none)";
	default:
		return "(unknown)";
	}
}

__u32 binder_frozen_oneway_br(__u32 before)
{
	struct utsname u;
	int major, minor;

	if (uname(&u) || sscanf(u.release, "%d.%d", &major, &minor) != 2)
		return before;
	return major > 6 || (major == 6 && minor >= 3) ?
	       BR_TRANSACTION_PENDING_FROZEN : before;
}

/* --- transactions ----------------------------------------------------- */

struct wait_state {
	struct binder_result *res;	/* NULL while serving */
	bool oneway;
	bool done;
	int stop;			/* handler's > 0 while serving */
};

int binder_ack_node(struct binder_dev *dev, __u32 cmd, const void *payload)
{
	const struct binder_ptr_cookie *pc = payload;
	struct binder_cmds c;

	bc_init(&c);
	bc_ptr_cookie(&c, cmd == BR_INCREFS ? BC_INCREFS_DONE : BC_ACQUIRE_DONE,
		      pc->ptr, pc->cookie);
	return bc_send(dev->fd, &c);
}

static int ack_dead_binder(struct binder_dev *dev, const void *payload)
{
	struct binder_cmds c;

	bc_init(&c);
	bc_cmd(&c, BC_DEAD_BINDER_DONE);
	bc_raw(&c, payload, sizeof(binder_uintptr_t));
	return bc_send(dev->fd, &c);
}

static int handle_cmd(struct binder_dev *dev, __u32 cmd, const void *payload,
		      struct wait_state *ws)
{
	struct binder_result *res = ws->res;
	int ret;

	if (res && cmd != BR_NOOP && res->nseen < BINDER_MAX_SEEN)
		res->seen[res->nseen++] = cmd;
	switch (cmd) {
	case BR_NOOP:
	case BR_SPAWN_LOOPER:
	case BR_OK:
	case BR_RELEASE:
	case BR_DECREFS:
	case BR_CLEAR_DEATH_NOTIFICATION_DONE:
		return 0;
	case BR_INCREFS:
	case BR_ACQUIRE:
		return binder_ack_node(dev, cmd, payload);
	case BR_DEAD_BINDER:
		if (dev->dead_binder) {
			binder_uintptr_t cookie;

			memcpy(&cookie, payload, sizeof(cookie));
			dev->dead_binder(dev, cookie);
		}
		return ack_dead_binder(dev, payload);
	case BR_TRANSACTION_COMPLETE:
	case BR_ONEWAY_SPAM_SUSPECT:
	case BR_TRANSACTION_PENDING_FROZEN:
		if (tc_owed) {
			tc_owed--;		/* for one of our replies */
		} else if (res && ws->oneway) {
			res->cmd = cmd;
			ws->done = true;
		}
		return 0;
	case BR_REPLY:
		if (!res || ws->oneway)
			return -EPROTO;
		memcpy(&res->tr, payload, sizeof(res->tr));
		res->cmd = cmd;
		ws->done = true;
		return 0;
	case BR_DEAD_REPLY:
	case BR_FAILED_REPLY:
	case BR_FROZEN_REPLY:
		if (!res)
			return -EPROTO;
		res->cmd = cmd;
		ws->done = true;
		return 0;
	case BR_TRANSACTION:
	case BR_TRANSACTION_SEC_CTX:
		if (!dev->handler)
			return -EPROTO;
		ret = dev->handler(dev, payload, dev->handler_arg);
		if (ret > 0 && !res)
			ws->stop = ret;	/* only serving stops */
		return ret < 0 ? ret : 0;
	default:
		return -EPROTO;
	}
}

/* Dispatch every command of one read buffer. */
static int handle_buffer(struct binder_dev *dev, const void *buf, size_t size,
			 struct wait_state *ws)
{
	struct binder_reader r;
	const void *payload;
	__u32 cmd;
	int ret;

	br_init(&r, buf, size);
	if (ws->res && size) {
		ws->res->reads++;
		cmd = 0;
		memcpy(&cmd, buf, size < sizeof(cmd) ? size : sizeof(cmd));
		if (cmd != BR_NOOP)
			ws->res->reads_not_noop++;
	}
	while (br_next(&r, &cmd, &payload)) {
		ret = handle_cmd(dev, cmd, payload, ws);
		if (ret)
			return ret;
	}
	return r.truncated || r.pos != r.end ? -EPROTO : 0;
}

/*
 * Write wbuf (if any) and read until ws is done or stopped. Each read is
 * bounded by timeout_ms, the whole wait by four times that; while serving
 * (ws->res NULL) the four times restart with every read that brought
 * something, so only idleness ends a busy server.
 */
static int wait_loop(struct binder_dev *dev, const void *wbuf, size_t wlen,
		     struct wait_state *ws, int timeout_ms)
{
	long long deadline = binder_now_ms() + 4LL * timeout_ms;
	__u32 rbuf[READ_BUF_SIZE / 4] __attribute__((aligned(8)));
	struct binder_write_read bwr = {
		.write_size = wlen,
		.write_buffer = (uintptr_t)wbuf,
	};
	int ret;

	while (!ws->done && !ws->stop) {
		long long left = deadline - binder_now_ms();

		if (left <= 0)
			return -ETIMEDOUT;
		bwr.read_size = sizeof(rbuf);
		bwr.read_consumed = 0;
		bwr.read_buffer = (uintptr_t)rbuf;
		ret = binder_write_read(dev->fd, &bwr,
					left < timeout_ms ? left : timeout_ms);
		if (ret)
			return ret;
		/* The driver must have taken all of the write at once. */
		if (bwr.write_consumed != bwr.write_size)
			return -EPROTO;
		bwr.write_size = 0;
		bwr.write_consumed = 0;
		ret = handle_buffer(dev, rbuf, bwr.read_consumed, ws);
		if (ret)
			return ret;
		if (!ws->res)
			deadline = binder_now_ms() + 4LL * timeout_ms;
	}
	return 0;
}

/* Write c, which ends with the transaction, and wait for its end. */
static int call_cmds(struct binder_dev *dev, const struct binder_cmds *c,
		     bool oneway, struct binder_result *res, int timeout_ms)
{
	struct wait_state ws = {
		.res = res,
		.oneway = oneway,
	};

	memset(res, 0, sizeof(*res));
	if (c->overflow)
		return -E2BIG;
	return wait_loop(dev, c->buf, c->len, &ws, timeout_ms);
}

int binder_call_tr(struct binder_dev *dev,
		   const struct binder_transaction_data *tr, __u32 cmd,
		   struct binder_result *res, int timeout_ms)
{
	struct binder_cmds c;

	bc_init(&c);
	bc_transaction(&c, cmd, tr);
	return call_cmds(dev, &c, tr->flags & TF_ONE_WAY, res, timeout_ms);
}

int binder_call_sg(struct binder_dev *dev,
		   const struct binder_transaction_data *tr,
		   binder_size_t buffers_size, struct binder_result *res,
		   int timeout_ms)
{
	struct binder_transaction_data_sg sg = {
		.transaction_data = *tr,
		.buffers_size = buffers_size,
	};
	struct binder_cmds c;

	bc_init(&c);
	bc_cmd(&c, BC_TRANSACTION_SG);
	bc_raw(&c, &sg, sizeof(sg));
	return call_cmds(dev, &c, tr->flags & TF_ONE_WAY, res, timeout_ms);
}

int binder_call(struct binder_dev *dev, __u32 handle, __u32 code,
		__u32 flags, const void *data, size_t size,
		struct binder_result *res)
{
	struct binder_transaction_data tr = binder_txn(handle, code, flags,
						       data, size);

	return binder_call_tr(dev, &tr, BC_TRANSACTION, res, BINDER_WAIT_MS);
}

int binder_read_one(struct binder_dev *dev, struct binder_read_result *rr,
		    int timeout_ms)
{
	struct binder_reader r;
	const void *payload;
	__u32 cmd;
	int ret;

	long long deadline = binder_now_ms() + timeout_ms;

	do {
		memset(rr, 0, sizeof(*rr));
		ret = binder_read(dev->fd, rr->buf, sizeof(rr->buf),
				  &rr->consumed, timeout_ms);
		if (ret)
			return ret;
		if (binder_now_ms() > deadline)
			return -ETIMEDOUT;
	} while (rr->consumed == BINDER_NOOP_SIZE &&
		 rr->buf[0] == BR_NOOP);
	br_init(&r, rr->buf, rr->consumed);
	while (br_next(&r, &cmd, &payload)) {
		if (rr->ncmds < BINDER_MAX_SEEN)
			rr->cmds[rr->ncmds++] = cmd;
		if ((cmd == BR_TRANSACTION_COMPLETE ||
		     cmd == BR_ONEWAY_SPAM_SUSPECT) && tc_owed)
			tc_owed--;
		if (cmd == BR_TRANSACTION || cmd == BR_REPLY ||
		    cmd == BR_TRANSACTION_SEC_CTX) {
			memcpy(&rr->tr, payload, sizeof(rr->tr));
			rr->has_tr = true;
		}
	}
	return r.truncated || r.pos != r.end ? -EPROTO : 0;
}

int binder_free_buffer(struct binder_dev *dev, binder_uintptr_t buffer)
{
	struct binder_cmds c;

	bc_init(&c);
	bc_free_buffer(&c, buffer);
	return bc_send(dev->fd, &c);
}

bool binder_result_saw(const struct binder_result *res, __u32 cmd)
{
	size_t i;

	for (i = 0; i < res->nseen; i++)
		if (res->seen[i] == cmd)
			return true;
	return false;
}

int binder_call_no_manager(struct binder_dev *dev, struct binder_result *res,
			   struct binder_extended_error *ee, int timeout_ms)
{
	long long deadline = binder_now_ms() + timeout_ms;
	int ret;

	for (;;) {
		ret = binder_call(dev, 0, 0, 0, NULL, 0, res);
		if (!ret)
			ret = binder_get_extended_error(dev->fd, ee);
		if (ret)
			return ret;
		if (res->cmd == BR_REPLY)	/* there is a manager */
			return binder_free_buffer(dev, res->tr.data.ptr.buffer);
		if ((res->cmd == BR_DEAD_REPLY && ee->command == BR_DEAD_REPLY) ||
		    binder_now_ms() >= deadline)
			return 0;
		binder_sleep_ms(10);
	}
}

int binder_reply_tr(struct binder_dev *dev,
		    const struct binder_transaction_data *req,
		    const struct binder_transaction_data *reply)
{
	bool oneway = req->flags & TF_ONE_WAY;
	struct binder_cmds c;
	int ret;

	bc_init(&c);
	bc_free_buffer(&c, req->data.ptr.buffer);
	if (!oneway)
		bc_transaction(&c, BC_REPLY, reply);
	ret = bc_send(dev->fd, &c);
	if (!ret && !oneway)
		tc_owed++;
	return ret;
}

int binder_reply(struct binder_dev *dev,
		 const struct binder_transaction_data *req, __u32 flags,
		 const void *data, size_t size)
{
	struct binder_transaction_data tr = binder_txn(0, 0, flags, data, size);

	return binder_reply_tr(dev, req, &tr);
}

int binder_serve(struct binder_dev *dev, bool enter_looper, int idle_ms)
{
	struct wait_state ws = { };
	struct binder_cmds c;
	int ret;

	if (enter_looper) {
		bc_init(&c);
		bc_cmd(&c, BC_ENTER_LOOPER);
		ret = bc_send(dev->fd, &c);
		if (ret)
			return ret;
	}
	/* wait_loop() restarts its deadline with every read while serving. */
	ret = wait_loop(dev, NULL, 0, &ws, idle_ms);
	return ret ? ret : ws.stop;
}

/* --- payloads --------------------------------------------------------- */

static void pattern(unsigned char *p, size_t size, __u32 seed)
{
	__u32 x = seed ^ 0x9e3779b9u;
	size_t i;

	for (i = 0; i < size; i++) {
		x = x * 1103515245u + 12345u;
		p[i] = x >> 24;
	}
}

void binder_fill(void *buf, size_t size, __u32 seed)
{
	if (size < sizeof(seed)) {
		memset(buf, (int)seed, size);
		return;
	}
	memcpy(buf, &seed, sizeof(seed));
	pattern((unsigned char *)buf + sizeof(seed), size - sizeof(seed), seed);
}

bool binder_check(const void *buf, size_t size)
{
	const unsigned char *p = buf;
	__u32 seed, x;
	size_t i;

	if (size < sizeof(seed))
		return true;
	memcpy(&seed, p, sizeof(seed));
	x = seed ^ 0x9e3779b9u;
	for (i = sizeof(seed); i < size; i++) {
		x = x * 1103515245u + 12345u;
		if (p[i] != (unsigned char)(x >> 24))
			return false;
	}
	return true;
}

/* --- child processes -------------------------------------------------- */

static int child_ready_fd = -1, child_go_fd = -1;

/* In the child: keep fds 0-2 and the two pipe ends (moved to 3 and 4). */
static void child_close_fds(int ready, int go)
{
	ready = fcntl(ready, F_DUPFD_CLOEXEC, 16);
	go = fcntl(go, F_DUPFD_CLOEXEC, 16);
	if (ready < 0 || go < 0 || dup3(ready, 3, O_CLOEXEC) != 3 ||
	    dup3(go, 4, O_CLOEXEC) != 4)
		_exit(251);
	close_range(5, ~0U, 0);
	child_ready_fd = 3;
	child_go_fd = 4;
}

int binder_child_start(struct binder_child *c, int (*fn)(void *), void *arg)
{
	pid_t parent = getpid();
	int ready[2], go[2];

	c->pid = 0;
	c->ready_fd = -1;
	c->go_fd = -1;
	if (pipe2(ready, O_CLOEXEC))
		return -errno;
	if (pipe2(go, O_CLOEXEC)) {
		close(ready[0]);
		close(ready[1]);
		return -errno;
	}
	fflush(stdout);
	fflush(stderr);
	c->pid = fork();
	if (c->pid == 0) {
		/* Dies with the thread that forked it (tests fork from main). */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(253);
		child_close_fds(ready[1], go[0]);
		tc_owed = 0;
		_exit(fn(arg) & 0xff);
	}
	close(ready[1]);
	close(go[0]);
	if (c->pid < 0) {
		int err = -errno;

		close(ready[0]);
		close(go[1]);
		c->pid = 0;
		return err;
	}
	c->ready_fd = ready[0];
	c->go_fd = go[1];
	return 0;
}

int binder_child_go(struct binder_child *c, const void *buf, size_t size)
{
	if (c->pid <= 0 || c->go_fd < 0)
		return -ESRCH;
	return write(c->go_fd, buf, size) == (ssize_t)size ? 0 : -EPIPE;
}

int binder_child_wait_go(void *buf, size_t size, int timeout_ms)
{
	struct pollfd pfd = { .fd = child_go_fd, .events = POLLIN };
	int n = poll(&pfd, 1, timeout_ms);

	if (n < 0)
		return -errno;
	if (n == 0)
		return -ETIMEDOUT;
	return read(child_go_fd, buf, size) == (ssize_t)size ? 0 : -EPIPE;
}

void binder_child_ready(int value)
{
	if (child_ready_fd >= 0 &&
	    write(child_ready_fd, &value, sizeof(value)) != sizeof(value))
		_exit(252);
}

int binder_child_wait_ready(struct binder_child *c, int timeout_ms)
{
	struct pollfd pfd = { .fd = c->ready_fd, .events = POLLIN };
	int value;
	ssize_t n;

	if (c->ready_fd < 0)
		return -EBADF;
	n = poll(&pfd, 1, timeout_ms);
	if (n < 0)
		return -errno;
	if (n == 0)
		return -ETIMEDOUT;
	n = read(c->ready_fd, &value, sizeof(value));
	if (n != sizeof(value))
		return -EPIPE;	/* died before reporting */
	return value;
}

int binder_child_finish(struct binder_child *c, int timeout_ms)
{
	long long deadline = binder_now_ms() + timeout_ms;
	int status = -1;
	pid_t pid;

	if (c->pid <= 0)
		return -1;
	for (;;) {
		pid = waitpid(c->pid, &status, WNOHANG);
		if (pid == c->pid || pid < 0)
			break;
		if (binder_now_ms() >= deadline) {
			kill(c->pid, SIGKILL);
			waitpid(c->pid, &status, 0);
			break;
		}
		binder_sleep_ms(2);
	}
	if (c->ready_fd >= 0)
		close(c->ready_fd);
	if (c->go_fd >= 0)
		close(c->go_fd);
	c->pid = 0;
	c->ready_fd = -1;
	c->go_fd = -1;
	return status;
}

void binder_child_kill(struct binder_child *c)
{
	if (c->pid > 0)
		kill(c->pid, SIGKILL);
	binder_child_finish(c, 1000);
}

bool binder_child_ok(int status)
{
	return status >= 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

/* --- the standard test server ----------------------------------------- */

struct test_server {
	unsigned int problems;
	struct test_oneway_count oneway;
};

static int reply_status(struct binder_dev *dev,
			const struct binder_transaction_data *tr,
			__s32 status)
{
	return binder_reply(dev, tr, TF_STATUS_CODE, &status, sizeof(status));
}

static int serve_echo(struct binder_dev *dev,
		      const struct binder_transaction_data *tr,
		      struct test_server *st)
{
	const void *data = (const void *)(uintptr_t)tr->data.ptr.buffer;
	size_t size = tr->data_size;
	void *copy;
	int ret;

	if (!binder_check(data, size)) {
		st->problems++;
		return reply_status(dev, tr, -EBADMSG);
	}
	/* The request buffer is freed before the reply goes out. */
	copy = malloc(size ? size : 1);
	if (!copy)
		return -ENOMEM;
	memcpy(copy, data, size);
	ret = binder_reply(dev, tr, 0, copy, size);
	free(copy);
	return ret;
}

static int serve_reply_size(struct binder_dev *dev,
			    const struct binder_transaction_data *tr)
{
	__u64 size;
	void *buf;
	int ret;

	if (tr->data_size != sizeof(size))
		return reply_status(dev, tr, -EINVAL);
	memcpy(&size, (const void *)(uintptr_t)tr->data.ptr.buffer,
	       sizeof(size));
	buf = malloc(size ? size : 1);
	if (!buf)
		return reply_status(dev, tr, -ENOMEM);
	binder_fill(buf, size, (__u32)size);
	ret = binder_reply(dev, tr, 0, buf, size);
	free(buf);
	return ret;
}

static int serve_oneway_seq(struct binder_dev *dev,
			    const struct binder_transaction_data *tr,
			    struct test_server *st)
{
	__u32 seq = ~0u;

	if (tr->data_size >= sizeof(seq))
		memcpy(&seq, (const void *)(uintptr_t)tr->data.ptr.buffer,
		       sizeof(seq));
	if (!(tr->flags & TF_ONE_WAY) || tr->sender_pid != 0 ||
	    !binder_check((const void *)(uintptr_t)tr->data.ptr.buffer,
			  tr->data_size))
		st->oneway.bad++;
	if (seq != st->oneway.received)
		st->oneway.out_of_order++;
	st->oneway.received++;
	return binder_reply(dev, tr, 0, NULL, 0);
}

static int test_server_handle(struct binder_dev *dev,
			      const struct binder_transaction_data *tr,
			      void *arg)
{
	const void *data = (const void *)(uintptr_t)tr->data.ptr.buffer;
	struct test_server *st = arg;
	struct test_sender_info info;
	__s32 status;
	int ret;

	switch (tr->code) {
	case TEST_CODE_ECHO:
		return serve_echo(dev, tr, st);
	case TEST_CODE_SENDER:
		memset(&info, 0, sizeof(info));
		info.pid = tr->sender_pid;
		info.euid = tr->sender_euid;
		info.flags = tr->flags;
		info.server_tid = binder_gettid();
		info.target_ptr = tr->target.ptr;
		info.cookie = tr->cookie;
		return binder_reply(dev, tr, 0, &info, sizeof(info));
	case TEST_CODE_STATUS:
		status = -EINVAL;
		if (tr->data_size == sizeof(status))
			memcpy(&status, data, sizeof(status));
		return reply_status(dev, tr, status);
	case TEST_CODE_ONEWAY_SEQ:
		return serve_oneway_seq(dev, tr, st);
	case TEST_CODE_COUNT:
		return binder_reply(dev, tr, 0, &st->oneway,
				    sizeof(st->oneway));
	case TEST_CODE_REPLY_SIZE:
		return serve_reply_size(dev, tr);
	case TEST_CODE_DIE:
		kill(getpid(), SIGKILL);
		pause();
		return -EINTR;
	case TEST_CODE_QUIT:
		ret = binder_reply(dev, tr, 0, NULL, 0);
		return ret ? ret : 1;
	default:
		st->problems++;
		return reply_status(dev, tr, -EOPNOTSUPP);
	}
}

static int test_server_main(void *arg)
{
	const struct test_server_opts *o = arg;
	struct flat_binder_object fbo = {
		.binder = o->ext_ptr,
		.cookie = o->ext_cookie,
	};
	struct test_server st = { };
	struct binder_dev dev;
	int ret;

	ret = binder_open_dev(&dev, o->device, 0);
	if (!ret && o->max_threads)
		ret = binder_set_max_threads(dev.fd, o->max_threads);
	if (!ret)
		ret = binder_become_context_mgr(dev.fd, o->use_ext ? &fbo : NULL,
						2000);
	binder_child_ready(ret);
	if (ret)
		return 250;
	if (o->idle) {
		pause();	/* until killed */
		return 0;
	}
	dev.handler = test_server_handle;
	dev.handler_arg = &st;
	ret = binder_serve(&dev, true, 30000);
	if (ret < 0)
		st.problems++;
	return st.problems > 200 ? 200 : st.problems;
}

int test_server_start(struct binder_child *c,
		      const struct test_server_opts *opts)
{
	int ret = binder_child_start(c, test_server_main, (void *)opts);

	if (ret)
		return ret;
	ret = binder_child_wait_ready(c, 5000);
	if (ret)
		binder_child_kill(c);
	return ret;
}

int test_call_sender(struct binder_dev *dev, __u32 flags,
		     struct test_sender_info *info)
{
	struct binder_result res;
	int ret = binder_call(dev, 0, TEST_CODE_SENDER, flags, NULL, 0, &res);

	if (ret)
		return ret;
	if (res.cmd != BR_REPLY)
		return -EPROTO;
	if (res.tr.data_size == sizeof(*info))
		memcpy(info, (void *)(uintptr_t)res.tr.data.ptr.buffer,
		       sizeof(*info));
	else
		ret = -EPROTO;
	binder_free_buffer(dev, res.tr.data.ptr.buffer);
	return ret;
}

int test_server_stop(struct binder_child *c, struct binder_dev *dev)
{
	struct binder_result res;
	int ret;

	if (c->pid <= 0)
		return -1;
	ret = binder_call(dev, 0, TEST_CODE_QUIT, 0, NULL, 0, &res);
	if (ret || res.cmd != BR_REPLY) {
		binder_child_kill(c);
		return -1;
	}
	binder_free_buffer(dev, res.tr.data.ptr.buffer);
	return binder_child_finish(c, 5000);
}

static int test_client_run(const char *device,
			   const struct test_client_opts *o)
{
	__u32 expect = o->expect ? o->expect : BR_REPLY;
	unsigned int i, count = o->count ? o->count : 1;
	struct binder_result res;
	struct binder_dev dev;
	int ret;

	if (binder_open_dev(&dev, device, 0))
		return 1;
	if (o->euid && setresuid(o->euid, o->euid, o->euid))
		return 2;
	for (i = 0; i < count; i++) {
		ret = binder_call(&dev, o->handle, o->code, o->flags, NULL, 0,
				  &res);
		if (ret)
			return 3;
		if (res.cmd != expect)
			return 4;
		if (res.cmd == BR_REPLY)
			binder_free_buffer(&dev, res.tr.data.ptr.buffer);
	}
	binder_close_dev(&dev);
	return 0;
}

static int test_client_main(void *arg)
{
	const struct test_client_opts *o = arg;

	return test_client_run(o->device, o);
}

int test_client_start(struct binder_child *c,
		      const struct test_client_opts *opts)
{
	return binder_child_start(c, test_client_main, (void *)opts);
}

static int test_client_prefork_main(void *arg)
{
	struct test_client_opts o;

	if (binder_child_wait_go(&o, sizeof(o), 60000))
		return 5;
	return test_client_run(arg, &o);
}

int test_client_prefork(struct binder_child *c, const char *device)
{
	return binder_child_start(c, test_client_prefork_main, (void *)device);
}

int test_client_go(struct binder_child *c,
		   const struct test_client_opts *opts)
{
	return binder_child_go(c, opts, sizeof(*opts));
}

/* --- node/ref tracking and death notification ------------------------ */

void bc_handle(struct binder_cmds *c, __u32 cmd, __u32 handle)
{
	bc_cmd(c, cmd);
	bc_raw(c, &handle, sizeof(handle));
}

void bc_handle_cookie(struct binder_cmds *c, __u32 cmd, __u32 handle,
		      binder_uintptr_t cookie)
{
	struct binder_handle_cookie hc = { .handle = handle, .cookie = cookie };

	bc_cmd(c, cmd);
	bc_raw(c, &hc, sizeof(hc));
}

void bc_dead_binder_done(struct binder_cmds *c, binder_uintptr_t cookie)
{
	bc_cmd(c, BC_DEAD_BINDER_DONE);
	bc_raw(c, &cookie, sizeof(cookie));
}

int binder_get_node_debug_info(int fd, binder_uintptr_t ptr,
			       struct binder_node_debug_info *info)
{
	memset(info, 0, sizeof(*info));
	info->ptr = ptr;
	return binder_ioctl(fd, BINDER_GET_NODE_DEBUG_INFO, info);
}

int binder_get_node_info_for_ref(int fd, struct binder_node_info_for_ref *info)
{
	return binder_ioctl(fd, BINDER_GET_NODE_INFO_FOR_REF, info);
}

size_t br_events(const void *buf, size_t size, struct binder_event *ev,
		 size_t max)
{
	const struct binder_ptr_cookie *pc;
	struct binder_reader r;
	const void *payload;
	size_t n = 0;
	__u32 cmd;

	br_init(&r, buf, size);
	while (n < max && br_next(&r, &cmd, &payload)) {
		if (cmd == BR_NOOP)
			continue;
		memset(&ev[n], 0, sizeof(ev[n]));
		ev[n].cmd = cmd;
		switch (cmd) {
		case BR_INCREFS:
		case BR_ACQUIRE:
		case BR_RELEASE:
		case BR_DECREFS:
			pc = payload;
			memcpy(&ev[n].ptr, &pc->ptr, sizeof(ev[n].ptr));
			memcpy(&ev[n].cookie, &pc->cookie, sizeof(ev[n].cookie));
			break;
		case BR_DEAD_BINDER:
		case BR_CLEAR_DEATH_NOTIFICATION_DONE:
			memcpy(&ev[n].cookie, payload, sizeof(ev[n].cookie));
			break;
		}
		n++;
	}
	return n;
}

const char *binder_events_str(const struct binder_event *ev, size_t n,
			      char *str, size_t size)
{
	size_t i, len = 0;

	if (!size)
		return str;
	str[0] = 0;
	for (i = 0; i < n && len < size; i++) {
		const char *name = binder_br_name(ev[i].cmd);
		const char *sep = i ? " " : "";

		if (ev[i].ptr)
			len += snprintf(str + len, size - len, "%s%s(%#llx,%#llx)",
					sep, name, (unsigned long long)ev[i].ptr,
					(unsigned long long)ev[i].cookie);
		else if (ev[i].cookie)
			len += snprintf(str + len, size - len, "%s%s(%#llx)",
					sep, name,
					(unsigned long long)ev[i].cookie);
		else
			len += snprintf(str + len, size - len, "%s%s", sep,
					name);
	}
	return str;
}

bool binder_events_eq(const struct binder_event *a, size_t na,
		      const struct binder_event *b, size_t nb)
{
	size_t i;

	if (na != nb)
		return false;
	for (i = 0; i < na; i++)
		if (a[i].cmd != b[i].cmd || a[i].ptr != b[i].ptr ||
		    a[i].cookie != b[i].cookie)
			return false;
	return true;
}

int binder_child_send(const void *buf, size_t size)
{
	if (child_ready_fd < 0)
		return -EPIPE;
	return write(child_ready_fd, buf, size) == (ssize_t)size ? 0 : -EPIPE;
}

int binder_child_recv(struct binder_child *c, void *buf, size_t size,
		      int timeout_ms)
{
	long long deadline = binder_now_ms() + timeout_ms;
	unsigned char *p = buf;
	size_t got = 0;
	ssize_t n;

	if (c->ready_fd < 0)
		return -EBADF;
	while (got < size) {
		struct pollfd pfd = { .fd = c->ready_fd, .events = POLLIN };
		long long left = deadline - binder_now_ms();

		if (left < 0)
			left = 0;
		n = poll(&pfd, 1, (int)left);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -ETIMEDOUT;
		n = read(c->ready_fd, p + got, size - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -EPIPE;	/* died before sending it all */
		got += n;
	}
	return 0;
}

int binder_puppet_loop(void *req, size_t req_size, void *rep, size_t rep_size,
		       bool (*handle)(void *ctx, void *req, void *rep),
		       void *ctx)
{
	for (;;) {
		if (binder_child_wait_go(req, req_size, 60000))
			return 3;
		memset(rep, 0, rep_size);
		if (!handle(ctx, req, rep))
			return 0;
		if (binder_child_send(rep, rep_size))
			return 4;
	}
}

int binder_puppet_run(int setup, void *req, size_t req_size, void *rep,
		      size_t rep_size,
		      bool (*handle)(void *ctx, void *req, void *rep),
		      void *ctx)
{
	binder_child_ready(setup);
	if (setup)
		return 2;
	return binder_puppet_loop(req, req_size, rep, rep_size, handle, ctx);
}

int binder_open_manager(struct binder_dev *dev, const char *path,
			const struct flat_binder_object *fbo, int mgr_ms)
{
	int ret = binder_open_dev(dev, path, 0);

	if (!ret)
		ret = binder_become_context_mgr(dev->fd, fbo, mgr_ms);
	if (!ret)
		ret = binder_cmd(dev->fd, BC_ENTER_LOOPER);
	return ret;
}

int binder_read_call(struct binder_dev *dev, struct binder_read_result *rr,
		     int timeout_ms)
{
	return binder_read_call_seen(dev, rr, timeout_ms, NULL, NULL);
}

int binder_read_call_seen(struct binder_dev *dev, struct binder_read_result *rr,
			  int timeout_ms,
			  void (*seen)(void *ctx,
				       const struct binder_read_result *rr),
			  void *ctx)
{
	int tries, ret;

	for (tries = 0; tries < 8; tries++) {
		ret = binder_read_one(dev, rr, timeout_ms);
		if (ret)
			return ret;
		if (seen)
			seen(ctx, rr);
		if (rr->has_tr && rr->cmds[rr->ncmds - 1] == BR_TRANSACTION)
			return 0;
	}
	return -EPROTO;
}

int binder_read_call_end(struct binder_dev *dev, struct binder_event *ev,
			 size_t *nev, size_t max, int timeout_ms)
{
	struct binder_read_result rr;
	int ret, reads;

	for (reads = 0; reads < 8; reads++) {
		ret = binder_read_one(dev, &rr, timeout_ms);
		if (ret)
			return ret;
		*nev += br_events(rr.buf, rr.consumed, ev + *nev, max - *nev);
		if (!*nev)
			continue;
		switch (ev[*nev - 1].cmd) {
		case BR_REPLY:
			return binder_free_buffer(dev, rr.tr.data.ptr.buffer);
		case BR_DEAD_REPLY:
		case BR_FAILED_REPLY:
			return -EPROTO;
		}
	}
	return -EPROTO;
}

int binder_node_done(int fd, __u32 cmd, binder_uintptr_t ptr,
		     binder_uintptr_t cookie)
{
	struct binder_cmds c;

	bc_init(&c);
	bc_ptr_cookie(&c, cmd, ptr, cookie);
	return bc_send(fd, &c);
}

int binder_memfd(const char *name, const char *text)
{
	size_t len = strlen(text) + 1;
	int fd = memfd_create(name, MFD_CLOEXEC);

	if (fd < 0)
		return -errno;
	if (write(fd, text, len) != (ssize_t)len) {
		close(fd);
		return -EIO;
	}
	return fd;
}

bool binder_fd_is_open(int fd)
{
	return fcntl(fd, F_GETFD) >= 0;
}

int binder_write_handles(int fd, const __u32 *cmd, const __u32 *handle,
			 size_t n, size_t *consumed)
{
	struct binder_cmds c;
	size_t i;

	bc_init(&c);
	for (i = 0; i < n; i++)
		bc_handle(&c, cmd[i], handle[i]);
	return binder_write(fd, c.buf, c.len, consumed);
}

int binder_read_text(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	return 0;
}
