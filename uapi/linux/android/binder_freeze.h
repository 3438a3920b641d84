/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * The Binder protocol additions of Linux 6.12's <linux/android/binder.h>
 * that older headers lack: freeze notifications (6.12) and
 * BR_TRANSACTION_PENDING_FROZEN (6.3). Same names, numbers and layouts as
 * upstream, for code built against older headers (Debian 12's
 * linux-libc-dev is 6.1) that talks to ipckit or to a 6.12 binder.
 *
 * An add-on, included AFTER <linux/ipckit.h> or <linux/android/binder.h>
 * (whichever the file uses; they are alternatives). It works on top of
 * either header of any version:
 *  - each command is defined unless the base header defined it as a
 *    macro; upstream defines them as enumerators, which the preprocessor
 *    cannot see, so on a 6.12 header the macro is defined too and from
 *    here on stands for the enumerator, with the same value;
 *  - the struct is declared under ipckit's own tag and the upstream tag
 *    names it through a macro, so a 6.12 header's declaration (already
 *    seen) and this one never collide; both have one layout.
 * The values are upstream's _IO/_IOR/_IOW('r'/'c', nr, type) written as
 * the _IOC() they expand to, without the kernel's type check, which is
 * not a constant expression outside an enum (the kernel sizes arrays
 * by these numbers).
 *
 * ipckit accepts these commands whatever kernel it was built for
 * (IPCKIT_FEATURE_FREEZE_NOTIFICATION); see Documentation/ipckit.rst.
 */
#ifndef _UAPI_LINUX_ANDROID_BINDER_FREEZE_H
#define _UAPI_LINUX_ANDROID_BINDER_FREEZE_H

#if !defined(_UAPI_LINUX_IPCKIT_H) && !defined(_LINUX_BINDER_H) && \
	!defined(_UAPI_LINUX_BINDER_H)
#error "include <linux/ipckit.h> or <linux/android/binder.h> before <linux/android/binder_freeze.h>"
#endif

/**
 * struct binder_frozen_state_info - payload of BR_FROZEN_BINDER
 * @cookie:    the cookie of BC_REQUEST_FREEZE_NOTIFICATION
 * @is_frozen: 1 if the node's owner is frozen, 0 if not
 * @reserved:  0
 */
struct ipckit_binder_frozen_state_info {
	binder_uintptr_t	cookie;
	__u32			is_frozen;
	__u32			reserved;
};
#define binder_frozen_state_info ipckit_binder_frozen_state_info

/*
 * Returns. BR_TRANSACTION_PENDING_FROZEN: a one-way call was queued to a
 * frozen process (instead of BR_TRANSACTION_COMPLETE; binder since 6.3).
 * BR_FROZEN_BINDER: the owner of a watched handle's node froze or thawed;
 * acknowledge with BC_FREEZE_NOTIFICATION_DONE. BR_CLEAR_FREEZE_NOTIFICATION_DONE:
 * a BC_CLEAR_FREEZE_NOTIFICATION took effect (payload: its cookie).
 */
#ifndef BR_TRANSACTION_PENDING_FROZEN
#define BR_TRANSACTION_PENDING_FROZEN	_IOC(_IOC_NONE, 'r', 20, 0)
#endif
#ifndef BR_FROZEN_BINDER
#define BR_FROZEN_BINDER	\
	_IOC(_IOC_READ, 'r', 21, sizeof(struct binder_frozen_state_info))
#endif
#ifndef BR_CLEAR_FREEZE_NOTIFICATION_DONE
#define BR_CLEAR_FREEZE_NOTIFICATION_DONE	\
	_IOC(_IOC_READ, 'r', 22, sizeof(binder_uintptr_t))
#endif

/*
 * Commands. BC_REQUEST_FREEZE_NOTIFICATION and BC_CLEAR_FREEZE_NOTIFICATION
 * take a struct binder_handle_cookie; BC_FREEZE_NOTIFICATION_DONE the
 * cookie of the BR_FROZEN_BINDER handled.
 */
#ifndef BC_REQUEST_FREEZE_NOTIFICATION
#define BC_REQUEST_FREEZE_NOTIFICATION	\
	_IOC(_IOC_WRITE, 'c', 19, sizeof(struct binder_handle_cookie))
#endif
#ifndef BC_CLEAR_FREEZE_NOTIFICATION
#define BC_CLEAR_FREEZE_NOTIFICATION	\
	_IOC(_IOC_WRITE, 'c', 20, sizeof(struct binder_handle_cookie))
#endif
#ifndef BC_FREEZE_NOTIFICATION_DONE
#define BC_FREEZE_NOTIFICATION_DONE	\
	_IOC(_IOC_WRITE, 'c', 21, sizeof(binder_uintptr_t))
#endif

#endif /* _UAPI_LINUX_ANDROID_BINDER_FREEZE_H */
