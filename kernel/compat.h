/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel-version differences, kept in this one place so the logic files
 * never carry version #ifs of their own.
 */
#ifndef _IPCKIT_COMPAT_H
#define _IPCKIT_COMPAT_H

#include <linux/file.h>
#include <linux/fdtable.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/shrinker.h>
#include <linux/version.h>
#include <net/genetlink.h>

/* v6.3 made vma->vm_flags read-only and added vm_flags_mod(). */
static inline void ipckit_vm_flags_mod(struct vm_area_struct *vma,
				       unsigned long set, unsigned long clear)
{
#if KERNEL_VERSION(6, 3, 0) <= LINUX_VERSION_CODE
	vm_flags_mod(vma, set, clear);
#else
	vma->vm_flags = (vma->vm_flags | set) & ~clear;
#endif
}

/* v6.0 gave shrinkers a name; v6.7 replaced registration altogether. */
static inline int ipckit_register_shrinker(struct shrinker *shrinker,
					   const char *name)
{
#if KERNEL_VERSION(6, 0, 0) <= LINUX_VERSION_CODE
	return register_shrinker(shrinker, "%s", name);
#else
	return register_shrinker(shrinker);
#endif
}

/* v6.1 added TASK_FREEZABLE (before: freezable_schedule()). */
#ifdef TASK_FREEZABLE
#define IPCKIT_TASK_FREEZABLE TASK_FREEZABLE
#else
#define IPCKIT_TASK_FREEZABLE 0
#endif

/* v6.8 renamed close_fd_get_file() to file_close_fd(). */
static inline struct file *ipckit_close_fd_get_file(unsigned int fd)
{
#if KERNEL_VERSION(6, 8, 0) <= LINUX_VERSION_CODE
	return file_close_fd(fd);
#else
	return close_fd_get_file(fd);
#endif
}

/* v6.6 moved a dump's parsed attributes into genl_dumpit_info::info. */
static inline struct nlattr **ipckit_genl_dump_attrs(struct netlink_callback *cb)
{
#if KERNEL_VERSION(6, 6, 0) <= LINUX_VERSION_CODE
	return genl_dumpit_info(cb)->info.attrs;
#else
	return genl_dumpit_info(cb)->attrs;
#endif
}

#endif /* _IPCKIT_COMPAT_H */
