/* dconf: option table and value parsing, see options.h. */
#include "daemon/dconf/options.h"

#include "daemon/dconf/model.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "kmod/uapi/duet_genl.h"

static const char *const sec_names[DCONF_SEC_NR] = {
	[DCONF_SEC_GLOBAL] = "global",
	[DCONF_SEC_NET] = "net",
	[DCONF_SEC_DISK] = "disk",
	[DCONF_SEC_STARTUP] = "startup",
	[DCONF_SEC_OPTIONS] = "options",
	[DCONF_SEC_HANDLERS] = "handlers",
};

const char *dconf_sec_name(enum dconf_sec s)
{
	return (unsigned)s < DCONF_SEC_NR ? sec_names[s] : "?";
}

static const struct dconf_enum e_usage_count[] = {
	{ "yes", 1 }, { "no", 0 }, { "ask", 2 }, { NULL, 0 }
};
static const struct dconf_enum e_protocol[] = {
	{ "A", DUET_PROT_A }, { "B", DUET_PROT_B }, { "C", DUET_PROT_C },
	{ NULL, 0 }
};
static const struct dconf_enum e_asb0[] = {
	{ "disconnect", DUET_ASB_DISCONNECT },
	{ "discard-younger-primary", DUET_ASB_DISCARD_YOUNGER_PRI },
	{ "discard-older-primary", DUET_ASB_DISCARD_OLDER_PRI },
	{ "discard-zero-changes", DUET_ASB_DISCARD_ZERO_CHG },
	{ "discard-least-changes", DUET_ASB_DISCARD_LEAST_CHG },
	{ "discard-local", DUET_ASB_DISCARD_LOCAL },
	{ "discard-remote", DUET_ASB_DISCARD_REMOTE },
	{ NULL, 0 }
};
static const struct dconf_enum e_asb1[] = {
	{ "disconnect", DUET_ASB_DISCONNECT },
	{ "consensus", DUET_ASB_CONSENSUS },
	{ "discard-secondary", DUET_ASB_DISCARD_SECONDARY },
	{ "call-pri-lost-after-sb", DUET_ASB_CALL_HELPER },
	{ "violently-as0p", DUET_ASB_VIOLENTLY },
	{ NULL, 0 }
};
static const struct dconf_enum e_asb2[] = {
	{ "disconnect", DUET_ASB_DISCONNECT },
	{ "call-pri-lost-after-sb", DUET_ASB_CALL_HELPER },
	{ "violently-as0p", DUET_ASB_VIOLENTLY },
	{ NULL, 0 }
};
static const struct dconf_enum e_rr_conflict[] = {
	{ "disconnect", DUET_RR_DISCONNECT },
	{ "call-pri-lost", DUET_RR_CALL_HELPER },
	{ "violently", DUET_RR_VIOLENTLY },
	{ NULL, 0 }
};
static const struct dconf_enum e_on_congestion[] = {
	{ "block", DUET_OC_BLOCK },
	{ "pull-ahead", DUET_OC_PULL_AHEAD },
	{ "disconnect", DUET_OC_DISCONNECT },
	{ NULL, 0 }
};
static const struct dconf_enum e_on_io_error[] = {
	{ "pass_on", DUET_IOERR_PASS_ON },
	{ "call-local-io-error", DUET_IOERR_CALL_HANDLER },
	{ "detach", DUET_IOERR_DETACH },
	{ NULL, 0 }
};
static const struct dconf_enum e_fencing[] = {
	{ "dont-care", DUET_FEN_DONT_CARE },
	{ "resource-only", DUET_FEN_RESOURCE_ONLY },
	{ "resource-and-stonith", DUET_FEN_RESOURCE_AND_STONITH },
	{ NULL, 0 }
};
static const struct dconf_enum e_read_balancing[] = {
	{ "prefer-local", DUET_RB_PREFER_LOCAL },
	{ "prefer-remote", DUET_RB_PREFER_REMOTE },
	{ "round-robin", DUET_RB_ROUND_ROBIN },
	{ "least-pending", DUET_RB_LEAST_PENDING },
	{ "when-congested-remote", DUET_RB_CONGESTED_REMOTE },
	{ "32K-striping", DUET_RB_32K_STRIPING },
	{ "64K-striping", DUET_RB_64K_STRIPING },
	{ "128K-striping", DUET_RB_128K_STRIPING },
	{ "256K-striping", DUET_RB_256K_STRIPING },
	{ "512K-striping", DUET_RB_512K_STRIPING },
	{ "1M-striping", DUET_RB_1M_STRIPING },
	{ NULL, 0 }
};
static const struct dconf_enum e_on_no_data[] = {
	{ "io-error", DUET_OND_IO_ERROR },
	{ "suspend-io", DUET_OND_SUSPEND_IO },
	{ NULL, 0 }
};

