#!/usr/bin/env python3
"""A UDP relay that adds a delay each way, for the benchmark's "KDC 20 ms
away" row: datagrams sent to 127.0.0.1:LISTEN go to 127.0.0.1:TARGET after
DELAY_MS/2, and the answers come back after DELAY_MS/2 more (a round trip
of DELAY_MS).

    delay_relay.py LISTEN_PORT TARGET_PORT DELAY_MS

Prints the port it listens on (LISTEN_PORT 0: one the kernel picks) and
runs until killed. UDP only: AS requests that small go over UDP.
"""
import heapq
import select
import socket
import sys
import time


def main():
    listen, target, delay_ms = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
    half = delay_ms / 2000.0
    front = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    front.bind(("127.0.0.1", listen))
    print(front.getsockname()[1], flush=True)
    backs = {}  # client address -> its own socket towards the KDC
    owner = {}  # that socket -> the client address
    due = []  # (time, seq, socket to send on, data, destination)
    seq = 0
    while True:
        timeout = max(0.0, due[0][0] - time.monotonic()) if due else None
        ready, _, _ = select.select([front, *owner], [], [], timeout)
        now = time.monotonic()
        for s in ready:
            data, addr = s.recvfrom(65536)
            if s is front:
                back = backs.get(addr)
                if back is None:
                    back = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                    back.connect(("127.0.0.1", target))
                    backs[addr], owner[back] = back, addr
                heapq.heappush(due, (now + half, seq, back, data, None))
            else:
                heapq.heappush(due, (now + half, seq, front, data, owner[s]))
            seq += 1
        while due and due[0][0] <= time.monotonic():
            _, _, s, data, dest = heapq.heappop(due)
            if dest is None:
                s.send(data)
            else:
                s.sendto(data, dest)


if __name__ == "__main__":
    main()
