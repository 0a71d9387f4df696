#!/usr/bin/python3
"""Connects to a Unix socket and reports whether the server kept the connection: sends a PF_KEY FLUSH and prints
REPLY if a reply came back, CLOSED if the server closed the connection instead."""
import socket
import struct
import sys

s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.settimeout(5)
s.connect(sys.argv[1])
try:
    s.sendall(struct.pack("<BBBBHHII", 2, 9, 0, 0, 2, 0, 1, 1))
    data = s.recv(16)
except OSError:
    data = b""
print("REPLY" if data else "CLOSED")
