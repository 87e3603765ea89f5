/*
 * fw_render: a plan (fw_plan.h) as text for one firewall backend. Pure C.
 *
 *   iptables    an iptables-restore fragment for --noflush: chain DUET-IN
 *               in the filter table, the IPv4 rules; the single jump from
 *               INPUT is added by the command (iptables -C, then -I)
 *   ip6tables   the same for ip6tables-restore, the IPv6 rules
 *   nft         an nft -f file that replaces table inet duet (and only it):
 *               "table inet duet" + "delete table inet duet" + the table
 *   firewalld   rich rules, one per line, for firewall-cmd --add-rich-rule
 *
 * For each guarded port, in port order, the accept rules for the peer come
 * first and a drop of everything else to that port follows. The rule lines
 * are in the form the backend lists them (iptables -S, nft list,
 * firewall-cmd --list-rich-rules), so that "duet-firewall status" can
 * compare what is loaded with what the configuration renders.
 */
#ifndef DUET_FW_RENDER_H
#define DUET_FW_RENDER_H

#include <stdbool.h>
#include <stddef.h>

#include "firewall/fw_plan.h"

#define FW_CHAIN	"DUET-IN"	/* iptables/ip6tables chain */
#define FW_NFT_FAMILY	"inet"
#define FW_NFT_TABLE	"duet"		/* table inet duet */
#define FW_NFT_CHAIN	"input"
#define FW_NFT_PRIORITY	"filter - 10"
/* firewalld rich-rule priorities: peers first, then the drop */
#define FW_RICH_PRIO_ACCEPT	"-1001"
#define FW_RICH_PRIO_DROP	"-1000"

enum fw_backend {
	FW_BE_IPTABLES = 0,
	FW_BE_IP6TABLES,
	FW_BE_NFT,
	FW_BE_FIREWALLD,
	FW_BE_NR
};

/* "iptables", "ip6tables", "nft", "firewalld" */
const char *fw_backend_name(enum fw_backend be);
/* 0 and *be, or -1 for an unknown name. */
int fw_backend_parse(const char *name, enum fw_backend *be);

/* A growing NUL-terminated string. */
struct fw_buf {
	char *s;
	size_t len, cap;
	bool oom;
};

void fw_buf_init(struct fw_buf *b);
void fw_buf_free(struct fw_buf *b);
void fw_buf_reset(struct fw_buf *b);
void fw_buf_printf(struct fw_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void fw_buf_puts(struct fw_buf *b, const char *s);
/* The text ("" when empty); never NULL. */
const char *fw_buf_str(const struct fw_buf *b);

/*
 * The whole file for backend BE: header comments (node, sources,
 * warnings, how to load it), then the rules. 0, or -1 on ENOMEM or when
 * the plan has errors.
 */
int fw_render(const struct fw_plan *p, enum fw_backend be, struct fw_buf *out);

/*
 * Only the rule lines of chain DUET-IN for FAMILY ("-A DUET-IN ..."), one
 * per line, as iptables-save and iptables -S print them.
 */
int fw_render_iptables_rules(const struct fw_plan *p, enum fw_family family,
			     struct fw_buf *out);

/*
 * Only the statements of chain input of table inet duet (the hook line
 * and the rules), one per line without indentation, as "nft list table"
 * prints them once counters are stripped (fw_nft_normalize()).
 */
int fw_render_nft_chain(const struct fw_plan *p, struct fw_buf *out);

/*
 * Normalises "nft list table inet duet" output for comparison: keeps the
 * lines of the input chain, trims indentation, turns "counter packets N
 * bytes M" into "counter". Writes the result into OUT.
 */
int fw_nft_normalize(const char *listing, struct fw_buf *out);

/*
 * The rich rules, one per line, as firewall-cmd --list-rich-rules prints
 * them.
 */
int fw_render_rich_rules(const struct fw_plan *p, struct fw_buf *out);

#endif /* DUET_FW_RENDER_H */
