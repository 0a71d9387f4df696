#!/usr/bin/python3
"""Builds packets with scapy for jipsec's packet-layer interop tests (an independent encoder).

Usage: scapy_packets.py MODE SEED COUNT [ARGS]; prints one line of tab-separated fields per item
(lists inside a field are comma-separated hex).
  packets  random IPv4/IPv6 packets with options/extension headers, checksums computed by scapy
  frag4    random IPv4 datagrams and scapy's fragments of them (shuffled)
  frag6    random IPv6 datagrams and scapy's fragment6 fragments of them (shuffled)
  pcap     writes capture files with scapy into directory ARGS[0] and prints what each holds
  defrag   reads lines of comma-separated fragments on stdin; prints scapy's reassembly of each
"""
import random
import sys

from scapy.all import (IP, IPv6, TCP, UDP, ICMP, ICMPv6EchoRequest, ICMPv6EchoReply, IPOption_NOP,
                       IPOption_RR, IPOption_Router_Alert, IPOption_LSRR, IPv6ExtHdrHopByHop,
                       IPv6ExtHdrDestOpt, IPv6ExtHdrRouting, IPv6ExtHdrFragment, PadN, RouterAlert,
                       Raw, Ether, Dot1Q, fragment, fragment6, defragment, defragment6, raw, wrpcap,
                       PcapWriter, AH)


def rnd_payload(r, lo=0, hi=64):
    return bytes(r.getrandbits(8) for _ in range(r.randint(lo, hi)))


def rnd_v4(r):
    return "10.%d.%d.%d" % (r.randint(0, 255), r.randint(0, 255), r.randint(1, 254))


def rnd_v6(r):
    return "2001:db8:%x::%x" % (r.randint(0, 0xffff), r.randint(1, 0xffff))


def l4(r, v6):
    k = r.randint(0, 2)
    if k == 0:
        return TCP(sport=r.randint(1, 65535), dport=r.randint(1, 65535), seq=r.getrandbits(32),
                   flags=r.choice(["S", "SA", "A", "PA", "FA"]), window=r.randint(0, 65535))
    if k == 1:
        return UDP(sport=r.randint(1, 65535), dport=r.randint(1, 65535))
    if v6:
        return r.choice([ICMPv6EchoRequest, ICMPv6EchoReply])(id=r.randint(0, 65535), seq=r.randint(0, 65535))
    return ICMP(type=r.choice([0, 8, 3, 11]), code=r.randint(0, 3), id=r.randint(0, 65535), seq=r.randint(0, 65535))


def v4_packet(r):
    opts = []
    k = r.randint(0, 3)
    if k == 1:
        opts = [IPOption_NOP(), IPOption_RR(routers=["0.0.0.0"] * r.randint(1, 3))]
    elif k == 2:
        opts = [IPOption_Router_Alert()]
    elif k == 3:
        opts = [IPOption_LSRR(routers=[rnd_v4(r) for _ in range(r.randint(1, 3))])]
    ip = IP(src=rnd_v4(r), dst=rnd_v4(r), id=r.randint(0, 65535), ttl=r.randint(1, 255),
            tos=r.randint(0, 255), flags=r.choice([0, 2]), options=opts)
    return ip / l4(r, False) / Raw(rnd_payload(r))


def v6_packet(r):
    ip = IPv6(src=rnd_v6(r), dst=rnd_v6(r), hlim=r.randint(1, 255), tc=r.randint(0, 255),
              fl=r.randint(0, 0xfffff))
    ext = None
    k = r.randint(0, 5)
    if k == 1:
        ext = IPv6ExtHdrHopByHop(options=[RouterAlert()])
    elif k == 2:
        ext = IPv6ExtHdrDestOpt(options=[PadN(optdata=b"\x00" * r.randint(0, 4))])
    elif k == 3:
        ext = IPv6ExtHdrRouting(addresses=[rnd_v6(r) for _ in range(r.randint(1, 3))])
    elif k == 4:
        ext = IPv6ExtHdrHopByHop() / IPv6ExtHdrDestOpt() / IPv6ExtHdrRouting(addresses=[rnd_v6(r)]) / IPv6ExtHdrDestOpt()
    elif k == 5:
        ext = IPv6ExtHdrRouting(addresses=[rnd_v6(r), rnd_v6(r)], segleft=0)
    pkt = ip / ext if ext is not None else ip
    return pkt / l4(r, True) / Raw(rnd_payload(r))


