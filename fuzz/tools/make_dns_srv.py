#!/usr/bin/python3
"""Writes the dns_srv seeds: DNS answers to SRV queries, encoded (with name
compression) by dnspython (Debian's python3-dnspython, a Samba dependency).
  /usr/bin/python3 make_dns_srv.py OUTDIR"""
import sys

import dns.message
import dns.rrset

out = sys.argv[1]


def answer(qname, records, rcode=0):
    q = dns.message.make_query(qname, "SRV")
    r = dns.message.make_response(q)
    r.set_rcode(rcode)
    if records:
        r.answer.append(dns.rrset.from_text_list(qname, 600, "IN", "SRV", records))
    return r.to_wire()


seeds = {
    "kdc-two.bin": answer("_kerberos._udp.AD.KRBKIT.TEST.",
                          ["0 100 88 dc1.ad.krbkit.test.", "10 50 88 dc2.ad.krbkit.test."]),
    "kdc-weights.bin": answer("_kerberos._tcp.KRBKIT.TEST.",
                              ["0 10 88 kdc-a.krbkit.test.", "0 60 88 kdc-b.krbkit.test.",
                               "5 0 750 kdc-c.example.org."]),
    "kpasswd.bin": answer("_kpasswd._udp.AD.KRBKIT.TEST.", ["0 100 464 dc1.ad.krbkit.test."]),
    "not-here.bin": answer("_kerberos-adm._tcp.AD.KRBKIT.TEST.", ["0 0 0 ."]),
    "nxdomain.bin": answer("_kerberos._udp.NOSUCH.TEST.", [], rcode=3),
}
for name, data in seeds.items():
    open(f"{out}/{name}", "wb").write(data)
