/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Planted bugs for the harness self-test (scripts/harness-selftest.sh),
 * which builds a copy of the module with one of these defined and expects
 * the VM lane to fail. A normal build compiles this to nothing.
 *
 *   IPCKIT_HARNESS_BREAK_INIT  WARN_ON(1) in module init (stock lane)
 *   IPCKIT_HARNESS_PLANT_BUGS  a lock-order inversion and a use-after-free
 *                              in module init (debug lane: lockdep, KASAN)
 */
#ifndef _IPCKIT_HARNESS_CANARY_H
#define _IPCKIT_HARNESS_CANARY_H

#include <linux/bug.h>
#include <linux/compiler.h>
#include <linux/mutex.h>
#include <linux/slab.h>

#ifdef IPCKIT_HARNESS_PLANT_BUGS
static DEFINE_MUTEX(ipckit_canary_a);
static DEFINE_MUTEX(ipckit_canary_b);

static noinline void ipckit_harness_plant_bugs(void)
{
	char *p;

	mutex_lock(&ipckit_canary_a);
	mutex_lock(&ipckit_canary_b);
	mutex_unlock(&ipckit_canary_b);
	mutex_unlock(&ipckit_canary_a);
	mutex_lock(&ipckit_canary_b);
	mutex_lock(&ipckit_canary_a);
	mutex_unlock(&ipckit_canary_a);
	mutex_unlock(&ipckit_canary_b);

	p = kmalloc(32, GFP_KERNEL);
	if (!p)
		return;
	kfree(p);
	OPTIMIZER_HIDE_VAR(p);
	pr_info("ipckit: harness canary read %d\n", READ_ONCE(p[0]));
}
#endif

static inline void ipckit_harness_canary(void)
{
#ifdef IPCKIT_HARNESS_BREAK_INIT
	WARN_ON(1);
#endif
#ifdef IPCKIT_HARNESS_PLANT_BUGS
	ipckit_harness_plant_bugs();
#endif
}

#endif /* _IPCKIT_HARNESS_CANARY_H */
