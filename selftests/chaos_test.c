// SPDX-License-Identifier: GPL-2.0
/*
 * Chaos: many processes use the device at once while a killer SIGKILLs
 * them at random and respawns them; afterwards the driver must have freed
 * everything they had (on ipckit: every debugfs counter back to where it
 * was before the test).
 *
 *  - a registry (the context manager) keeps one handle per server slot,
 *    taken with BC_ACQUIRE and watched with a death notification; a dead
 *    server's slot is emptied when its BR_DEAD_BINDER comes;
 *  - servers register their object (ACCEPTS_FDS) and serve echo calls,
 *    nested calls (they call back into the client's object before they
 *    reply), one-way calls, fd calls (BINDER_TYPE_FD) and fd-array calls
 *    (BINDER_TYPE_FDA in a BINDER_TYPE_PTR buffer);
 *  - clients ask the registry for a random server's handle, acquire it,
 *    ask for its death notification (a looper thread receives them),
 *    make a few calls of every kind, then clear the notification and
 *    release the handle, again and again until the time is up;
 *  - the killer (the test process) SIGKILLs a random server or client
 *    CHAOS_KILLS times, evenly over the run, and respawns it.
 *
 * Tunables (environment): CHAOS_SECONDS (default 8), CHAOS_KILLS (24),
 * CHAOS_SERVERS (4), CHAOS_CLIENTS (8), CHAOS_SEED (time). With
 * IPCKIT_MAKE_IT_FAIL=1 every server and client (not the registry) marks
 * itself for fault injection
 * (/proc/self/make-it-fail) once it has opened and mapped the device, so
 * injected allocation failures hit the driver's paths rather than process
 * startup (run_vm.sh's fault pass): calls may then fail, but nothing may
 * hang and nothing may leak.
 *
 * The figures (processes spawned, calls, kills, death notifications) are
 * printed as "# chaos:" lines.
 */
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <sys/prctl.h>
#include <time.h>

#include "ipckit_test.h"

#define REG_ADD		0x52414444	/* "RADD" */
#define REG_GET		0x52474554	/* "RGET" */
#define S_ECHO		0x53454348	/* "SECH" */
#define S_NESTED	0x534e5354	/* "SNST" */
#define S_ONEWAY	0x53315759	/* "S1WY" */
#define S_FD		0x53464420	/* "SFD " */
#define S_FDA		0x53464441	/* "SFDA" */
#define C_PING		0x43504e47	/* "CPNG" */

#define MAX_SERVERS	16
#define MAX_CLIENTS	64
#define ECHO_SIZE	256

/* Shared by every process of the test (MAP_SHARED, set up before forks). */
struct chaos_shm {
	atomic_bool stop;		/* clients: the time is up */
	atomic_long calls;		/* calls that got their answer */
	atomic_long failed;		/* calls ending in BR_DEAD_REPLY, -errno */
	atomic_long failed_reply;	/* ... in BR_FAILED_REPLY */
	atomic_long bad;		/* wrong payloads, protocol errors */
	atomic_long client_deaths;	/* BR_DEAD_BINDER read by clients */
	atomic_long registry_deaths;	/* ... by the registry */
	atomic_long nested;		/* call-backs clients served */
	atomic_long fds;		/* fds servers received and checked */
	atomic_long registered;		/* REG_ADD served */
	int last_bad;			/* a sample of what went wrong */
};

static struct chaos_shm *shm;
static bool make_it_fail;

static int env_int(const char *name, int def, int min, int max)
{
	const char *v = getenv(name);
	int n;

	if (!v || !*v)
		return def;
	n = atoi(v);
	return n < min ? min : n > max ? max : n;
}

static void note_bad(int what)
{
	shm->last_bad = what;
	atomic_fetch_add(&shm->bad, 1);
}

