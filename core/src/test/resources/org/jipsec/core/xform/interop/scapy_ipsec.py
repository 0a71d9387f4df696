#!/usr/bin/python3
"""Batch ESP/AH encrypt/decrypt with scapy 2.5, for jipsec's interop tests.

usage: scapy_ipsec.py JOBS.json RESULTS.json

Each job: {"op": "encrypt"|"decrypt", "proto": "ESP"|"AH", "spi": int, "seq": int,
           "crypt_algo": str|null, "crypt_key": hex, "auth_algo": str|null, "auth_key": hex,
           "tunnel": [src, dst]|null, "nat_t": [sport, dport]|null, "esn_en": bool, "esn": int,
           "packet": hex}
Each result: {"ok": bool, "packet": hex, "error": str}.

Works around scapy 2.5.0's known NAT-T defects (peers.md): the UDP length it leaves at 8 and the IPv6 UDP
checksum it leaves 0 are recomputed after encryption.
"""
import json
import sys

from scapy.all import IP, IPv6, UDP, raw
from scapy.layers.ipsec import AH, ESP, SecurityAssociation


def ip_of(b):
    return IP(b) if (b[0] >> 4) == 4 else IPv6(b)


def fix_nat_t(pkt_bytes):
    p = ip_of(pkt_bytes)
    if UDP in p:
        u = p[UDP]
        del u.len
        del u.chksum
        if IP in p:
            del p[IP].len
            del p[IP].chksum
        else:
            del p[IPv6].plen
        p = ip_of(raw(p))
        if IP in p:
            # RFC 3948 §2.1: the checksum SHOULD be zero over IPv4
            p[UDP].chksum = 0
        return raw(p)
    return pkt_bytes


def sa_of(job):
    tunnel = None
    if job.get("tunnel"):
        s, d = job["tunnel"]
        tunnel = IPv6(src=s, dst=d) if ":" in s else IP(src=s, dst=d)
    nat = None
    if job.get("nat_t"):
        nat = UDP(sport=job["nat_t"][0], dport=job["nat_t"][1])
    kw = {}
    if job["proto"] == "ESP":
        kw["crypt_algo"] = job.get("crypt_algo") or "NULL"
        kw["crypt_key"] = bytes.fromhex(job.get("crypt_key") or "") or None
    if job.get("auth_algo"):
        kw["auth_algo"] = job["auth_algo"]
        kw["auth_key"] = bytes.fromhex(job.get("auth_key") or "")
    return SecurityAssociation(ESP if job["proto"] == "ESP" else AH, spi=job["spi"], tunnel_header=tunnel,
                               nat_t_header=nat, esn_en=job.get("esn_en", False), esn=job.get("esn", 0), **kw)


def run(job):
    sa = sa_of(job)
    pkt = ip_of(bytes.fromhex(job["packet"]))
    if job["op"] == "encrypt":
        out = raw(sa.encrypt(pkt, seq_num=job["seq"]))
        if job.get("nat_t"):
            out = fix_nat_t(out)
        return out
    out = sa.decrypt(pkt)
    return raw(out)


def main():
    jobs = json.load(open(sys.argv[1]))
    results = []
    for job in jobs:
        try:
            results.append({"ok": True, "packet": run(job).hex(), "error": ""})
        except Exception as e:  # every failure is reported per job
            results.append({"ok": False, "packet": "", "error": "%s: %s" % (type(e).__name__, e)})
    json.dump(results, open(sys.argv[2], "w"))


if __name__ == "__main__":
    main()
