// SPDX-License-Identifier: GPL-2.0
/*
 * ipckit-nl-hold: a netlink user for run_vm.sh's module-level checks (not
 * a test: its name keeps run_suite from running it).
 *
 *	ipckit-nl-hold -c	exit 0 when the families "binder" and "ipckit"
 *				and their groups resolve
 *	ipckit-nl-hold		join "report" and "events", print "ready",
 *				then send GET_STATS and GET_PROC dumps and
 *				GET_STATS doits back to back until SIGTERM,
 *				never reading the groups; exit 0 then
 *
 * While ipckit unloads, requests fail (the family is gone): that is
 * counted, not fatal. What must not happen: a crash here or there.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/netlink.h>

#include <linux/android/binder_netlink.h>
#include <linux/ipckit_netlink.h>

static volatile sig_atomic_t stop;

static void on_term(int sig)
{
	stop = 1;
}

static int join(struct nl_sock *sk, const char *family, const char *group)
{
	int grp = genl_ctrl_resolve_grp(sk, family, group);

	return grp < 0 ? grp : nl_socket_add_membership(sk, grp);
}

static int request(struct nl_sock *sk, int family, int cmd, int flags)
{
	struct nl_msg *msg = nlmsg_alloc();
	int ret;

	if (!msg)
		return -NLE_NOMEM;
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, family, 0, flags, cmd,
			 IPCKIT_FAMILY_VERSION) ||
	    (!(flags & NLM_F_DUMP) &&
	     nla_put_string(msg, IPCKIT_A_DEVICE, "ipckit"))) {
		nlmsg_free(msg);
		return -NLE_NOMEM;
	}
	ret = nl_send_auto(sk, msg);
	nlmsg_free(msg);
	return ret < 0 ? ret : nl_recvmsgs_default(sk);
}

int main(int argc, char **argv)
{
	struct nl_sock *listener = nl_socket_alloc();
	struct nl_sock *req = nl_socket_alloc();
	struct timeval tv = { .tv_sec = 2 };
	unsigned long ok = 0, failed = 0;
	int family, i;

	if (!listener || !req || genl_connect(listener) || genl_connect(req))
		return 2;
	if (argc > 1 && !strcmp(argv[1], "-c"))
		return genl_ctrl_resolve(req, BINDER_FAMILY_NAME) < 0 ||
		       genl_ctrl_resolve(req, IPCKIT_FAMILY_NAME) < 0 ||
		       genl_ctrl_resolve_grp(req, BINDER_FAMILY_NAME,
					     BINDER_MCGRP_REPORT) < 0 ||
		       genl_ctrl_resolve_grp(req, IPCKIT_FAMILY_NAME,
					     IPCKIT_MCGRP_EVENTS) < 0;

	signal(SIGTERM, on_term);
	if (join(listener, BINDER_FAMILY_NAME, BINDER_MCGRP_REPORT) ||
	    join(listener, IPCKIT_FAMILY_NAME, IPCKIT_MCGRP_EVENTS))
		return 3;
	family = genl_ctrl_resolve(req, IPCKIT_FAMILY_NAME);
	if (family < 0)
		return 4;
	nl_socket_disable_auto_ack(req);
	setsockopt(nl_socket_get_fd(req), SOL_SOCKET, SO_RCVTIMEO, &tv,
		   sizeof(tv));
	printf("ready\n");
	fflush(stdout);
	for (i = 0; !stop; i++) {
		static const int cmds[][2] = {
			{ IPCKIT_CMD_GET_STATS, NLM_F_DUMP },
			{ IPCKIT_CMD_GET_PROC, NLM_F_DUMP },
			{ IPCKIT_CMD_GET_STATS, 0 },
		};

		if (request(req, family, cmds[i % 3][0], cmds[i % 3][1]) < 0)
			failed++;
		else
			ok++;
	}
	printf("requests: %lu answered, %lu failed\n", ok, failed);
	nl_socket_free(listener);
	nl_socket_free(req);
	return 0;
}
