/*
 * dd_beat: classic BPF programs that tell the datagrams that can wait
 * from the rest (see dd_beat.h). For each prefix in turn the program
 * compares a word at a time:
 *
 *   ld len; jge base+N ? next : next prefix
 *   ld [base+0] (word); jeq W0 ? next : next prefix   ... each whole word
 *   ld [..] (half); jeq; ld [..] (byte); jeq           the tail, if any
 *   ret hit
 *   ...the next prefix...
 *   miss: ret miss
 *
 * Loads are big-endian (network order), so each constant is built from
 * the prefix bytes most significant first.
 */
#include <string.h>

#include "daemon/duetd/dd_beat.h"

static const char *const prefixes[] = { DD_BEAT_PREFIX, DD_ACK_PREFIX };
#define NPREFIXES (sizeof(prefixes) / sizeof(prefixes[0]))

static uint32_t be_bytes(const unsigned char *p, size_t n)
{
	uint32_t v = 0;

	for (size_t i = 0; i < n; i++)
		v = v << 8 | p[i];
	return v;
}

size_t dd_beat_prog(struct sock_filter *out, size_t cap, uint32_t base, uint32_t hit,
		    uint32_t miss)
{
	struct sock_filter prog[DD_BEAT_PROG_MAX];
	size_t n = 0;

	if (cap < DD_BEAT_PROG_MAX)
		return 0;
	for (size_t k = 0; k < NPREFIXES; k++) {
		const unsigned char *p = (const unsigned char *)prefixes[k];
		const size_t len = strlen(prefixes[k]);
		/* the jumps to "not this prefix", patched once its end is known */
		size_t fails[DD_BEAT_PROG_MAX];
		size_t nfail = 0, off = 0;

		prog[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_LEN, 0);
		fails[nfail++] = n;
		prog[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K,
							 (uint32_t)(base + len), 0, 0);
		while (off < len) {
			size_t w = len - off >= 4 ? 4 : len - off >= 2 ? 2 : 1;
			uint16_t size = w == 4 ? BPF_W : w == 2 ? BPF_H : BPF_B;

			prog[n++] = (struct sock_filter)BPF_STMT(BPF_LD | size | BPF_ABS,
								 (uint32_t)(base + off));
			fails[nfail++] = n;
			prog[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
								 be_bytes(p + off, w), 0, 0);
			off += w;
		}
		prog[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, hit);
		/* a mismatch goes on with the next prefix, or to "miss" */
		for (size_t i = 0; i < nfail; i++)
			prog[fails[i]].jf = (uint8_t)(n - fails[i] - 1);
	}
	prog[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, miss);
	memcpy(out, prog, n * sizeof(prog[0]));
	return n;
}

bool dd_beat_match(const void *payload, size_t len)
{
	for (size_t k = 0; k < NPREFIXES; k++) {
		size_t plen = strlen(prefixes[k]);

		if (len >= plen && memcmp(payload, prefixes[k], plen) == 0)
			return true;
	}
	return false;
}
