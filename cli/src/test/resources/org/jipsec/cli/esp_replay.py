#!/usr/bin/env python3
"""Replays captured ESP packets: every frame of PCAP carrying ESP from SRC with SPI and a sequence number <= MAXSEQ
is sent again, unchanged, on IFACE (Ethernet header included). Prints how many were sent."""
import sys
from scapy.all import rdpcap, sendp
from scapy.layers.inet import IP

pcap, iface, src, spi, maxseq = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4], 0), int(sys.argv[5])
out = []
for p in rdpcap(pcap):
    if IP not in p or p[IP].proto != 50 or p[IP].src != src:
        continue
    esp = bytes(p[IP].payload)
    if int.from_bytes(esp[0:4], "big") == spi and int.from_bytes(esp[4:8], "big") <= maxseq:
        out.append(p)
sendp(out, iface=iface, verbose=False)
print(len(out))
