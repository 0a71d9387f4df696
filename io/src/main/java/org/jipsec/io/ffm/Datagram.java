package org.jipsec.io.ffm;

import java.net.InetSocketAddress;

/** What a single (non-batched) receive returned: the byte count and who sent it (port 0 for raw sockets). */
public record Datagram(int length, InetSocketAddress source) {}
