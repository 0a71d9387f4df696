#!/usr/bin/python3
"""Writes examples/example.pcap: a handful of cleartext packets for jipsec's demo (LINKTYPE_RAW, 101).

Reproducible: fixed addresses, ports, IP ids, sequence numbers and timestamps; run it again and the file
is byte-for-byte the same.  Usage:  /usr/bin/python3 examples/make-example-pcap.py [output.pcap]

  10.1.0.1 <-> 10.2.0.1          ICMP echo request/reply, UDP (DNS-like) request/reply, TCP handshake + data
  2001:db8:1::1 <-> 2001:db8:2::1 ICMPv6 echo request/reply, UDP request/reply
"""
import os
import sys

from scapy.all import IP, IPv6, ICMP, UDP, TCP, ICMPv6EchoRequest, ICMPv6EchoReply, Raw, PcapWriter

A4, B4 = "10.1.0.1", "10.2.0.1"
A6, B6 = "2001:db8:1::1", "2001:db8:2::1"
PING = bytes(range(0x10, 0x10 + 48))

packets = [
    IP(src=A4, dst=B4, id=1, ttl=64, flags="DF") / ICMP(type=8, id=0x4a50, seq=1) / Raw(PING),
    IP(src=B4, dst=A4, id=101, ttl=64) / ICMP(type=0, id=0x4a50, seq=1) / Raw(PING),
    IP(src=A4, dst=B4, id=2, ttl=64, flags="DF") / UDP(sport=40001, dport=53) / Raw(b"\x12\x34\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00\x07example\x03net\x00\x00\x01\x00\x01"),
    IP(src=B4, dst=A4, id=102, ttl=64) / UDP(sport=53, dport=40001) / Raw(b"\x12\x34\x81\x80\x00\x01\x00\x01\x00\x00\x00\x00\x07example\x03net\x00\x00\x01\x00\x01\xc0\x0c\x00\x01\x00\x01\x00\x00\x0e\x10\x00\x04\x0a\x02\x00\x01"),
    IP(src=A4, dst=B4, id=3, ttl=64, flags="DF") / TCP(sport=40002, dport=80, seq=1000, flags="S", window=64240, options=[("MSS", 1460)]),
    IP(src=B4, dst=A4, id=0, ttl=64, flags="DF") / TCP(sport=80, dport=40002, seq=5000, ack=1001, flags="SA", window=65160, options=[("MSS", 1460)]),
    IP(src=A4, dst=B4, id=4, ttl=64, flags="DF") / TCP(sport=40002, dport=80, seq=1001, ack=5001, flags="A", window=64240),
    IP(src=A4, dst=B4, id=5, ttl=64, flags="DF") / TCP(sport=40002, dport=80, seq=1001, ack=5001, flags="PA", window=64240) / Raw(b"GET / HTTP/1.0\r\nHost: 10.2.0.1\r\n\r\n"),
    IPv6(src=A6, dst=B6, hlim=64) / ICMPv6EchoRequest(id=0x4a51, seq=1, data=PING),
    IPv6(src=B6, dst=A6, hlim=64) / ICMPv6EchoReply(id=0x4a51, seq=1, data=PING),
    IPv6(src=A6, dst=B6, hlim=64) / UDP(sport=40003, dport=7) / Raw(b"hello over IPv6\n"),
    IPv6(src=B6, dst=A6, hlim=64) / UDP(sport=7, dport=40003) / Raw(b"hello over IPv6\n"),
]

out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "example.pcap")
w = PcapWriter(out, linktype=101, sync=True)
for i, p in enumerate(packets):
    p = p.__class__(bytes(p))  # build: lengths and checksums filled in
    p.time = 1767225600 + i * 0.125  # 2026-01-01T00:00:00Z, 125 ms apart
    w.write(p)
w.close()
print("wrote %d packets to %s" % (len(packets), out))
