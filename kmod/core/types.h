/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * duet core: the only header of kmod/core/ that differs between the
 * kernel build and the userspace (test) build. The core itself includes
 * nothing else from the kernel or from libc: it does no I/O.
 */
#ifndef DUET_CORE_TYPES_H
#define DUET_CORE_TYPES_H

#ifdef __KERNEL__
#include <linux/types.h>
#include <linux/stddef.h>
#include <linux/string.h>
#include <linux/math64.h>
#else
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int32_t s32;
typedef int64_t s64;
#endif

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif

/*
 * u64 / u64 (@b != 0). 32-bit kernels have no 64-bit divide instruction
 * and the core must not call libgcc: the kernel build goes through
 * div64_u64().
 */
static inline u64 duet_div64(u64 a, u64 b)
{
#ifdef __KERNEL__
	return div64_u64(a, b);
#else
	return a / b;
#endif
}

#endif /* DUET_CORE_TYPES_H */
