/*
 * dd_probe: a minimal client of duetd's IPC service for the netns tests
 * (they must not depend on duetctl/ha_status):
 *
 *	dd_probe status			print the snapshot JSON
 *	dd_probe standby|takeover SET	print the result object; exit 0 ok, 1 refused
 *	dd_probe events N		subscribe, print N event objects, one a line
 *
 * Exit 3 when duetd does not answer.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <qb/qbipc_common.h>
#include <qb/qbipcc.h>

#include "daemon/duetd/dd_ipc_proto.h"

static char buf[DUETD_IPC_MAX_MSG];

static int request(qb_ipcc_connection_t *c, int id, const char *body)
{
	size_t blen = strlen(body) + 1;
	char req[512];
	struct qb_ipc_request_header *h = (void *)req;
	struct qb_ipc_response_header *r = (void *)buf;
	ssize_t n;

	if (blen + sizeof(*h) > sizeof(req))
		return 2;
	h->id = id;
	h->size = (int32_t)(sizeof(*h) + blen);
	memcpy(req + sizeof(*h), body, blen);
	n = qb_ipcc_sendv_recv(c, &(struct iovec){ req, (size_t)h->size }, 1, buf,
			       sizeof(buf), 5000);
	if (n < (ssize_t)sizeof(*r)) {
		fprintf(stderr, "dd_probe: no answer: %s\n", strerror((int)-n));
		return 3;
	}
	buf[n < (ssize_t)sizeof(buf) ? n : (ssize_t)sizeof(buf) - 1] = '\0';
	printf("%s\n", buf + sizeof(*r));
	return r->error == 0 ? 0 : 1;
}

int main(int argc, char **argv)
{
	qb_ipcc_connection_t *c;
	int rc;

	if (argc < 2) {
		fprintf(stderr, "usage: dd_probe status|standby SET|takeover SET|events N\n");
		return 2;
	}
	c = qb_ipcc_connect(DUETD_IPC_NAME, DUETD_IPC_MAX_MSG);
	if (!c) {
		fprintf(stderr, "duetd is not running on this node\n");
		return 3;
	}
	if (strcmp(argv[1], "status") == 0) {
		rc = request(c, DUETD_IPC_STATUS, "");
	} else if ((strcmp(argv[1], "standby") == 0 || strcmp(argv[1], "takeover") == 0) &&
		   argc == 3) {
		rc = request(c, argv[1][0] == 's' ? DUETD_IPC_STANDBY : DUETD_IPC_TAKEOVER,
			     argv[2]);
	} else if (strcmp(argv[1], "events") == 0 && argc == 3) {
		int want = atoi(argv[2]);

		rc = request(c, DUETD_IPC_SUBSCRIBE, "");
		for (int i = 0; rc == 0 && i < want; i++) {
			ssize_t n = qb_ipcc_event_recv(c, buf, sizeof(buf) - 1, 30000);

			if (n < (ssize_t)sizeof(struct qb_ipc_response_header)) {
				rc = 1;
				break;
			}
			buf[n] = '\0';
			printf("%s\n", buf + sizeof(struct qb_ipc_response_header));
			fflush(stdout);
		}
	} else {
		fprintf(stderr, "dd_probe: bad arguments\n");
		rc = 2;
	}
	qb_ipcc_disconnect(c);
	return rc;
}
