#!/usr/bin/env python3
"""Writes a FILE ccache (v4) with N tickets for the klist benchmark.

usage: make_big_cache.py SOURCE_CACHE OUT_CACHE N

SOURCE_CACHE is a cache written by MIT's kinit + kvno (a TGT and at least one
service ticket). OUT gets SOURCE's header, default principal and credentials,
then copies of the last service ticket under server names svc-0001/..., up to
N credentials in all (config entries not counted). Byte layout: MIT's
ccache format v4 (big-endian; see libcore/src/ccache/format.cpp).
"""
import struct
import sys


class Reader:
    def __init__(self, data):
        self.data, self.pos = data, 0

    def take(self, n):
        if self.pos + n > len(self.data):
            raise SystemExit(f"{sys.argv[1]}: truncated at byte {self.pos}")
        out = self.data[self.pos:self.pos + n]
        self.pos += n
        return out

    def u8(self): return self.take(1)[0]
    def u16(self): return struct.unpack(">H", self.take(2))[0]
    def u32(self): return struct.unpack(">I", self.take(4))[0]
    def blob(self): return self.take(self.u32())

    def principal(self):
        name_type, count = self.u32(), self.u32()
        realm = self.blob()
        return name_type, realm, [self.blob() for _ in range(count)]


def pack_blob(b): return struct.pack(">I", len(b)) + b


def pack_principal(p):
    name_type, realm, comps = p
    return struct.pack(">II", name_type, len(comps)) + pack_blob(realm) + b"".join(pack_blob(c) for c in comps)


def main():
    src, out, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
    data = open(src, "rb").read()
    r = Reader(data)
    if r.u16() != 0x0504:
        raise SystemExit(f"{src}: not a version 4 ccache")
    r.take(r.u16())  # header tags
    r.principal()
    head_end = r.pos
    creds = []  # (server principal, bytes after the server principal, is_config)
    while r.pos < len(data):
        start = r.pos
        r.principal()
        client_end = r.pos
        server = r.principal()
        rest_start = r.pos
        r.u16(); r.blob()          # keyblock
        r.take(16); r.u8(); r.u32()  # times, is_skey, flags
        for _ in range(r.u32()): r.u16(); r.blob()  # addresses
        for _ in range(r.u32()): r.u16(); r.blob()  # authdata
        r.blob(); r.blob()         # ticket, second ticket
        creds.append((data[start:client_end], server, data[rest_start:r.pos]))
    tickets = [c for c in creds if not c[1][1].startswith(b"X-CACHECONF:")]
    service = [c for c in tickets if c[1][2][0] != b"krbtgt"]
    if not service:
        raise SystemExit(f"{src}: no service ticket to copy (run kvno first)")
    client, (name_type, realm, comps), rest = service[-1]
    body = bytearray(data[:head_end])
    for c in creds:
        body += c[0] + pack_principal(c[1]) + c[2]
    for i in range(1, n - len(tickets) + 1):
        server = (name_type, realm, [b"svc-%04d" % i] + comps[1:])
        body += client + pack_principal(server) + rest
    with open(out, "wb") as f:
        f.write(body)


if __name__ == "__main__":
    main()
