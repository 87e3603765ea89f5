/*
 * dd_ipc_proto: the request ids and limits of duetd's libqb IPC service,
 * shared by duetd, duetctl and ha_status. The bodies are described in
 * daemon/duetd/IPC.md.
 */
#ifndef DUET_DD_IPC_PROTO_H
#define DUET_DD_IPC_PROTO_H

#define DUETD_IPC_NAME		"duetd"
#define DUETD_IPC_MAX_MSG	(256 * 1024)

enum dd_ipc_id {
	DUETD_IPC_STATUS = 1,
	DUETD_IPC_STANDBY = 2,
	DUETD_IPC_TAKEOVER = 3,
	DUETD_IPC_SUBSCRIBE = 4,
	DUETD_IPC_EVENT = 100,
};

/* duetctl and ha_status exit codes */
enum dd_ipc_exit {
	DD_EXIT_OK = 0,
	DD_EXIT_REFUSED = 1,
	DD_EXIT_USAGE = 2,
	DD_EXIT_NO_DAEMON = 3,
};

#endif
