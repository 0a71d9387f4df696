#!/usr/bin/python3
"""An IPv6 transport-mode AH or ESP peer built with scapy 2.5 that puts extension headers BEFORE the IPsec header.

usage: gateway_scapy_v6ext.py IFACE SRC DST PROTO EXT KEY_OUT_HEX KEY_IN_HEX

PROTO is ah (HMAC-SHA-256-128, SPIs 0x1001 out / 0x1002 in) or esp (AES-GCM-16, key + salt); EXT is dst-rh
(Destination Options + a type 0 Routing header before the IPsec header, Destination Options after it), hbh (a
Hop-by-Hop header with a Router Alert, RFC 2711) or dst (a Destination Options header with PadN and an experimental
option whose data may change en route, RFC 4727 type 0x3e: AH zeroes it for the ICV, RFC 4302 §3.3.3.1.2.1).
Sends, as SRC, one ICMPv6 echo request (id 0x4243, seq 1) behind that header, protected with scapy's
SecurityAssociation (for AH, scapy's ICV covers the fixed header and the extension headers with mutable fields
zeroed: scapy/layers/ipsec.py zero_mutable_fields). Sniffs DST's protected answers (SPI 0x1002), checks/decrypts
them with scapy and prints one JSON line: {"replies": [[icmpv6 type, id, seq, payload hex], ...], "undecryptable": N}
"""
import json
import sys
import time

from scapy.all import AsyncSniffer, Raw, conf, raw, send
from scapy.layers.inet6 import (HBHOptUnknown, ICMPv6EchoReply, ICMPv6EchoRequest, IPv6, IPv6ExtHdrDestOpt,
                                IPv6ExtHdrHopByHop, IPv6ExtHdrRouting, PadN, RouterAlert)
from scapy.layers.ipsec import AH, ESP, SecurityAssociation

iface, src, dst, proto, ext, key_out, key_in = sys.argv[1:8]
conf.verb = 0
if proto == "ah":
    out_sa = SecurityAssociation(AH, spi=0x1001, auth_algo="SHA2-256-128", auth_key=bytes.fromhex(key_out))
    in_sa = SecurityAssociation(AH, spi=0x1002, auth_algo="SHA2-256-128", auth_key=bytes.fromhex(key_in))
else:
    out_sa = SecurityAssociation(ESP, spi=0x1001, crypt_algo="AES-GCM", crypt_key=bytes.fromhex(key_out))
    in_sa = SecurityAssociation(ESP, spi=0x1002, crypt_algo="AES-GCM", crypt_key=bytes.fromhex(key_in))

if ext == "hbh":
    header = IPv6ExtHdrHopByHop(options=[RouterAlert(value=0)])
elif ext == "dst-rh":
    # Destination Options before a Routing header (type 0 without addresses, segments left 0: already at its final
    # destination, so nothing is rotated for the ICV), then Destination Options for the final destination, which
    # scapy (like Linux) puts after AH/ESP
    header = (IPv6ExtHdrDestOpt(options=[PadN(optdata=b"\x00\x00\x00\x00")])
              / IPv6ExtHdrRouting(type=0, addresses=[], segleft=0)
              / IPv6ExtHdrDestOpt(options=[HBHOptUnknown(otype=0x1e, optdata=b"final-ds")]))
    # (Linux refuses PadN longer than 7 bytes, RFC 4942 §2.1.9.5: a real option fills the final header)
else:
    header = IPv6ExtHdrDestOpt(options=[PadN(optdata=b"\x00\x00"), HBHOptUnknown(otype=0x3e, optdata=b"mutable!")])

sniffer = AsyncSniffer(iface=iface, filter="ip6 and src host %s" % dst, store=True)
sniffer.start()
time.sleep(1.0)
request = IPv6(src=src, dst=dst, hlim=64) / header / ICMPv6EchoRequest(id=0x4243, seq=1, data=b"jipsec-v6-ext-headers")
protected = IPv6(raw(out_sa.encrypt(request, seq_num=1)))
if ext == "dst" and proto == "ah":
    # the mutable option's data changes en route: the receiver's ICV must not depend on it
    wire = bytearray(raw(protected))
    at = wire.find(b"mutable!")
    wire[at:at + 8] = b"changed!"
    protected = IPv6(bytes(wire))
send(protected)
time.sleep(1.5)
sniffer.stop()

replies, undecryptable = [], 0
for p in sniffer.results:
    print("sniffed: " + p.summary(), file=sys.stderr)
    if IPv6 not in p:
        continue
    layer = AH if proto == "ah" else ESP
    if layer not in p or p[layer].spi != 0x1002:
        continue
    try:
        d = IPv6(raw(in_sa.decrypt(p[IPv6])))  # dissect again: scapy leaves AH's payload as Raw
    except Exception as e:  # noqa: BLE001 - counted, reported to the test
        print("undecryptable: %r" % e, file=sys.stderr)
        undecryptable += 1
        continue
    print("decrypted: " + d.summary(), file=sys.stderr)
    if ICMPv6EchoReply in d:
        e = d[ICMPv6EchoReply]
        replies.append([e.type, e.id, e.seq, bytes(e.data).hex()])
print("sent: " + protected.summary(), file=sys.stderr)
print(json.dumps({"replies": replies, "undecryptable": undecryptable}))
