#!/usr/bin/env python3
"""Writes typed seeds of fuzz_kcm_reply: the replies a KCM daemon gives to
the read requests MIT's client makes, each as one file holding the target's
selector byte (0 name, 1 UUID list, 2 credential list, 3 credential,
4 principal, 5 KDC offset) and the reply, status first.

    kcm_seeds.py SOCKET OUTDIR PREFIX

The daemon at SOCKET should hold a collection (MIT's kinit of two
principals, a kvno) of the calling user; fuzz/corpus/README.md says how the
kept seeds were made."""
import os
import socket
import struct
import sys

OPS = {"gen_new": 3, "get_principal": 8, "get_cred_uuid_list": 9, "get_cred_by_uuid": 10,
       "get_cred_list": 13001, "get_cache_uuid_list": 18, "get_cache_by_uuid": 19,
       "get_default_cache": 20, "get_kdc_offset": 22}


def call(path, op, args=b""):
    s = socket.socket(socket.AF_UNIX)
    s.connect(path)
    req = bytes([2, 0]) + struct.pack(">H", OPS[op]) + args
    s.sendall(struct.pack(">I", len(req)) + req)
    head = b""
    while len(head) < 8:
        head += s.recv(8 - len(head))
    length, code = struct.unpack(">Ii", head)
    if code != 0:
        return struct.pack(">i", code)
    body = b""
    while len(body) < length:
        chunk = s.recv(length - len(body))
        if not chunk:
            break
        body += chunk
    return body


def main():
    path, out, prefix = sys.argv[1:4]
    os.makedirs(out, exist_ok=True)
    n = [0]

    def keep(kind, what, reply):
        n[0] += 1
        with open(os.path.join(out, f"{prefix}-{what}"), "wb") as f:
            f.write(bytes([kind]) + reply)
        return reply[4:] if len(reply) >= 4 and reply[:4] == b"\0\0\0\0" else None

    default = keep(0, "default-cache", call(path, "get_default_cache"))
    ids = keep(1, "cache-uuids", call(path, "get_cache_uuid_list")) or b""
    names = []
    for i in range(0, len(ids), 16):
        name = keep(0, f"cache-by-uuid-{i // 16}", call(path, "get_cache_by_uuid", ids[i:i + 16]))
        if name:
            names.append(name)
    for j, name in enumerate(names):
        keep(4, f"principal-{j}", call(path, "get_principal", name))
        keep(5, f"kdc-offset-{j}", call(path, "get_kdc_offset", name))
        keep(2, f"cred-list-{j}", call(path, "get_cred_list", name))
        creds = keep(1, f"cred-uuids-{j}", call(path, "get_cred_uuid_list", name)) or b""
        for i in range(0, len(creds), 16):
            keep(3, f"cred-{j}-{i // 16}", call(path, "get_cred_by_uuid", name + creds[i:i + 16]))
    keep(4, "principal-missing", call(path, "get_principal", b"no-such-cache\0"))
    del default


if __name__ == "__main__":
    main()