#define K(x) ((int64_t)(x) * 1024)
#define M(x) (K(x) * 1024)
#define G(x) (M(x) * 1024)

#define INT(n, s, u, lo, hi, d, set, attr, h) \
	{ .name = n, .sec = s, .type = DCONF_T_INT, .unit = u, .min = lo, \
	  .max = hi, .def = d, .nl_set = set, .nl_attr = attr, .help = h }
#define BOOL(n, s, d, set, attr, h) \
	{ .name = n, .sec = s, .type = DCONF_T_BOOL, .min = 0, .max = 1, \
	  .def = d, .nl_set = set, .nl_attr = attr, .help = h }
#define ENUM(n, s, e, d, set, attr, h) \
	{ .name = n, .sec = s, .type = DCONF_T_ENUM, .enums = e, .def = d, \
	  .nl_set = set, .nl_attr = attr, .help = h }
#define STR(n, s, t, len, set, attr, h) \
	{ .name = n, .sec = s, .type = t, .maxlen = len, .nl_set = set, \
	  .nl_attr = attr, .help = h }
#define HANDLER(n, h) STR(n, DCONF_SEC_HANDLERS, DCONF_T_HANDLER, 4095, 0, 0, h)

#define G_ DCONF_SEC_GLOBAL
#define N_ DCONF_SEC_NET
#define D_ DCONF_SEC_DISK
#define S_ DCONF_SEC_STARTUP
#define O_ DCONF_SEC_OPTIONS
#define NC DUET_A_NET_CONF
#define DC DUET_A_DISK_CONF
#define RO DUET_A_RES_OPTS
#define U0 DCONF_U_NONE

