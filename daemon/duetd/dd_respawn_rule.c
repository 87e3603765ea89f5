/*
 * dd_respawn_rule: when a respawn client is started again (dd_respawn.h).
 * Pure: no I/O, unit-tested in tests/unit/test_dd_pure.c.
 */
#include "daemon/duetd/dd_respawn.h"

enum dd_rsp_verdict dd_rsp_decide(struct dd_rsp_state *s, bool stopping,
				  bool failfast, bool exited, int code,
				  uint64_t ran_ms)
{
	if (stopping)
		return DD_RSP_DONE;
	if (exited && code == DD_RSP_NO_RESPAWN)
		return DD_RSP_ASKED;
	if (failfast)
		return DD_RSP_FAILFAST;
	if (ran_ms >= DD_RSP_FAST_MS) {
		s->fast = 0;
		return DD_RSP_RESTART;
	}
	if (++s->fast >= DD_RSP_MAX_FAST)
		return DD_RSP_TOO_FAST;
	return DD_RSP_RESTART;
}

const char *dd_rsp_verdict_str(enum dd_rsp_verdict v)
{
	switch (v) {
	case DD_RSP_RESTART:
		return "restart";
	case DD_RSP_DONE:
		return "done";
	case DD_RSP_ASKED:
		return "asked not to be respawned";
	case DD_RSP_TOO_FAST:
		return "respawning too fast";
	case DD_RSP_FAILFAST:
		return "failfast";
	}
	return "?";
}
