#!/usr/bin/env python3
"""Runs a program once per TCP connection accepted on 127.0.0.1:PORT, with
the connection as its standard input (as inetd does).

    kadmind_relay.py PORT PROGRAM [ARG]...

Heimdal's kadmind binds every interface when it listens itself; started
with a socket on its standard input it serves that one connection instead,
so this loop keeps it on loopback. Exits when the port cannot be bound.
"""
import os
import signal
import socket
import sys


def main():
    port, program = int(sys.argv[1]), sys.argv[2:]
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", port))
    listener.listen(128)
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # children are reaped by the kernel
    while True:
        conn, _ = listener.accept()
        if os.fork() == 0:
            listener.close()
            os.dup2(conn.fileno(), 0)
            conn.close()
            signal.signal(signal.SIGCHLD, signal.SIG_DFL)
            os.execv(program[0], program)
        conn.close()


if __name__ == "__main__":
    main()