const struct dconf_optdef dconf_optdefs[DCONF_O_NR] = {
	[DCONF_O_USAGE_COUNT] = ENUM("usage-count", G_, e_usage_count, 2, 0, 0,
		"accepted for DRBD compatibility; duet never reports usage"),
	[DCONF_O_MINOR_COUNT] = INT("minor-count", G_, U0, 1, 255, 32, 0, 0,
		"number of minors to reserve"),
	[DCONF_O_DIALOG_REFRESH] = INT("dialog-refresh", G_, U0, 0, 600, 1, 0, 0,
		"seconds between progress dots while waiting"),
	[DCONF_O_DISABLE_IP_VERIFICATION] = BOOL("disable-ip-verification", G_,
		0, 0, 0, "do not check that local addresses exist"),

	[DCONF_O_PROTOCOL] = ENUM("protocol", N_, e_protocol, DUET_PROT_C,
		NC, DUET_NET_A_PROTOCOL,
		"A: local disk + send buffer, B: + peer memory, C: + peer disk"),
	[DCONF_O_CRAM_HMAC_ALG] = STR("cram-hmac-alg", N_, DCONF_T_STRING,
		DUET_ALG_MAX, NC, DUET_NET_A_CRAM_HMAC_ALG,
		"hash for peer authentication (e.g. sha256); off if unset"),
	[DCONF_O_SHARED_SECRET] = STR("shared-secret", N_, DCONF_T_STRING,
		DUET_SECRET_MAX, NC, DUET_NET_A_SHARED_SECRET,
		"secret for peer authentication, at most 64 characters"),
	[DCONF_O_AFTER_SB_0PRI] = ENUM("after-sb-0pri", N_, e_asb0,
		DUET_ASB_DISCONNECT, NC, DUET_NET_A_AFTER_SB_0P,
		"split brain, no primary"),
	[DCONF_O_AFTER_SB_1PRI] = ENUM("after-sb-1pri", N_, e_asb1,
		DUET_ASB_DISCONNECT, NC, DUET_NET_A_AFTER_SB_1P,
		"split brain, one primary"),
	[DCONF_O_AFTER_SB_2PRI] = ENUM("after-sb-2pri", N_, e_asb2,
		DUET_ASB_DISCONNECT, NC, DUET_NET_A_AFTER_SB_2P,
		"split brain, two primaries"),
	[DCONF_O_RR_CONFLICT] = ENUM("rr-conflict", N_, e_rr_conflict,
		DUET_RR_DISCONNECT, NC, DUET_NET_A_RR_CONFLICT,
		"a primary would become sync target"),
	[DCONF_O_ALWAYS_ASBP] = BOOL("always-asbp", N_, 0, NC,
		DUET_NET_A_ALWAYS_ASBP,
		"apply after-sb policies even if a third node may be involved"),
	[DCONF_O_ALLOW_TWO_PRIMARIES] = BOOL("allow-two-primaries", N_, 0, NC,
		DUET_NET_A_TWO_PRIMARIES,
		"both nodes primary (cluster file systems only)"),
	[DCONF_O_DISCARD_MY_DATA] = BOOL("discard-my-data", N_, 0, DUET_A_FLAGS,
		DUET_FLAG_A_DISCARD_MY_DATA,
		"on connect, this node is the split-brain victim"),
	[DCONF_O_TIMEOUT] = INT("timeout", N_, U0, 1, 600, 60, NC,
		DUET_NET_A_TIMEOUT, "peer reply timeout, 0.1 s units"),
	[DCONF_O_CONNECT_INT] = INT("connect-int", N_, U0, 1, 120, 10, NC,
		DUET_NET_A_CONNECT_INT, "seconds between connection attempts"),
	[DCONF_O_PING_INT] = INT("ping-int", N_, U0, 1, 120, 1, NC,
		DUET_NET_A_PING_INT, "seconds of silence before a ping"),
	[DCONF_O_PING_TIMEOUT] = INT("ping-timeout", N_, U0, 1, 300, 5, NC,
		DUET_NET_A_PING_TIMEOUT, "ping answer timeout, 0.1 s units"),
	[DCONF_O_KO_COUNT] = INT("ko-count", N_, U0, 0, 200, 7, NC,
		DUET_NET_A_KO_COUNT,
		"timeouts of one request before the peer is dropped"),
	[DCONF_O_MAX_BUFFERS] = INT("max-buffers", N_, U0, 32, 131072, 2048, NC,
		DUET_NET_A_MAX_BUFFERS, "receive buffer pages"),
	[DCONF_O_MAX_EPOCH_SIZE] = INT("max-epoch-size", N_, U0, 1, 20000, 2048,
		NC, DUET_NET_A_MAX_EPOCH_SIZE, "writes between barriers"),
	[DCONF_O_UNPLUG_WATERMARK] = INT("unplug-watermark", N_, U0, 1, 131072,
		128, NC, DUET_NET_A_UNPLUG_WATERMARK,
		"accepted; no effect on current kernels"),
	[DCONF_O_SNDBUF_SIZE] = INT("sndbuf-size", N_, DCONF_U_BYTES, 0, M(10),
		0, NC, DUET_NET_A_SNDBUF_SIZE, "TCP send buffer, 0 = autotune"),
	[DCONF_O_RCVBUF_SIZE] = INT("rcvbuf-size", N_, DCONF_U_BYTES, 0, M(10),
		0, NC, DUET_NET_A_RCVBUF_SIZE,
		"TCP receive buffer, 0 = autotune"),
	[DCONF_O_TCP_CORK] = BOOL("tcp-cork", N_, 1, NC, DUET_NET_A_TCP_CORK,
		"cork the data socket"),
	[DCONF_O_DATA_INTEGRITY_ALG] = STR("data-integrity-alg", N_,
		DCONF_T_STRING, DUET_ALG_MAX, NC, DUET_NET_A_DATA_INTEGRITY_ALG,
		"digest of every replicated block"),
	[DCONF_O_VERIFY_ALG] = STR("verify-alg", N_, DCONF_T_STRING,
		DUET_ALG_MAX, NC, DUET_NET_A_VERIFY_ALG, "online verify digest"),
	[DCONF_O_CSUMS_ALG] = STR("csums-alg", N_, DCONF_T_STRING, DUET_ALG_MAX,
		NC, DUET_NET_A_CSUMS_ALG, "checksum-based resync digest"),
	[DCONF_O_USE_RLE] = BOOL("use-rle", N_, 1, NC, DUET_NET_A_USE_RLE,
		"compress bitmap exchange"),
	[DCONF_O_ON_CONGESTION] = ENUM("on-congestion", N_, e_on_congestion,
		DUET_OC_BLOCK, NC, DUET_NET_A_ON_CONGESTION,
		"what protocol A does when the link is congested"),
	[DCONF_O_CONGESTION_FILL] = INT("congestion-fill", N_, DCONF_U_SECTORS,
		0, G(10) / 512, 0, NC, DUET_NET_A_CONG_FILL,
		"in-flight data that counts as congestion, 0 = off"),
	[DCONF_O_CONGESTION_EXTENTS] = INT("congestion-extents", N_, U0, 67,
		65534, 1237, NC, DUET_NET_A_CONG_EXTENTS,
		"active extents that count as congestion"),

	[DCONF_O_ON_IO_ERROR] = ENUM("on-io-error", D_, e_on_io_error,
		DUET_IOERR_DETACH, DC, DUET_DISK_A_ON_IO_ERROR,
		"what a lower-level I/O error does"),
	[DCONF_O_FENCING] = ENUM("fencing", D_, e_fencing,
		DUET_FEN_DONT_CARE, DC, DUET_DISK_A_FENCING,
		"resource-level fencing policy"),
	[DCONF_O_SIZE] = INT("size", D_, DCONF_U_SECTORS, 0,
		(int64_t)1 << 43, 0, DC, DUET_DISK_A_SIZE,
		"limit the exported size, 0 = whole disk"),
	[DCONF_O_RESYNC_RATE] = INT("resync-rate", D_, DCONF_U_KIB, 1, G(4) / 1024,
		32768, DC, DUET_DISK_A_RESYNC_RATE, "resync bandwidth, KiB/s"),
	[DCONF_O_RESYNC_AFTER] = STR("resync-after", D_, DCONF_T_NAME,
		DUET_NAME_MAX, DC, DUET_DISK_A_RESYNC_AFTER,
		"resync only after this resource"),
	[DCONF_O_AL_EXTENTS] = INT("al-extents", D_, U0, 67, 65534, 1237, DC,
		DUET_DISK_A_AL_EXTENTS, "activity log size in 4 MiB extents"),
	[DCONF_O_AL_UPDATES] = BOOL("al-updates", D_, 1, DC,
		DUET_DISK_A_AL_UPDATES,
		"no = full sync after a primary crash"),
	[DCONF_O_C_PLAN_AHEAD] = INT("c-plan-ahead", D_, U0, 0, 300, 20, DC,
		DUET_DISK_A_C_PLAN_AHEAD,
		"resync controller horizon, 0.1 s; 0 = fixed rate"),
	[DCONF_O_C_DELAY_TARGET] = INT("c-delay-target", D_, U0, 1, 100, 10, DC,
		DUET_DISK_A_C_DELAY_TARGET, "resync delay target, 0.1 s"),
	[DCONF_O_C_FILL_TARGET] = INT("c-fill-target", D_, DCONF_U_SECTORS, 0,
		1000000, 8192, DC, DUET_DISK_A_C_FILL_TARGET,
		"resync in-flight target, sectors"),
	[DCONF_O_C_MAX_RATE] = INT("c-max-rate", D_, DCONF_U_KIB, 250,
		G(4) / 1024, 1048576, DC, DUET_DISK_A_C_MAX_RATE,
		"resync controller ceiling, KiB/s"),
	[DCONF_O_C_MIN_RATE] = INT("c-min-rate", D_, DCONF_U_KIB, 0, G(4) / 1024,
		4096, DC, DUET_DISK_A_C_MIN_RATE,
		"resync floor while applications write, KiB/s"),
	[DCONF_O_DISK_BARRIER] = BOOL("disk-barrier", D_, 0, DC,
		DUET_DISK_A_DISK_BARRIER, "order writes with barriers"),
	[DCONF_O_DISK_FLUSHES] = BOOL("disk-flushes", D_, 1, DC,
		DUET_DISK_A_DISK_FLUSHES, "order writes with flushes"),
	[DCONF_O_DISK_DRAIN] = BOOL("disk-drain", D_, 1, DC,
		DUET_DISK_A_DISK_DRAIN, "order writes by draining"),
	[DCONF_O_MD_FLUSHES] = BOOL("md-flushes", D_, 1, DC,
		DUET_DISK_A_MD_FLUSHES, "flush meta-data writes"),
	[DCONF_O_DISK_TIMEOUT] = INT("disk-timeout", D_, U0, 0, 6000, 0, DC,
		DUET_DISK_A_DISK_TIMEOUT,
		"fail a hung backing disk after this, 0.1 s; 0 = never"),
	[DCONF_O_READ_BALANCING] = ENUM("read-balancing", D_, e_read_balancing,
		DUET_RB_PREFER_LOCAL, DC, DUET_DISK_A_READ_BALANCING,
		"where a primary reads from"),
	[DCONF_O_MAX_BIO_BVECS] = INT("max-bio-bvecs", D_, U0, 0, 128, 0, DC,
		DUET_DISK_A_MAX_BIO_BVECS, "bio size workaround, 0 = off"),

	[DCONF_O_WFC_TIMEOUT] = INT("wfc-timeout", S_, U0, 0, 300000, 0, 0, 0,
		"boot waits this long for the peer, s; 0 = forever"),
	[DCONF_O_DEGR_WFC_TIMEOUT] = INT("degr-wfc-timeout", S_, U0, 0, 300000,
		0, 0, 0, "the same after a degraded shutdown, s"),
	[DCONF_O_OUTDATED_WFC_TIMEOUT] = INT("outdated-wfc-timeout", S_, U0, 0,
		300000, 0, 0, 0, "the same when the peer was outdated, s"),
	[DCONF_O_WAIT_AFTER_SB] = BOOL("wait-after-sb", S_, 0, 0, 0,
		"keep waiting after a split brain"),
	[DCONF_O_BECOME_PRIMARY_ON] = STR("become-primary-on", S_, DCONF_T_NAME,
		DUET_NAME_MAX, 0, 0, "host (or both) promoted at start-up"),

	[DCONF_O_CPU_MASK] = STR("cpu-mask", O_, DCONF_T_HEX, DUET_CPU_MASK_MAX,
		RO, DUET_RES_A_CPU_MASK, "CPUs of the resource's threads, hex"),
	[DCONF_O_ON_NO_DATA_ACCESSIBLE] = ENUM("on-no-data-accessible", O_,
		e_on_no_data, DUET_OND_IO_ERROR, RO, DUET_RES_A_ON_NO_DATA,
		"I/O when no up-to-date data is reachable"),

	[DCONF_O_H_PRI_ON_INCON_DEGR] = HANDLER("pri-on-incon-degr",
		"primary, degraded, inconsistent data"),
	[DCONF_O_H_PRI_LOST_AFTER_SB] = HANDLER("pri-lost-after-sb",
		"this primary lost the split-brain decision"),
	[DCONF_O_H_PRI_LOST] = HANDLER("pri-lost",
		"this primary must become sync target"),
	[DCONF_O_H_FENCE_PEER] = HANDLER("fence-peer",
		"outdate the peer through another channel"),
	[DCONF_O_H_LOCAL_IO_ERROR] = HANDLER("local-io-error",
		"a backing disk failed"),
	[DCONF_O_H_INITIAL_SPLIT_BRAIN] = HANDLER("initial-split-brain",
		"a split brain was detected"),
	[DCONF_O_H_SPLIT_BRAIN] = HANDLER("split-brain",
		"a split brain was not resolved automatically"),
	[DCONF_O_H_BEFORE_RESYNC_TARGET] = HANDLER("before-resync-target",
		"before this node becomes sync target"),
	[DCONF_O_H_AFTER_RESYNC_TARGET] = HANDLER("after-resync-target",
		"after this node was sync target"),
	[DCONF_O_H_BEFORE_RESYNC_SOURCE] = HANDLER("before-resync-source",
		"before this node becomes sync source"),
	[DCONF_O_H_OUT_OF_SYNC] = HANDLER("out-of-sync",
		"online verify found differences"),
};

