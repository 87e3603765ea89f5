/*
 * dd_respawn: ha.cf's "respawn USER COMMAND" and "failfast USER COMMAND"
 * clients (heartbeat.md §1.2): started as USER once the cluster comm is
 * up, restarted when they exit, stopped with the daemon.
 *
 * The restart rule is pure (dd_rsp_decide) and unit-tested:
 *  - an exit while duetd stops: nothing more;
 *  - exit status 100: the client asked not to be respawned (Heartbeat's
 *    convention), nothing more;
 *  - a failfast client that ends for any other reason: duetd shuts down
 *    gracefully at once, so the peer takes the groups (the client watched
 *    something this node cannot run without);
 *  - otherwise it is started again after DD_RSP_DELAY_MS; a client that
 *    ran less than DD_RSP_FAST_MS DD_RSP_MAX_FAST times in a row is
 *    "respawning too fast" and is given up (logged as an error).
 */
#ifndef DUET_DD_RESPAWN_H
#define DUET_DD_RESPAWN_H

#include <stdbool.h>
#include <stdint.h>

#define DD_RSP_DELAY_MS		1000
#define DD_RSP_FAST_MS		10000
#define DD_RSP_MAX_FAST		5
#define DD_RSP_NO_RESPAWN	100	/* exit status: do not respawn me */

enum dd_rsp_verdict {
	DD_RSP_RESTART,
	DD_RSP_DONE,		/* duetd is stopping */
	DD_RSP_ASKED,		/* exit status 100 */
	DD_RSP_TOO_FAST,
	DD_RSP_FAILFAST,
};

struct dd_rsp_state {
	unsigned fast;		/* short runs in a row */
};

/*
 * A client ended: exited (true: with status code; false: killed by a
 * signal) after running ran_ms. Updates s and says what to do.
 */
enum dd_rsp_verdict dd_rsp_decide(struct dd_rsp_state *s, bool stopping,
				  bool failfast, bool exited, int code,
				  uint64_t ran_ms);
const char *dd_rsp_verdict_str(enum dd_rsp_verdict v);

struct dd;
struct hb_diag;
/* duetd -t and start-up: every respawn user exists, every path is executable */
int dd_respawn_check(struct dd *d, struct hb_diag *dg);
/* at comm up (once): starts the clients */
void dd_respawn_start(struct dd *d);
/* shutdown: SIGTERM to the clients, no more restarts */
void dd_respawn_stop(struct dd *d);

#endif
