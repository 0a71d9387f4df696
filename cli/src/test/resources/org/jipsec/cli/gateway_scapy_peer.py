#!/usr/bin/python3
"""A manually keyed ESP peer built with scapy 2.5, for jipsec's gateway end-to-end test.

usage: gateway_scapy_peer.py IFACE SRC DST KEY_OUT_HEX KEY_IN_HEX

Sends, as SRC, ESP (SPI 0x1001, AES-GCM-16, key+salt KEY_OUT) to DST carrying an ICMP echo request (seq 1); then
the same ESP packet again (a replay); then an echo request (seq 2) whose ICV is corrupted. Sniffs DST's ESP answers
(SPI 0x1002, KEY_IN), decrypts them with scapy and prints one JSON line:
{"replies": [[icmp type, id, seq, payload hex], ...], "undecryptable": N}
"""
import json
import sys
import time

from scapy.all import ICMP, IP, AsyncSniffer, Raw, conf, raw, send
from scapy.layers.ipsec import ESP, SecurityAssociation

iface, src, dst, key_out, key_in = sys.argv[1:6]
conf.verb = 0
out_sa = SecurityAssociation(ESP, spi=0x1001, crypt_algo="AES-GCM", crypt_key=bytes.fromhex(key_out))
in_sa = SecurityAssociation(ESP, spi=0x1002, crypt_algo="AES-GCM", crypt_key=bytes.fromhex(key_in))

sniffer = AsyncSniffer(iface=iface, filter="ip proto 50 and src host %s" % dst, store=True)
sniffer.start()
time.sleep(1.0)
request = IP(src=src, dst=dst) / ICMP(id=0x4242, seq=1) / Raw(b"jipsec-scapy-interop")
protected = out_sa.encrypt(request, seq_num=1)
send(protected)
time.sleep(1.0)
send(protected)  # the same sequence number again: a replay
bad = bytearray(raw(out_sa.encrypt(IP(src=src, dst=dst) / ICMP(id=0x4242, seq=2) / Raw(b"bad icv"), seq_num=2)))
bad[-1] ^= 0x01  # the last ICV octet
send(IP(bytes(bad)))
time.sleep(1.5)
sniffer.stop()

replies, undecryptable = [], 0
for p in sniffer.results:
    if ESP not in p or p[ESP].spi != 0x1002:
        continue
    try:
        d = in_sa.decrypt(p[IP])
    except Exception:  # noqa: BLE001 - counted, reported to the test
        undecryptable += 1
        continue
    if ICMP in d:
        load = bytes(d[Raw].load) if Raw in d else b""
        replies.append([d[ICMP].type, d[ICMP].id, d[ICMP].seq, load.hex()])
print(json.dumps({"replies": replies, "undecryptable": undecryptable}))