int dconf_opt_lookup(enum dconf_sec sec, const char *name)
{
	for (int i = 0; i < DCONF_O_NR; i++)
		if (dconf_optdefs[i].sec == sec &&
		    strcmp(dconf_optdefs[i].name, name) == 0)
			return i;
	return -1;
}

struct opt_alias {
	enum dconf_sec sec;	/* section it is written in */
	bool syncer;		/* only inside "syncer { }" (8.3) */
	const char *name;
	enum dconf_opt opt;
	bool negate;
};

static const struct opt_alias aliases[] = {
	{ DCONF_SEC_DISK, true, "rate", DCONF_O_RESYNC_RATE, false },
	{ DCONF_SEC_DISK, true, "after", DCONF_O_RESYNC_AFTER, false },
	{ DCONF_SEC_DISK, true, "al-extents", DCONF_O_AL_EXTENTS, false },
	{ DCONF_SEC_DISK, true, "c-plan-ahead", DCONF_O_C_PLAN_AHEAD, false },
	{ DCONF_SEC_DISK, true, "c-delay-target", DCONF_O_C_DELAY_TARGET, false },
	{ DCONF_SEC_DISK, true, "c-fill-target", DCONF_O_C_FILL_TARGET, false },
	{ DCONF_SEC_DISK, true, "c-max-rate", DCONF_O_C_MAX_RATE, false },
	{ DCONF_SEC_DISK, true, "c-min-rate", DCONF_O_C_MIN_RATE, false },
	{ DCONF_SEC_DISK, true, "verify-alg", DCONF_O_VERIFY_ALG, false },
	{ DCONF_SEC_DISK, true, "csums-alg", DCONF_O_CSUMS_ALG, false },
	{ DCONF_SEC_DISK, true, "use-rle", DCONF_O_USE_RLE, false },
	{ DCONF_SEC_DISK, true, "cpu-mask", DCONF_O_CPU_MASK, false },
	{ DCONF_SEC_DISK, true, "on-no-data-accessible",
	  DCONF_O_ON_NO_DATA_ACCESSIBLE, false },
	{ DCONF_SEC_DISK, false, "no-disk-barrier", DCONF_O_DISK_BARRIER, true },
	{ DCONF_SEC_DISK, false, "no-disk-flushes", DCONF_O_DISK_FLUSHES, true },
	{ DCONF_SEC_DISK, false, "no-disk-drain", DCONF_O_DISK_DRAIN, true },
	{ DCONF_SEC_DISK, false, "no-md-flushes", DCONF_O_MD_FLUSHES, true },
	{ DCONF_SEC_HANDLERS, false, "outdate-peer", DCONF_O_H_FENCE_PEER,
	  false },
};

