#!/usr/bin/python3
"""hb_forge: send Heartbeat 3 datagrams built from heartbeat.md §3-4, good
or deliberately broken, to test that a receiver drops and counts the bad
ones. Used by tests/netns/duetd.bats from a third namespace.

  hb_forge.py --to IP[:PORT] --src NODE --key SECRET [--keynum N]
              --kind good|badsig|wrongkey|truncated|garbage|nosig|oversized
              [--count N] [--seq S] [--hg G]
"""
import argparse
import hashlib
import hmac
import os
import socket
import sys
import time


def classic(fields):
    return b"".join(n + b"=" + v + b"\n" for n, v in fields)


def netstring(fields):
    body = b"###\n"
    for n, v in fields:
        item = b"(0)" + n + b"=" + v
        body += str(len(item)).encode() + b":" + item + b","
    return body + b"%%%\n"


def sign(key, data):
    return hmac.new(key, data, hashlib.sha1).hexdigest().encode()


def build(a, seq):
    key = a.key.encode()
    f = [(b"t", b"status"), (b"st", b"active"), (b"dt", b"3e8"),
         (b"protocol", b"1"), (b"src", a.src.encode()),
         (b"seq", b"%x" % seq), (b"hg", b"%x" % a.hg),
         (b"ts", b"%x" % int(time.time())), (b"ld", b"0.00 0.00 0.00 1/1 1"),
         (b"ttl", b"3")]
    if a.kind == "badsig":
        key = key + b"-not-the-key"
    keynum = a.keynum if a.kind != "wrongkey" else 9
    f.append((b"auth", b"%d " % keynum + sign(key, classic(f))))
    body = netstring(f)
    sig = b"%d " % keynum + sign(key, body)
    pkt = body + str(len(sig)).encode() + b":" + sig + b","
    if a.kind == "nosig":
        pkt = body
    elif a.kind == "truncated":
        pkt = pkt[: len(pkt) // 2]
    elif a.kind == "garbage":
        pkt = os.urandom(200)
    elif a.kind == "oversized":
        many = [(b"x%d" % i, b"y") for i in range(400)]
        pkt = netstring(f[:-1] + many)
    return pkt


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--to", required=True)
    p.add_argument("--src", required=True)
    p.add_argument("--key", required=True)
    p.add_argument("--keynum", type=int, default=1)
    p.add_argument("--kind", required=True,
                   choices=["good", "badsig", "wrongkey", "truncated", "garbage",
                            "nosig", "oversized"])
    p.add_argument("--count", type=int, default=1)
    p.add_argument("--seq", type=int, default=1)
    p.add_argument("--hg", type=int, default=1)
    a = p.parse_args()
    host, _, port = a.to.partition(":")
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    for i in range(a.count):
        s.sendto(build(a, a.seq + i), (host, int(port or 694)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
