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
    """Recomputes, on the bytes, the lengths scapy 2.5 leaves wrong and the IPv6 UDP checksum it leaves 0."""
    b = bytearray(pkt_bytes)
    if b[0] >> 4 == 4:
        ihl = (b[0] & 0x0f) * 4
        b[2:4] = len(b).to_bytes(2, "big")
        b[10:12] = b"\x00\x00"
        b[10:12] = checksum(bytes(b[:ihl])).to_bytes(2, "big")
        u = ihl
        b[u + 4:u + 6] = (len(b) - u).to_bytes(2, "big")
        b[u + 6:u + 8] = b"\x00\x00"  # RFC 3948 §2.1: zero over IPv4
    else:
        u = 40
        b[4:6] = (len(b) - 40).to_bytes(2, "big")
        b[u + 4:u + 6] = (len(b) - u).to_bytes(2, "big")
        b[u + 6:u + 8] = b"\x00\x00"
        ulen = len(b) - u
        pseudo = bytes(b[8:40]) + ulen.to_bytes(4, "big") + b"\x00\x00\x00\x11"
        c = checksum(pseudo + bytes(b[u:]))
        b[u + 6:u + 8] = (c or 0xffff).to_bytes(2, "big")
    return bytes(b)


def checksum(data):
    if len(data) % 2:
        data += b"\x00"
    s = sum(int.from_bytes(data[i:i + 2], "big") for i in range(0, len(data), 2))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


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
    if job.get("nat_t"):
        pkt = ip_of(check_nat_t(bytes.fromhex(job["packet"]), job))
    out = sa.decrypt(pkt)
    return raw(out)


def check_nat_t(b, job):
    """Checks the UDP header jipsec wrote (RFC 3948 §2.1); strips it for IPv6 transport mode, where scapy 2.5's
    decrypt would leave it in place (it rewrites the UDP header's 'next header' instead of the IPv6 header's)."""
    v6 = b[0] >> 4 == 6
    u = 40 if v6 else (b[0] & 0x0f) * 4
    proto = b[6] if v6 else b[9]
    if proto != 17:
        raise ValueError("not UDP: protocol %d" % proto)
    sport, dport, ulen, csum = (int.from_bytes(b[u + i:u + i + 2], "big") for i in (0, 2, 4, 6))
    if [sport, dport] != job["nat_t"]:
        raise ValueError("UDP ports %d/%d" % (sport, dport))
    if ulen != len(b) - u:
        raise ValueError("UDP length %d, datagram %d" % (ulen, len(b) - u))
    if v6:
        pseudo = bytes(b[8:40]) + ulen.to_bytes(4, "big") + b"\x00\x00\x00\x11"
        if csum == 0 or checksum(pseudo + bytes(b[u:])) != 0:
            raise ValueError("bad IPv6 UDP checksum 0x%04x" % csum)
    elif csum != 0:
        raise ValueError("IPv4 UDP checksum should be zero (RFC 3948 §2.1), is 0x%04x" % csum)
    if v6 and not job.get("tunnel"):
        b = bytearray(b[:u] + b[u + 8:])
        b[6] = 50
        b[4:6] = (len(b) - 40).to_bytes(2, "big")
        return bytes(b)
    return b


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