int dconf_opt_alias(enum dconf_sec sec, bool in_syncer, const char *name,
		    bool *negate)
{
	*negate = false;
	for (size_t i = 0; i < sizeof(aliases) / sizeof(aliases[0]); i++) {
		if (aliases[i].sec != sec || aliases[i].syncer != in_syncer ||
		    strcmp(aliases[i].name, name) != 0)
			continue;
		*negate = aliases[i].negate;
		return (int)aliases[i].opt;
	}
	return -1;
}

int dconf_parse_size(const char *text, enum dconf_unit unit, int64_t *out)
{
	const char *p = text;
	uint64_t v = 0, mult_bytes;
	const uint64_t limit = (uint64_t)1 << 62;

	if (*p < '0' || *p > '9')
		return -1;
	while (*p >= '0' && *p <= '9') {
		v = v * 10 + (uint64_t)(*p - '0');
		if (v > limit)
			return -1;
		p++;
	}
	if (*p == '\0') {
		*out = (int64_t)v;
		return 0;
	}
	if (unit == DCONF_U_NONE || p[1] != '\0')
		return -1;
	switch (*p) {
	case 's':
		if (unit != DCONF_U_SECTORS)
			return -1;
		*out = (int64_t)v;
		return 0;
	case 'k': case 'K': mult_bytes = 1ULL << 10; break;
	case 'm': case 'M': mult_bytes = 1ULL << 20; break;
	case 'g': case 'G': mult_bytes = 1ULL << 30; break;
	case 't': case 'T': mult_bytes = 1ULL << 40; break;
	default:
		return -1;
	}
	if (v > limit / mult_bytes)
		return -1;
	v *= mult_bytes;	/* bytes */
	switch (unit) {
	case DCONF_U_KIB:
		v /= 1024;	/* exact: the smallest suffix is K */
		break;
	case DCONF_U_SECTORS:
		v /= 512;
		break;
	default:
		break;
	}
	*out = (int64_t)v;
	return 0;
}

