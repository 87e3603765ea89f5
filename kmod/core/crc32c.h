/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * duet core: CRC-32C (Castagnoli), the checksum of every on-disk
 * meta-data block. Implemented here so that the kernel module and the
 * userspace tools compute it with the same code and no library.
 */
#ifndef DUET_CORE_CRC32C_H
#define DUET_CORE_CRC32C_H

#include "types.h"

/*
 * Continue a CRC-32C over @len bytes of @buf. Start with crc = 0; the
 * pre- and post-inversion are done inside, so
 * duet_crc32c(duet_crc32c(0, a, n), b, m) == duet_crc32c(0, ab, n + m).
 * duet_crc32c(0, "123456789", 9) == 0xe3069283.
 */
u32 duet_crc32c(u32 crc, const void *buf, size_t len);

#endif /* DUET_CORE_CRC32C_H */
