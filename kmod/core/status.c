// SPDX-License-Identifier: GPL-2.0-only
/*
 * duet core: /proc/duet device lines (see status.h).
 */
#include "status.h"
#include "fmt.h"

void duet_status_flags(const struct duet_dev_status *d, char *out)
{
	const struct duet_state *s = d->st;

	out[0] = s->susp || s->susp_nod || s->susp_fen ? 's' : 'r';
	out[1] = s->aftr_isp ? 'a' : '-';
	out[2] = s->peer_isp ? 'p' : '-';
	out[3] = s->user_isp ? 'u' : '-';
	out[4] = d->blocked ? d->blocked : '-';
	out[5] = d->al_suspended ? 's' : '-';
	out[6] = '\0';
}

static void duet_status_counter(struct duet_fmt *f, const char *name, u64 v)
{
	duet_fmt_puts(f, name);
	duet_fmt_putc(f, ':');
	duet_fmt_u64(f, v);
}

size_t duet_status_format_dev(const struct duet_dev_status *d, char *buf,
			      size_t size)
{
	const struct duet_state *s = d->st;
	const struct duet_counters *c = d->ctr;
	struct duet_fmt f;
	char flags[7];
	char proto;

	duet_fmt_init(&f, buf, size);
	duet_fmt_u64w(&f, d->minor, 2);
	duet_fmt_puts(&f, ": cs:");
	if (!d->configured || !s || !c) {
		duet_fmt_puts(&f, "Unconfigured\n");
		return duet_fmt_len(&f);
	}
	duet_fmt_puts(&f, duet_conn_str(s->conn));
	duet_fmt_puts(&f, " ro:");
	duet_fmt_puts(&f, duet_role_str(s->role));
	duet_fmt_putc(&f, '/');
	duet_fmt_puts(&f, duet_role_str(s->peer));
	duet_fmt_puts(&f, " ds:");
	duet_fmt_puts(&f, duet_disk_str(s->disk));
	duet_fmt_putc(&f, '/');
	duet_fmt_puts(&f, duet_disk_str(s->pdsk));
	duet_fmt_putc(&f, ' ');
	/* StandAlone has no network configuration, hence no protocol */
	proto = d->protocol;
	if (s->conn == DUET_C_STANDALONE || proto < 'A' || proto > 'C')
		proto = ' ';
	duet_fmt_putc(&f, proto);
	duet_fmt_putc(&f, ' ');
	duet_status_flags(d, flags);
	duet_fmt_puts(&f, flags);
	duet_fmt_putc(&f, '\n');

	duet_fmt_puts(&f, "    ");
	duet_status_counter(&f, "ns", c->send_sect >> 1);
	duet_status_counter(&f, " nr", c->recv_sect >> 1);
	duet_status_counter(&f, " dw", c->writ_sect >> 1);
	duet_status_counter(&f, " dr", c->read_sect >> 1);
	duet_status_counter(&f, " al", c->al_writes);
	duet_status_counter(&f, " bm", c->bm_writes);
	duet_status_counter(&f, " lo", c->local);
	duet_status_counter(&f, " pe", c->pending);
	duet_status_counter(&f, " ua", c->unacked);
	duet_status_counter(&f, " ap", c->app);
	duet_status_counter(&f, " ep", c->epochs);
	duet_fmt_puts(&f, " wo:");
	duet_fmt_putc(&f, c->wo ? c->wo : 'f');
	duet_status_counter(&f, " oos", d->oos_kib);
	duet_fmt_putc(&f, '\n');
	return duet_fmt_len(&f);
}
