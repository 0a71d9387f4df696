#!/usr/bin/python3
"""An independent PF_KEY v2 client for jipsecd's socket, written from RFC 2367 and pfkeyv2.h with struct.pack
(Linux sockaddr layout, host order little-endian, SPI and ports in network order). It adds an ESP SA, reads the
reply, asks for it with SADB_GET and checks every field of the SA dump it gets back. Prints OK or raises."""
import socket
import struct
import sys

SADB_ADD, SADB_GET, SADB_DUMP = 3, 5, 10
SATYPE_ESP = 3
PID = 31337


def ext(exttype, body):
    assert (len(body) + 4) % 8 == 0, (exttype, len(body))
    return struct.pack("<HH", (len(body) + 4) // 8, exttype) + body


def msg(mtype, satype, seq, exts):
    body = b"".join(exts)
    return struct.pack("<BBBBHHII", 2, mtype, 0, satype, (16 + len(body)) // 8, 0, seq, PID) + body


def sockaddr_in(addr, port=0):
    return struct.pack("<H", 2) + struct.pack(">H", port) + socket.inet_aton(addr) + bytes(8)


def address(exttype, addr):
    return ext(exttype, struct.pack("<BBH", 255, 32, 0) + sockaddr_in(addr))


def sa(spi, auth, enc, replay=0, flags=0):
    return ext(1, struct.pack(">I", spi) + struct.pack("<BBBBI", replay, 0, auth, enc, flags))


def key(exttype, k):
    pad = (-len(k)) % 8
    return ext(exttype, struct.pack("<HH", len(k) * 8, 0) + k + bytes(pad))


def recv_msg(s):
    hdr = b""
    while len(hdr) < 16:
        chunk = s.recv(16 - len(hdr))
        if not chunk:
            return None
        hdr += chunk
    total = struct.unpack_from("<H", hdr, 4)[0] * 8
    rest = b""
    while len(rest) < total - 16:
        chunk = s.recv(total - 16 - len(rest))
        assert chunk, "truncated"
        rest += chunk
    return hdr + rest


def parse(m):
    version, mtype, errno, satype, mlen, _res, seq, pid = struct.unpack_from("<BBBBHHII", m, 0)
    assert mlen * 8 == len(m)
    exts = {}
    off = 16
    while off < len(m):
        elen, etype = struct.unpack_from("<HH", m, off)
        exts[etype] = m[off:off + elen * 8]
        off += elen * 8
    assert off == len(m)
    return dict(version=version, type=mtype, errno=errno, satype=satype, seq=seq, pid=pid, exts=exts)


def main(path):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(path)
    enc_key = bytes(range(1, 17))
    auth_key = bytes(range(0x20, 0x34))
    s.sendall(msg(SADB_ADD, SATYPE_ESP, 1, [
        key(9, enc_key), key(8, auth_key), sa(0x12345678, 3, 12, replay=4, flags=0x40),
        ext(19, struct.pack("<BBHII", 2, 0, 0, 0, 77)),
        address(5, "192.0.2.1"), address(6, "192.0.2.2")]))
    r = parse(recv_msg(s))
    assert (r["type"], r["errno"], r["seq"], r["pid"]) == (SADB_ADD, 0, 1, PID), r
    assert 8 not in r["exts"] and 9 not in r["exts"], "keys must not be echoed"

    s.sendall(msg(SADB_GET, SATYPE_ESP, 2, [sa(0x12345678, 0, 0), address(5, "192.0.2.1"), address(6, "192.0.2.2")]))
    g = parse(recv_msg(s))
    assert (g["type"], g["errno"], g["seq"]) == (SADB_GET, 0, 2), g
    e = g["exts"]
    spi, replay, state, auth, encr, flags = struct.unpack_from(">I", e[1], 4) + struct.unpack_from("<BBBBI", e[1], 8)
    assert (spi, replay, state, auth, encr, flags) == (0x12345678, 4, 1, 3, 12, 0x40), (spi, replay, state, auth, encr, flags)
    mode, _r1, _r2, sequence, reqid = struct.unpack_from("<BBHII", e[19], 4)
    assert (mode, reqid) == (2, 77), (mode, reqid)
    bits = struct.unpack_from("<H", e[9], 4)[0]
    assert bits == 128 and e[9][8:8 + 16] == enc_key
    bits = struct.unpack_from("<H", e[8], 4)[0]
    assert bits == 160 and e[8][8:8 + 20] == auth_key
    family, port = struct.unpack_from("<H", e[6], 8)[0], struct.unpack_from(">H", e[6], 10)[0]
    assert family == 2 and port == 0 and socket.inet_ntoa(e[6][12:16]) == "192.0.2.2"
    assert len(e[5]) == 24
    natt_type = e[20][4]
    assert natt_type == 0

    s.sendall(msg(SADB_DUMP, 0, 3, []))
    d = parse(recv_msg(s))
    assert (d["type"], d["errno"], d["seq"]) == (SADB_DUMP, 0, 0), d
    print("OK")


if __name__ == "__main__":
    main(sys.argv[1])