void dconf_format_size(int64_t num, enum dconf_unit unit, char *buf,
		       size_t len)
{
	static const struct { char c; int shift; } sfx[] = {
		{ 'T', 40 }, { 'G', 30 }, { 'M', 20 }, { 'K', 10 },
	};
	int unit_shift = unit == DCONF_U_KIB ? 10 :
			 unit == DCONF_U_SECTORS ? 9 : 0;

	if (unit != DCONF_U_NONE && num > 0) {
		for (size_t i = 0; i < sizeof(sfx) / sizeof(sfx[0]); i++) {
			int rel = sfx[i].shift - unit_shift;

			/* a suffix must stand for >= 1024 stored units */
			if (rel < 10)
				continue;
			if (num % ((int64_t)1 << rel) == 0) {
				snprintf(buf, len, "%" PRId64 "%c",
					 num >> rel, sfx[i].c);
				return;
			}
		}
	}
	snprintf(buf, len, "%" PRId64, num);
}

const char *dconf_enum_name(enum dconf_opt opt, int64_t val)
{
	const struct dconf_enum *e;

	if ((unsigned)opt >= DCONF_O_NR)
		return NULL;
	if (dconf_optdefs[opt].type == DCONF_T_BOOL)
		return val ? "yes" : "no";
	e = dconf_optdefs[opt].enums;
	for (; e && e->name; e++)
		if (e->val == val)
			return e->name;
	return NULL;
}