def upper(pkt):
    for cls in (TCP, UDP, ICMP, ICMPv6EchoRequest, ICMPv6EchoReply):
        if cls in pkt:
            layer = pkt[cls]
            return len(raw(pkt)) - len(raw(layer)), layer
    raise ValueError("no upper layer")


def main():
    mode, seed, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    r = random.Random(seed)
    if mode == "packets":
        for i in range(count):
            pkt = (v4_packet if i % 2 == 0 else v6_packet)(r)
            pkt = pkt.__class__(raw(pkt))  # rebuilt: every checksum and length filled in by scapy
            off, layer = upper(pkt)
            proto = {TCP: 6, UDP: 17, ICMP: 1}.get(type(layer), 58)
            sport = getattr(layer, "sport", None)
            dport = getattr(layer, "dport", None)
            if proto == 1 or proto == 58:
                sport, dport = layer.type, layer.code
            cksum = layer.chksum if hasattr(layer, "chksum") else layer.cksum
            print("\t".join(str(x) for x in (raw(pkt).hex(), proto, off, sport, dport, cksum)))
    elif mode in ("frag4", "frag6"):
        for i in range(count):
            size = r.randint(600, 4000)
            if mode == "frag4":
                pkt = IP(src=rnd_v4(r), dst=rnd_v4(r), id=r.randint(0, 65535)) / UDP(sport=1000, dport=2000) / Raw(rnd_payload(r, size, size))
                pkt = IP(raw(pkt))
                frags = fragment(pkt, fragsize=r.choice([256, 512, 1000]))
            else:
                pkt = IPv6(src=rnd_v6(r), dst=rnd_v6(r)) / IPv6ExtHdrFragment(id=r.getrandbits(32)) / UDP(sport=1000, dport=2000) / Raw(rnd_payload(r, size, size))
                pkt = IPv6(raw(pkt))
                frags = fragment6(pkt, r.choice([1280, 1500]))
            frags = [raw(f).hex() for f in frags]
            r.shuffle(frags)
            whole = pkt
            if mode == "frag6":  # the reassembled datagram has no Fragment header
                whole = IPv6(raw(IPv6(src=pkt.src, dst=pkt.dst) / pkt[UDP]))
            print(raw(whole).hex() + "\t" + ",".join(frags))
    elif mode == "pcap":
        d = sys.argv[4]
        p4 = IP(src="10.1.0.1", dst="10.2.0.1") / UDP(sport=1234, dport=53) / Raw(b"hello")
        p6 = IPv6(src="2001:db8:1::1", dst="2001:db8:2::1") / ICMPv6EchoRequest(id=7, seq=1)
        # little-endian (scapy writes host order), microseconds, Ethernet with a VLAN tag on the IPv6 frame
        frames = [Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02") / p4,
                  Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02") / Dot1Q(vlan=5) / p6]
        for f, t in zip(frames, (1700000000.25, 1700000001.5)):
            f.time = t
        wrpcap(d + "/ether.pcap", frames)
        w = PcapWriter(d + "/raw-nano.pcap", linktype=101, nano=True, sync=True)  # scapy warns about IPv6 in DLT 101; harmless
        for p, t in zip((p4, p6), (1700000002, 1700000003)):
            p.time = t
            w.write(p)
        w.close()
        print(raw(p4).hex() + "\t" + raw(p6).hex())
    elif mode == "defrag":
        for line in sys.stdin:
            frags = [bytes.fromhex(h) for h in line.strip().split(",")]
            if frags[0][0] >> 4 == 4:
                out = defragment([IP(f) for f in frags])
            else:
                out = [defragment6([IPv6(f) for f in frags])]
            print(",".join(raw(p).hex() for p in out))
            sys.stdout.flush()
    else:
        raise SystemExit("unknown mode " + mode)


if __name__ == "__main__":
    main()
