/*
 * Fuzz target: daemon/hb/hb_rsc.c driven by arbitrary event sequences
 * (peer messages with arbitrary field values, deaths, pings, commands,
 * runner results, time). Checks: no crash, a group never gets a second
 * START/STOP while one runs, tick() never asks to be called in the past,
 * every SEND has a t= field.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/hb/hb_rsc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char HARES[] =
	"alice 10.0.0.100 hbdummy::a1\n"
	"bob hbdummy::b1\n"
	"bob hbdummy::b2\n";

static const char *const types[] = {
	"starting", "resource", "ask_resources", "hb_takeover", "ip-request",
	"ip-request-resp", "shutdone", "stonith", "status",
};
static const char *const vals[] = {
	"none", "local", "foreign", "all", "me", "other", "done", "full", "1", "0",
	"OK", "alice", "bob", "10.0.0.100", "hbdummy::b1", "", "x",
};
static const char *const names[] = {
	"rsc_hold", "rtype", "isstable", "info", "dest", "ipaddr", "ok", "node", "src",
};
#define N(a) (sizeof(a) / sizeof((a)[0]))

struct shadow {
	int op[3];		/* -1 idle, else enum hb_rsc_op */
};

static void drain(struct hb_rsc_actq *q, struct shadow *sh)
{
	for (size_t i = 0; i < q->n; i++) {
		struct hb_rsc_act *a = &q->v[i];

		if (a->type == HB_RSC_ACT_SEND && !hb_msg_str(&a->msg, "t"))
			abort();
		if (a->type == HB_RSC_ACT_START_GROUP || a->type == HB_RSC_ACT_STOP_GROUP) {
			if (a->group >= 3 || sh->op[a->group] != -1)
				abort();
			sh->op[a->group] = a->type == HB_RSC_ACT_START_GROUP ?
				HB_RSC_OP_START : HB_RSC_OP_STOP;
		}
	}
	hb_rsc_actq_reset(q);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hb_haresources hr;
	struct hb_diag d;
	struct hb_rsc r;
	struct hb_rsc_actq q;
	struct shadow sh = { { -1, -1, -1 } };
	uint64_t now = 0;
	size_t i = 0;

	hb_diag_init(&d);
	if (hb_haresources_parse(&hr, HARES, strlen(HARES), "haresources", &d) < 0)
		abort();
	hb_diag_free(&d);
	if (size < 1)
		goto out;
	struct hb_rsc_cfg cfg = {
		.local = "alice", .peer = "bob", .failback = (enum hb_failback)(data[0] % 3),
		.have_ping = data[0] & 4, .hr = &hr,
	};

	if (hb_rsc_init(&r, &cfg) < 0)
		abort();
	hb_rsc_actq_init(&q);
	for (i = 1; i < size; i++) {
		uint8_t op = data[i];
		uint8_t arg = i + 1 < size ? data[i + 1] : 0;

		switch (op % 12) {
		case 0: hb_rsc_comm_up(&r, now, &q); break;
		case 1: hb_rsc_peer_up(&r, now, &q); break;
		case 2: hb_rsc_peer_dead(&r, now, &q); break;
		case 3: hb_rsc_peer_partition(&r, now, &q); break;
		case 4: hb_rsc_ping(&r, now, arg & 1, &q); i++; break;
		case 5: hb_rsc_standby(&r, now, (enum hb_rset)(arg % 5), &q); i++; break;
		case 6: hb_rsc_takeover(&r, now, (enum hb_rset)(arg % 5), &q); i++; break;
		case 7: hb_rsc_shutdown(&r, now, &q); break;
		case 8: {
			size_t g = arg % 3;

			if (sh.op[g] != -1) {
				enum hb_rsc_op o = (enum hb_rsc_op)sh.op[g];

				sh.op[g] = -1;
				hb_rsc_group_done(&r, now, g, o, !(arg & 8), &q);
			} else {
				/* a result nobody asked for must be ignored */
				hb_rsc_group_done(&r, now, g, (enum hb_rsc_op)(arg >> 7), arg & 16, &q);
			}
			i++;
			break;
		}
		case 9: {
			uint64_t next = hb_rsc_tick(&r, now, &q);

			if (next <= now)
				abort();
			if (next != UINT64_MAX && (arg & 1))
				now = next;
			else
				now += arg * 50u;
			i++;
			break;
		}
		default: {
			/* a message: type, then up to 3 (name, value) pairs */
			struct hb_msg m;
			struct hb_hdr h;
			size_t nf = (op >> 4) % 4;

			hb_msg_init(&m);
			hb_msg_add_str(&m, "t", types[arg % N(types)]);
			i++;
			for (size_t k = 0; k < nf && i + 1 < size; k++, i++)
				hb_msg_add_str(&m, names[data[i + 1] % N(names)],
					       vals[(data[i + 1] >> 4) % N(vals)]);
			if (!hb_msg_str(&m, "src"))
				hb_msg_add_str(&m, "src", (op & 2) ? "bob" : "alice");
			if (hb_msg_hdr(&m, &h) == HB_OK)
				hb_rsc_rx(&r, now, &m, &h, &q);
			hb_msg_free(&m);
		}
		}
		drain(&q, &sh);
		for (size_t g = 0; g < r.ng; g++) {
			struct hb_rsc_gstatus st;

			hb_rsc_group_status(&r, g, &st);
			if (!st.key)
				abort();
		}
	}
	hb_rsc_actq_free(&q);
	hb_rsc_free(&r);
out:
	hb_haresources_free(&hr);
	return 0;
}
