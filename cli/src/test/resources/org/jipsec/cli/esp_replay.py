#!/usr/bin/env python3
"""Replays captured IPsec packets: every frame of PCAP carrying ESP (IPv4 protocol / IPv6 next header 50, or ESP in
UDP: port 4500 with a non-zero first word, RFC 3948 §2.2) or, with PROTO "ah", AH (51) from SRC with SPI and a
sequence number <= MAXSEQ is sent again, unchanged, on IFACE (Ethernet header included). Prints the sequence number
of each packet sent, one a line.

usage: esp_replay.py PCAP IFACE SRC SPI MAXSEQ [esp|ah]"""
import sys
from scapy.all import rdpcap, sendp
from scapy.layers.inet import IP, UDP
from scapy.layers.inet6 import IPv6

pcap, iface, src, spi, maxseq = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4], 0), int(sys.argv[5])
proto = sys.argv[6] if len(sys.argv) > 6 else "esp"
want = 51 if proto == "ah" else 50


def ipsec_header(p):
    """The ESP or AH header's bytes of an outer IPv4/IPv6 packet from SRC, or None."""
    ip = p[IP] if IP in p else p[IPv6] if IPv6 in p else None
    if ip is None or ip.src != src:
        return None
    nxt = ip.proto if IP in p else ip.nh
    payload = bytes(ip.payload)
    if nxt == want:
        return payload
    if want == 50 and nxt == 17 and len(payload) >= 16:
        dport = int.from_bytes(payload[2:4], "big")
        if dport == 4500 and payload[8:12] != b"\0\0\0\0":
            return payload[8:]
    return None


out, seqs = [], []
for p in rdpcap(pcap):
    h = ipsec_header(p)
    if h is None:
        continue
    # ESP: SPI, sequence number (RFC 4303 §2); AH: next header, length, reserved, SPI, sequence (RFC 4302 §2)
    at = 4 if want == 51 else 0
    if int.from_bytes(h[at:at + 4], "big") == spi and int.from_bytes(h[at + 4:at + 8], "big") <= maxseq:
        if UDP in p and p[UDP].dport == 4500:
            # the sender's checksum offload leaves a partial checksum in a capture: recomputed, the ESP bytes unchanged
            del p[UDP].chksum
        out.append(p)
        seqs.append(int.from_bytes(h[at + 4:at + 8], "big"))
sendp(out, iface=iface, verbose=False)
for s in seqs:
    print(s)
