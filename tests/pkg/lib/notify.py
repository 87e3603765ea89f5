#!/usr/bin/env python3
"""A stand-in for systemd's side of sd_notify(3), for tests/pkg/notify.bats.

    notify.py SOCKET [--watchdog-usec N] -- COMMAND...

Binds a datagram socket at SOCKET, runs COMMAND with NOTIFY_SOCKET (and
WATCHDOG_USEC, WATCHDOG_PID unset) in its environment, prints every message
with newlines as '|', one a line; after READY=1 (and, with a watchdog, three
WATCHDOG=1) sends SIGTERM, waits for STOPPING=1 and the exit, and prints
"exit N". "timeout" when a message is 20 s late.
"""
import os
import signal
import socket
import subprocess
import sys


def main():
    args = sys.argv[1:]
    path = args.pop(0)
    watchdog = None
    if args and args[0] == "--watchdog-usec":
        watchdog = args[1]
        args = args[2:]
    if args and args[0] == "--":
        args = args[1:]
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    if os.path.exists(path):
        os.unlink(path)
    sock.bind(path)
    sock.settimeout(20)
    env = dict(os.environ, NOTIFY_SOCKET=path)
    env.pop("WATCHDOG_PID", None)
    env.pop("WATCHDOG_USEC", None)
    if watchdog:
        env["WATCHDOG_USEC"] = watchdog
    proc = subprocess.Popen(args, env=env)
    dogs = 0

    def recv():
        msg = sock.recv(4096).decode()
        print(msg.replace("\n", "|"), flush=True)
        return msg

    try:
        while True:
            msg = recv()
            if msg == "WATCHDOG=1":
                dogs += 1
            if msg.startswith("READY=1") and not watchdog:
                break
            if dogs >= 3:
                break
        proc.send_signal(signal.SIGTERM)
        while not recv().startswith("STOPPING=1"):
            pass
    except socket.timeout:
        print("timeout", flush=True)
        proc.send_signal(signal.SIGTERM)
    print("exit %d" % proc.wait(), flush=True)


if __name__ == "__main__":
    main()
