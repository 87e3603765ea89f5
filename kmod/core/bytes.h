/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * duet core: explicit little-endian loads and stores for on-disk and
 * on-wire encodings. Byte by byte with shifts: no unaligned pointer
 * casts, same result on every host byte order.
 */
#ifndef DUET_CORE_BYTES_H
#define DUET_CORE_BYTES_H

#include "types.h"

static inline u16 duet_get_le16(const u8 *p)
{
	return (u16)(p[0] | (u16)p[1] << 8);
}

static inline u32 duet_get_le32(const u8 *p)
{
	return (u32)p[0] | (u32)p[1] << 8 | (u32)p[2] << 16 |
	       (u32)p[3] << 24;
}

static inline u64 duet_get_le64(const u8 *p)
{
	return (u64)duet_get_le32(p) | (u64)duet_get_le32(p + 4) << 32;
}

static inline void duet_put_le16(u8 *p, u16 v)
{
	p[0] = (u8)v;
	p[1] = (u8)(v >> 8);
}

static inline void duet_put_le32(u8 *p, u32 v)
{
	p[0] = (u8)v;
	p[1] = (u8)(v >> 8);
	p[2] = (u8)(v >> 16);
	p[3] = (u8)(v >> 24);
}

static inline void duet_put_le64(u8 *p, u64 v)
{
	duet_put_le32(p, (u32)v);
	duet_put_le32(p + 4, (u32)(v >> 32));
}

static inline u16 duet_get_be16(const u8 *p)
{
	return (u16)((u16)p[0] << 8 | p[1]);
}

static inline u32 duet_get_be32(const u8 *p)
{
	return (u32)p[0] << 24 | (u32)p[1] << 16 | (u32)p[2] << 8 |
	       (u32)p[3];
}

static inline u64 duet_get_be64(const u8 *p)
{
	return (u64)duet_get_be32(p) << 32 | (u64)duet_get_be32(p + 4);
}

static inline void duet_put_be16(u8 *p, u16 v)
{
	p[0] = (u8)(v >> 8);
	p[1] = (u8)v;
}

static inline void duet_put_be32(u8 *p, u32 v)
{
	p[0] = (u8)(v >> 24);
	p[1] = (u8)(v >> 16);
	p[2] = (u8)(v >> 8);
	p[3] = (u8)v;
}

static inline void duet_put_be64(u8 *p, u64 v)
{
	duet_put_be32(p, (u32)(v >> 32));
	duet_put_be32(p + 4, (u32)v);
}

/* True when all @len bytes at @p are zero. */
static inline bool duet_all_zero(const u8 *p, size_t len)
{
	while (len--)
		if (*p++)
			return false;
	return true;
}

#endif /* DUET_CORE_BYTES_H */