/* After setup: let fault injection hit this process from now on. */
static void mark_make_it_fail(void)
{
	int fd;

	if (!make_it_fail)
		return;
	fd = open("/proc/self/make-it-fail", O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	if (write(fd, "1", 1) != 1)
		note_bad(-1000);
	close(fd);
}

static unsigned int rnd(unsigned int *state)
{
	*state = *state * 1103515245u + 12345u;
	return *state >> 8;
}

static int send_cmds(struct binder_dev *dev, const struct binder_cmds *c)
{
	return bc_send(dev->fd, c);
}

/* ---- registry --------------------------------------------------------- */

struct reg_msg {
	__u32 slot;
	__u32 pad;
	struct flat_binder_object obj;
};

struct registry {
	__u32 handle[MAX_SERVERS];	/* 0: empty */
	__u32 gen[MAX_SERVERS];
	__u32 next_gen;
	__u32 dead[64];			/* handles to release */
	unsigned int ndead;
};

static struct registry reg;

static void registry_dead(struct binder_dev *dev, binder_uintptr_t cookie)
{
	__u32 slot = cookie & 0xff, gen = cookie >> 8;

	atomic_fetch_add(&shm->registry_deaths, 1);
	if (slot >= MAX_SERVERS || reg.gen[slot] != gen || !reg.handle[slot])
		return;
	/* Released once BC_DEAD_BINDER_DONE has gone (next request). */
	if (reg.ndead < ARRAY_SIZE(reg.dead))
		reg.dead[reg.ndead++] = reg.handle[slot];
	reg.handle[slot] = 0;
}

static void registry_release_dead(struct binder_dev *dev)
{
	struct binder_cmds c;

	while (reg.ndead) {
		bc_init(&c);
		bc_handle(&c, BC_RELEASE, reg.dead[--reg.ndead]);
		send_cmds(dev, &c);
	}
}

static int registry_handler(struct binder_dev *dev,
			    const struct binder_transaction_data *tr, void *arg)
{
	const void *data = (const void *)(uintptr_t)tr->data.ptr.buffer;
	struct binder_transaction_data rep;
	struct flat_binder_object obj;
	binder_size_t offset = 0;
	struct binder_cmds c;
	struct reg_msg m;
	__u32 slot;

	registry_release_dead(dev);
	if (tr->code == REG_ADD && tr->data_size == sizeof(m) &&
	    tr->offsets_size == sizeof(binder_size_t)) {
		memcpy(&m, data, sizeof(m));
		if (m.slot >= MAX_SERVERS || m.obj.hdr.type != BINDER_TYPE_HANDLE) {
			note_bad(1);
			return binder_reply(dev, tr, TF_STATUS_CODE, NULL, 0);
		}
		/* Again, after a reply that failed: nothing new to watch. */
		if (reg.handle[m.slot] == m.obj.handle)
			return binder_reply(dev, tr, 0, NULL, 0);
		bc_init(&c);
		if (reg.handle[m.slot])
			bc_handle(&c, BC_RELEASE, reg.handle[m.slot]);
		reg.handle[m.slot] = m.obj.handle;
		reg.gen[m.slot] = ++reg.next_gen;
		bc_handle(&c, BC_ACQUIRE, m.obj.handle);
		bc_handle_cookie(&c, BC_REQUEST_DEATH_NOTIFICATION, m.obj.handle,
				 (binder_uintptr_t)reg.gen[m.slot] << 8 | m.slot);
		send_cmds(dev, &c);
		atomic_fetch_add(&shm->registered, 1);
		return binder_reply(dev, tr, 0, NULL, 0);
	}
	if (tr->code == REG_GET && tr->data_size >= sizeof(slot)) {
		memcpy(&slot, data, sizeof(slot));
		if (slot >= MAX_SERVERS || !reg.handle[slot])
			return binder_reply(dev, tr, 0, NULL, 0);
		memset(&obj, 0, sizeof(obj));
		obj.hdr.type = BINDER_TYPE_HANDLE;
		obj.handle = reg.handle[slot];
		rep = binder_txn(0, 0, 0, &obj, sizeof(obj));
		binder_txn_offsets(&rep, &offset, 1);
		return binder_reply_tr(dev, tr, &rep);
	}
	note_bad(2);
	return binder_reply(dev, tr, TF_STATUS_CODE, NULL, 0);
}

static int registry_main(void)
{
	struct binder_dev dev;
	int ret;

	ret = binder_open_dev(&dev, ipckit_test_device, 0);
	if (ret)
		return 1;
	dev.handler = registry_handler;
	dev.dead_binder = registry_dead;
	ret = binder_become_context_mgr(dev.fd, NULL, 5000);
	if (ret)
		return 2;
	if (binder_cmd(dev.fd, BC_ENTER_LOOPER))
		return 3;
	/*
	 * Not marked for injection: a registry that fails every other
	 * lookup starves the run of the calls that injection should hit.
	 */
	for (;;)
		binder_serve(&dev, false, 60000);
}

/* ---- servers ---------------------------------------------------------- */

static char server_object;
static char client_object;

/* An fd a client sent: it must read back as the memfd it wrote. */
static void server_check_fd(int fd)
{
	char text[16] = "";

	if (pread(fd, text, sizeof(text) - 1, 0) < 5 ||
	    strncmp(text, "chaos", 5))
		note_bad(3);
	else
		atomic_fetch_add(&shm->fds, 1);
}

/* The parent buffer must not be object 0: offset 0 means "no parent". */
struct fda_msg {
	__u64 arg;
	struct binder_buffer_object parent;
	struct binder_fd_array_object fda;
};

static int server_handler(struct binder_dev *dev,
			  const struct binder_transaction_data *tr, void *arg)
{
	const void *data = (const void *)(uintptr_t)tr->data.ptr.buffer;
	const binder_size_t *offs =
		(const binder_size_t *)(uintptr_t)tr->data.ptr.offsets;
	unsigned char echo[ECHO_SIZE];
	struct flat_binder_object obj;
	struct binder_result res;
	struct fda_msg m;
	size_t n = tr->data_size;
	int ret;

	switch (tr->code) {
	case S_ECHO:
	case S_ONEWAY:
		if (n > sizeof(echo) || !binder_check(data, n))
			note_bad(4);
		n = n > sizeof(echo) ? sizeof(echo) : n;
		memcpy(echo, data, n);
		return binder_reply(dev, tr, 0, echo, n);
	case S_NESTED:
		if (n != sizeof(obj) || tr->offsets_size != sizeof(*offs)) {
			note_bad(5);
			return binder_reply(dev, tr, TF_STATUS_CODE, NULL, 0);
		}
		memcpy(&obj, data, sizeof(obj));
		if (obj.hdr.type != BINDER_TYPE_HANDLE) {
			note_bad(6);
			return binder_reply(dev, tr, TF_STATUS_CODE, NULL, 0);
		}
		/* Call back into the client, which waits in its call. */
		ret = binder_call(dev, obj.handle, C_PING, 0, NULL, 0, &res);
		if (!ret && res.cmd == BR_REPLY)
			binder_free_buffer(dev, res.tr.data.ptr.buffer);
		return binder_reply(dev, tr, 0, NULL, 0);
	case S_FD:
		if (n == sizeof(struct binder_fd_object) &&
		    tr->offsets_size == sizeof(*offs)) {
			struct binder_fd_object fdo;

			memcpy(&fdo, data, sizeof(fdo));
			server_check_fd(fdo.fd);
			close(fdo.fd);	/* single fds are ours to close */
		} else {
			note_bad(7);
		}
		return binder_reply(dev, tr, 0, NULL, 0);
	case S_FDA:
		if (n == sizeof(m) && tr->offsets_size == 2 * sizeof(*offs)) {
			const __u32 *fds;

			memcpy(&m, data, sizeof(m));
			fds = (const __u32 *)(uintptr_t)m.parent.buffer;
			server_check_fd(fds[0]);
			server_check_fd(fds[1]);
			/* The driver closes them with the buffer. */
		} else {
			note_bad(8);
		}
		return binder_reply(dev, tr, 0, NULL, 0);
	}
	note_bad(9);
	return binder_reply(dev, tr, TF_STATUS_CODE, NULL, 0);
}

static int server_main(unsigned int slot)
{
	struct binder_transaction_data tr;
	binder_size_t offset = offsetof(struct reg_msg, obj);
	struct binder_result res;
	struct binder_dev dev;
	struct reg_msg m;
	int i, ret = -1;

	if (binder_open_dev(&dev, ipckit_test_device, 0))
		return 1;
	dev.handler = server_handler;
	memset(&m, 0, sizeof(m));
	m.slot = slot;
	m.obj.hdr.type = BINDER_TYPE_BINDER;
	m.obj.flags = FLAT_BINDER_FLAG_ACCEPTS_FDS | 0x7f;
	m.obj.binder = (uintptr_t)&server_object;
	m.obj.cookie = slot;
	tr = binder_txn(0, REG_ADD, 0, &m, sizeof(m));
	binder_txn_offsets(&tr, &offset, 1);
	/* The registry may still be starting. */
	for (i = 0; i < 100 && ret; i++) {
		ret = binder_call_tr(&dev, &tr, BC_TRANSACTION, &res,
				     BINDER_WAIT_MS);
		if (!ret && res.cmd == BR_REPLY)
			binder_free_buffer(&dev, res.tr.data.ptr.buffer);
		else
			ret = -1;
		if (ret)
			binder_sleep_ms(50);
	}
	if (ret)
		return 2;
	if (binder_cmd(dev.fd, BC_ENTER_LOOPER))
		return 3;
	mark_make_it_fail();
	for (;;)
		binder_serve(&dev, false, 60000);
}

/* ---- clients ---------------------------------------------------------- */

static void client_dead(struct binder_dev *dev, binder_uintptr_t cookie)
{
	atomic_fetch_add(&shm->client_deaths, 1);
}

static int client_handler(struct binder_dev *dev,
			  const struct binder_transaction_data *tr, void *arg)
{
	if (tr->code == C_PING)
		atomic_fetch_add(&shm->nested, 1);
	else
		note_bad(10);
	return binder_reply(dev, tr, 0, NULL, 0);
}

static void *client_looper(void *arg)
{
	struct binder_dev *dev = arg;
	bool entered = false;

	/* Death notifications and their clear-done come here. */
	for (;;) {
		binder_serve(dev, !entered, 60000);
		entered = true;
	}
	return NULL;
}

/* How a call ended: counted, and the reply buffer freed. */
static void client_count(struct binder_dev *dev, int ret,
			 struct binder_result *res, bool oneway, __u32 code)
{
	if (ret) {
		atomic_fetch_add(&shm->failed, 1);
		if (ret != -ETIMEDOUT && !make_it_fail && ret != -EPROTO)
			return;
		/* No answer in 20 s, or a reply the helpers did not expect. */
		if (!make_it_fail)
			note_bad(ret == -ETIMEDOUT ? 11 : 12);
		return;
	}
	if (res->cmd == BR_REPLY) {
		if (oneway)
			note_bad(13);
		else if (code == S_ECHO &&
			 (res->tr.data_size != ECHO_SIZE ||
			  !binder_check((void *)(uintptr_t)res->tr.data.ptr.buffer,
					res->tr.data_size)))
			note_bad(14);
		binder_free_buffer(dev, res->tr.data.ptr.buffer);
		atomic_fetch_add(&shm->calls, 1);
	} else if (oneway && (res->cmd == BR_TRANSACTION_COMPLETE ||
			      res->cmd == BR_ONEWAY_SPAM_SUSPECT)) {
		atomic_fetch_add(&shm->calls, 1);
	} else if (res->cmd == BR_FAILED_REPLY) {
		atomic_fetch_add(&shm->failed_reply, 1);
	} else {
		/* BR_DEAD_REPLY: the server was killed. */
		atomic_fetch_add(&shm->failed, 1);
	}
}

static void client_op(struct binder_dev *dev, __u32 handle, unsigned int op,
		      unsigned int seed)
{
	struct binder_transaction_data tr;
	unsigned char buf[ECHO_SIZE];
	struct binder_result res;
	int ret;

	switch (op) {
	case 0:
	case 1: {
		__u32 code = op ? S_ONEWAY : S_ECHO;
		__u32 flags = op ? TF_ONE_WAY : 0;

		binder_fill(buf, sizeof(buf), seed);
		ret = binder_call(dev, handle, code, flags, buf, sizeof(buf),
				  &res);
		client_count(dev, ret, &res, op, code);
		return;
	}
	case 2: {
		struct flat_binder_object obj = {
			.hdr.type = BINDER_TYPE_BINDER,
			.binder = (uintptr_t)&client_object,
			.cookie = 0xc11e,
		};
		binder_size_t offset = 0;

		tr = binder_txn(handle, S_NESTED, 0, &obj, sizeof(obj));
		binder_txn_offsets(&tr, &offset, 1);
		ret = binder_call_tr(dev, &tr, BC_TRANSACTION, &res,
				     BINDER_WAIT_MS);
		client_count(dev, ret, &res, false, S_NESTED);
		return;
	}
	case 3: {
		struct binder_fd_object fdo = { .hdr.type = BINDER_TYPE_FD };
		binder_size_t offset = 0;
		int fd = binder_memfd("chaos", "chaos fd");

		if (fd < 0) {
			atomic_fetch_add(&shm->failed, 1);
			return;
		}
		fdo.fd = fd;
		tr = binder_txn(handle, S_FD, 0, &fdo, sizeof(fdo));
		binder_txn_offsets(&tr, &offset, 1);
		ret = binder_call_tr(dev, &tr, BC_TRANSACTION, &res,
				     BINDER_WAIT_MS);
		client_count(dev, ret, &res, false, S_FD);
		close(fd);
		return;
	}
	default: {
		binder_size_t offs[2] = {
			offsetof(struct fda_msg, parent),
			offsetof(struct fda_msg, fda),
		};
		struct fda_msg m;
		__u32 fds[2];

		fds[0] = binder_memfd("chaos", "chaos fda 0");
		fds[1] = binder_memfd("chaos", "chaos fda 1");
		if ((int)fds[0] < 0 || (int)fds[1] < 0) {
			if ((int)fds[0] >= 0)
				close(fds[0]);
			if ((int)fds[1] >= 0)
				close(fds[1]);
			atomic_fetch_add(&shm->failed, 1);
			return;
		}
		memset(&m, 0, sizeof(m));
		m.parent.hdr.type = BINDER_TYPE_PTR;
		m.parent.buffer = (uintptr_t)fds;
		m.parent.length = sizeof(fds);
		m.fda.hdr.type = BINDER_TYPE_FDA;
		m.fda.num_fds = 2;
		tr = binder_txn(handle, S_FDA, 0, &m, sizeof(m));
		binder_txn_offsets(&tr, offs, 2);
		ret = binder_call_sg(dev, &tr, sizeof(fds), &res,
				     BINDER_WAIT_MS);
		client_count(dev, ret, &res, false, S_FDA);
		close(fds[0]);
		close(fds[1]);
		return;
	}
	}
}

/* A server's handle from the registry, acquired and watched; 0: none. */
static __u32 client_get(struct binder_dev *dev, __u32 slot,
			binder_uintptr_t cookie)
{
	struct flat_binder_object obj;
	struct binder_result res;
	struct binder_cmds c;
	__u32 handle = 0;
	int ret;

	ret = binder_call(dev, 0, REG_GET, 0, &slot, sizeof(slot), &res);
	if (ret || res.cmd != BR_REPLY) {
		client_count(dev, ret, &res, false, REG_GET);
		return 0;
	}
	if (res.tr.data_size == sizeof(obj) &&
	    res.tr.offsets_size == sizeof(binder_size_t)) {
		memcpy(&obj, (void *)(uintptr_t)res.tr.data.ptr.buffer,
		       sizeof(obj));
		if (obj.hdr.type == BINDER_TYPE_HANDLE)
			handle = obj.handle;
		else
			note_bad(15);
	}
	bc_init(&c);
	if (handle) {
		bc_handle(&c, BC_ACQUIRE, handle);
		bc_handle_cookie(&c, BC_REQUEST_DEATH_NOTIFICATION, handle,
				 cookie);
	}
	bc_free_buffer(&c, res.tr.data.ptr.buffer);
	if (send_cmds(dev, &c))
		atomic_fetch_add(&shm->failed, 1);
	atomic_fetch_add(&shm->calls, 1);
	return handle;
}

static int client_main(unsigned int id, unsigned int nservers,
		       unsigned int seed)
{
	struct binder_dev dev;
	binder_uintptr_t cookie = (binder_uintptr_t)id << 32;
	pthread_t looper;
	unsigned int state = seed;

	if (binder_open_dev(&dev, ipckit_test_device, 0))
		return 1;
	dev.handler = client_handler;
	dev.dead_binder = client_dead;
	if (pthread_create(&looper, NULL, client_looper, &dev))
		return 2;
	mark_make_it_fail();
	while (!atomic_load(&shm->stop)) {
		__u32 handle = client_get(&dev, rnd(&state) % nservers,
					  ++cookie);
		struct binder_cmds c;
		int i;

		if (!handle) {
			binder_sleep_ms(20);
			continue;
		}
		for (i = 0; i < 4 && !atomic_load(&shm->stop); i++)
			client_op(&dev, handle, rnd(&state) % 5, rnd(&state));
		bc_init(&c);
		bc_handle_cookie(&c, BC_CLEAR_DEATH_NOTIFICATION, handle,
				 cookie);
		bc_handle(&c, BC_RELEASE, handle);
		if (send_cmds(&dev, &c))
			atomic_fetch_add(&shm->failed, 1);
	}
	_exit(0);	/* the looper thread need not be asked */
}

/* ---- the killer ------------------------------------------------------- */

enum role { ROLE_REGISTRY, ROLE_SERVER, ROLE_CLIENT };

struct member {
	enum role role;
	unsigned int index;
	pid_t pid;
};

/* fork a member; a fork that fails (under injection) is retried. */
static pid_t spawn(struct member *mb, unsigned int nservers,
		   unsigned int seed)
{
	pid_t parent = getpid();
	int tries;

	for (tries = 0; tries < 100; tries++) {
		fflush(stdout);
		fflush(stderr);
		mb->pid = fork();
		if (mb->pid > 0)
			return mb->pid;
		if (mb->pid == 0)
			break;
		binder_sleep_ms(20);
	}
	if (mb->pid < 0)
		return -1;
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(253);
	switch (mb->role) {
	case ROLE_REGISTRY:
		_exit(registry_main());
	case ROLE_SERVER:
		_exit(server_main(mb->index));
	default:
		_exit(client_main(mb->index, nservers, seed));
	}
}

/* The driver's live objects, from its debugfs stats. */
#define NLIVE 7
struct live {
	long long procs;
	long long live[NLIVE];	/* created - deleted, by object */
};

static const char *const live_names[NLIVE] = {
	"proc", "thread", "node", "ref", "transaction", "buffer", "page",
};

static bool read_live(struct live *l)
{
	const char *dev = strrchr(ipckit_test_device, '/');
	char path[128], name[64];
	long long v;
	FILE *f;
	size_t i;

	dev = dev ? dev + 1 : ipckit_test_device;
	snprintf(path, sizeof(path), "/sys/kernel/debug/ipckit/%s/stats", dev);
	f = fopen(path, "re");
	if (!f)
		return false;
	memset(l, 0, sizeof(*l));
	while (fscanf(f, "%63s %lld", name, &v) == 2) {
		if (!strcmp(name, "procs"))
			l->procs = v;
		for (i = 0; i < NLIVE; i++) {
			size_t len = strlen(live_names[i]);

			if (strncmp(name, live_names[i], len))
				continue;
			if (!strcmp(name + len, "_created"))
				l->live[i] += v;
			else if (!strcmp(name + len, "_deleted"))
				l->live[i] -= v;
		}
	}
	fclose(f);
	return true;
}

static bool live_eq(const struct live *a, const struct live *b)
{
	return !memcmp(a, b, sizeof(*a));
}

FIXTURE(chaos) {
	int unused;
};

FIXTURE_SETUP(chaos)
{
	shm = mmap(NULL, sizeof(*shm), PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, shm);
	memset(shm, 0, sizeof(*shm));
}

FIXTURE_TEARDOWN(chaos)
{
	munmap(shm, sizeof(*shm));
}

/* Reap what died by itself: wait status of pid, or 0 if still running. */
static int reap(pid_t pid, int *status)
{
	return waitpid(pid, status, WNOHANG) == pid;
}

TEST_F_TIMEOUT(chaos, kill_respawn_and_nothing_leaks, 280)
{
	int seconds = env_int("CHAOS_SECONDS", 8, 1, 200);
	int kills = env_int("CHAOS_KILLS", 24, 0, 100000);
	int nservers = env_int("CHAOS_SERVERS", 4, 1, MAX_SERVERS);
	int nclients = env_int("CHAOS_CLIENTS", 8, 1, MAX_CLIENTS);
	unsigned int seed = env_int("CHAOS_SEED", (int)time(NULL), 0, INT32_MAX);
	struct member members[1 + MAX_SERVERS + MAX_CLIENTS];
	int nmembers = 1 + nservers + nclients;
	struct live before, after;
	long long start, deadline, next_kill;
	int spawned = 0, killed = 0, early = 0, stuck = 0, i, status;
	int server_kills = 0;
	bool have_stats = false;

	make_it_fail = getenv("IPCKIT_MAKE_IT_FAIL") &&
		       !strcmp(getenv("IPCKIT_MAKE_IT_FAIL"), "1");
	if (ipckit_test_is_ipckit)
		have_stats = read_live(&before);
	printf("# chaos: %d s, %d kills, %d servers, %d clients, seed %u%s\n",
	       seconds, kills, nservers, nclients, seed,
	       make_it_fail ? ", children marked make-it-fail" : "");

	for (i = 0; i < nmembers; i++) {
		members[i].role = i == 0 ? ROLE_REGISTRY :
				  i <= nservers ? ROLE_SERVER : ROLE_CLIENT;
		members[i].index = i == 0 ? 0 : i <= nservers ? i - 1 :
				   i - 1 - nservers;
		ASSERT_LT(0, spawn(&members[i], nservers, seed + i));
		spawned++;
	}

	start = binder_now_ms();
	deadline = start + seconds * 1000LL;
	next_kill = start;
	while (binder_now_ms() < deadline || killed < kills) {
		struct member *mb;
		long long now = binder_now_ms();

		/* A client that exited by itself before the end. */
		for (i = 1; i < nmembers; i++) {
			if (!reap(members[i].pid, &status))
				continue;
			early++;
			TH_LOG("%s %u exited early: status %#x",
			       members[i].role == ROLE_SERVER ? "server" : "client",
			       members[i].index, status);
			ASSERT_LT(0, spawn(&members[i], nservers, seed + spawned));
			spawned++;
		}
		if (killed >= kills || now < next_kill) {
			binder_sleep_ms(killed >= kills ? 50 : 10);
			continue;
		}
		next_kill = start + (killed + 1) * seconds * 1000LL / (kills + 1);
		mb = &members[1 + rnd(&seed) % (nservers + nclients)];
		kill(mb->pid, SIGKILL);
		waitpid(mb->pid, &status, 0);
		killed++;
		if (mb->role == ROLE_SERVER)
			server_kills++;
		ASSERT_LT(0, spawn(mb, nservers, seed + spawned));
		spawned++;
	}

	/* Clients finish their call and exit; then the rest is killed. */
	atomic_store(&shm->stop, true);
	for (i = 1 + nservers; i < nmembers; i++) {
		long long until = binder_now_ms() + 30000;

		while (!reap(members[i].pid, &status)) {
			if (binder_now_ms() > until) {
				stuck++;
				kill(members[i].pid, SIGKILL);
				waitpid(members[i].pid, &status, 0);
				break;
			}
			binder_sleep_ms(10);
		}
	}
	for (i = 0; i <= nservers; i++) {
		kill(members[i].pid, SIGKILL);
		waitpid(members[i].pid, &status, 0);
	}

	printf("# chaos: %d processes spawned, %ld calls answered, %ld failed (%ld BR_FAILED_REPLY), %d kills (%d servers), %ld death notifications (%ld clients, %ld registry), %ld call-backs, %ld fds checked, %ld registrations\n",
	       spawned, atomic_load(&shm->calls),
	       atomic_load(&shm->failed) + atomic_load(&shm->failed_reply),
	       atomic_load(&shm->failed_reply),
	       killed, server_kills,
	       atomic_load(&shm->client_deaths) +
	       atomic_load(&shm->registry_deaths),
	       atomic_load(&shm->client_deaths),
	       atomic_load(&shm->registry_deaths), atomic_load(&shm->nested),
	       atomic_load(&shm->fds), atomic_load(&shm->registered));
	fflush(stdout);

	EXPECT_EQ(kills, killed);
	/* Every wait is bounded: a client still busy 30 s on hangs. */
	EXPECT_EQ(0, stuck);
	if (!make_it_fail) {
		EXPECT_EQ(0, atomic_load(&shm->bad))
			TH_LOG("last problem %d", shm->last_bad);
		EXPECT_EQ(0, early);
		EXPECT_EQ(0, atomic_load(&shm->failed_reply));
		EXPECT_LT(0, atomic_load(&shm->calls));
		EXPECT_LT(0, atomic_load(&shm->nested));
		EXPECT_LT(0, atomic_load(&shm->fds));
		if (server_kills)
			EXPECT_LT(0, atomic_load(&shm->registry_deaths));
	}

	if (!ipckit_test_is_ipckit) {
		printf("# chaos: reference driver: no ipckit counters to check\n");
		return;
	}
	ASSERT_TRUE(have_stats)
		TH_LOG("no debugfs stats for %s", ipckit_test_device);
	/* Every process is gone; releases may still be finishing. */
	for (i = 0; i < 100; i++) {
		ASSERT_TRUE(read_live(&after));
		if (live_eq(&before, &after))
			break;
		binder_sleep_ms(100);
	}
	EXPECT_EQ(before.procs, after.procs);
	for (i = 0; i < NLIVE; i++) {
		const char *what = live_names[i] ? live_names[i] : "?";

		EXPECT_EQ(before.live[i], after.live[i])
			TH_LOG("%s: %lld alive before, %lld after", what,
			       before.live[i], after.live[i]);
	}
}

IPCKIT_TEST_MAIN
