#!/usr/bin/env python3
"""Loopback relay that saves what passes through it (used to capture the
fuzz seeds in this folder, see README.md).

  capture_relay.py LISTEN_PORT TARGET_HOST TARGET_PORT OUTDIR

UDP: every datagram pair is saved as OUTDIR/udp-N-req.bin / udp-N-rep.bin.
TCP: each connection's two byte streams as OUTDIR/tcp-N-c2s.bin / -s2c.bin.
Runs until killed."""
import os
import select
import socket
import sys
import threading

port, host, tport, out = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), sys.argv[4]
os.makedirs(out, exist_ok=True)
counter = [0]
lock = threading.Lock()


def next_n():
    with lock:
        counter[0] += 1
        return counter[0]


def udp():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", port))
    while True:
        data, peer = s.recvfrom(65535)
        n = next_n()
        open(f"{out}/udp-{n}-req.bin", "wb").write(data)
        u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        u.settimeout(10)
        u.sendto(data, (host, tport))
        try:
            rep, _ = u.recvfrom(65535)
        except socket.timeout:
            continue
        open(f"{out}/udp-{n}-rep.bin", "wb").write(rep)
        s.sendto(rep, peer)


def tcp_conn(c):
    n = next_n()
    t = socket.create_connection((host, tport))
    logs = {c: open(f"{out}/tcp-{n}-c2s.bin", "wb"), t: open(f"{out}/tcp-{n}-s2c.bin", "wb")}
    other = {c: t, t: c}
    while True:
        r, _, _ = select.select([c, t], [], [])
        for sock in r:
            data = sock.recv(65536)
            if not data:
                for f in logs.values():
                    f.close()
                c.close()
                t.close()
                return
            logs[sock].write(data)
            logs[sock].flush()
            other[sock].sendall(data)


def tcp():
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", port))
    s.listen(8)
    while True:
        c, _ = s.accept()
        threading.Thread(target=tcp_conn, args=(c,), daemon=True).start()


threading.Thread(target=udp, daemon=True).start()
tcp()