static bool is_hex_mask(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f') ||
		      (*s >= 'A' && *s <= 'F') || *s == ','))
			return false;
	return true;
}

static void enum_list(const struct dconf_enum *e, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (; e->name && used < len; e++) {
		int n = snprintf(buf + used, len - used, "%s%s",
				 used ? ", " : "", e->name);
		if (n < 0)
			break;
		used += (size_t)n;
	}
}

int dconf_opt_parse(enum dconf_opt opt, const char *text, int64_t *num,
		    char *err, size_t errlen)
{
	const struct dconf_optdef *d = &dconf_optdefs[opt];
	char lo[32], hi[32], list[400];
	size_t n = strlen(text);

	switch (d->type) {
	case DCONF_T_BOOL:
		if (strcmp(text, "yes") == 0) {
			*num = 1;
		} else if (strcmp(text, "no") == 0) {
			*num = 0;
		} else {
			snprintf(err, errlen, "expected yes or no, not '%s'", text);
			return -1;
		}
		return 0;
	case DCONF_T_INT:
		if (dconf_parse_size(text, d->unit, num) != 0) {
			snprintf(err, errlen, "'%s' is not a %s", text,
				 d->unit == DCONF_U_NONE ? "number" :
				 "number with an optional K, M or G suffix");
			return -1;
		}
		if (*num < d->min || *num > d->max) {
			dconf_format_size(d->min, d->unit, lo, sizeof(lo));
			dconf_format_size(d->max, d->unit, hi, sizeof(hi));
			snprintf(err, errlen, "%s is out of range %s..%s%s", text,
				 lo, hi,
				 d->unit == DCONF_U_KIB ? " (KiB/s)" :
				 d->unit == DCONF_U_SECTORS ? " (sectors)" :
				 d->unit == DCONF_U_BYTES ? " (bytes)" : "");
			return -1;
		}
		return 0;
	case DCONF_T_ENUM:
		for (const struct dconf_enum *e = d->enums; e->name; e++)
			if (strcmp(e->name, text) == 0) {
				*num = e->val;
				return 0;
			}
		enum_list(d->enums, list, sizeof(list));
		snprintf(err, errlen, "'%s' is not one of: %s", text, list);
		return -1;
	case DCONF_T_STRING:
	case DCONF_T_HANDLER:
		if (n > d->maxlen) {
			snprintf(err, errlen, "value is %zu characters long, at most %zu allowed",
				 n, d->maxlen);
			return -1;
		}
		if (memchr(text, '\n', n) != NULL) {
			snprintf(err, errlen, "value must not contain a newline");
			return -1;
		}
		return 0;
	case DCONF_T_HEX:
		if (!is_hex_mask(text) || n > d->maxlen) {
			snprintf(err, errlen, "'%s' is not a hexadecimal CPU mask", text);
			return -1;
		}
		return 0;
	case DCONF_T_NAME:
		if (!dconf_is_name(text) || n > d->maxlen) {
			snprintf(err, errlen, "'%s' is not a valid name", text);
			return -1;
		}
		return 0;
	}
	snprintf(err, errlen, "internal error: option type");
	return -1;
}

size_t dconf_sec_option_names(enum dconf_sec sec, const char **names,
			      size_t max)
{
	size_t n = 0;

	for (int i = 0; i < DCONF_O_NR && n + 1 < max; i++)
		if (dconf_optdefs[i].sec == sec)
			names[n++] = dconf_optdefs[i].name;
	names[n] = NULL;
	return n;
}

size_t dconf_syncer_option_names(const char **names, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < sizeof(aliases) / sizeof(aliases[0]) && n + 1 < max; i++)
		if (aliases[i].syncer)
			names[n++] = aliases[i].name;
	names[n] = NULL;
	return n;
}
