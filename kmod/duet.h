/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * duet.ko: shared declarations of the module's glue files.
 */
#ifndef DUET_H
#define DUET_H

#define DUET_PROC_NAME "duet"

int duet_proc_init(void);
void duet_proc_exit(void);

#endif /* DUET_H */
