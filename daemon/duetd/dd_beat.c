/*
 * dd_beat: classic BPF programs that tell plain heartbeats from the rest
 * (see dd_beat.h). The program compares the prefix a word at a time:
 *
 *   ld len; jge base+N ? next : miss
 *   ld [base+0] (word); jeq W0 ? next : miss   ... one per whole word
 *   ld [..] (half); jeq; ld [..] (byte); jeq   the tail, if any
 *   ret hit
 *   miss: ret miss
 *
 * Loads are big-endian (network order), so each constant is built from
 * the prefix bytes most significant first.
 */
#include <string.h>

#include "daemon/duetd/dd_beat.h"

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
	const unsigned char *p = (const unsigned char *)DD_BEAT_PREFIX;
	const size_t len = DD_BEAT_PREFIX_LEN;
	struct sock_filter prog[DD_BEAT_PROG_MAX];
	size_t n = 0, miss_at, off = 0;
	/* the jumps that go to "miss" are patched once its place is known */
	size_t to_miss[DD_BEAT_PROG_MAX];
	size_t nmiss = 0;

	if (cap < DD_BEAT_PROG_MAX)
		return 0;
	prog[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_LEN, 0);
	to_miss[nmiss++] = n;
	prog[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K,
						 (uint32_t)(base + len), 0, 0);
	while (off < len) {
		size_t w = len - off >= 4 ? 4 : len - off >= 2 ? 2 : 1;
		uint16_t size = w == 4 ? BPF_W : w == 2 ? BPF_H : BPF_B;

		prog[n++] = (struct sock_filter)BPF_STMT(BPF_LD | size | BPF_ABS,
							 (uint32_t)(base + off));
		to_miss[nmiss++] = n;
		prog[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
							 be_bytes(p + off, w), 0, 0);
		off += w;
	}
	prog[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, hit);
	miss_at = n;
	prog[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, miss);
	for (size_t i = 0; i < nmiss; i++)
		prog[to_miss[i]].jf = (uint8_t)(miss_at - to_miss[i] - 1);
	memcpy(out, prog, n * sizeof(prog[0]));
	return n;
}

bool dd_beat_match(const void *payload, size_t len)
{
	return len >= DD_BEAT_PREFIX_LEN &&
	       memcmp(payload, DD_BEAT_PREFIX, DD_BEAT_PREFIX_LEN) == 0;
}
