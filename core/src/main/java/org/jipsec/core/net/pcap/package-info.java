/**
 * Capture files: classic libpcap (tcpdump, tshark {@code -F pcap}, scapy {@code wrpcap}) and pcapng (tshark,
 * dumpcap and Wireshark's default) read from an {@link java.io.InputStream} through the one entry point
 * {@link org.jipsec.core.net.pcap.PcapReader}, which picks the format by the first four bytes; classic pcap written
 * to an {@link java.io.OutputStream} by {@link org.jipsec.core.net.pcap.PcapWriter}; no file paths.
 * Formats: <a href="https://www.ietf.org/archive/id/draft-ietf-opsawg-pcap-04.html">draft-ietf-opsawg-pcap</a>,
 * <a href="https://datatracker.ietf.org/doc/draft-ietf-opsawg-pcapng/">draft-ietf-opsawg-pcapng</a> and the
 * tcpdump.org LINKTYPE registry.
 */
package org.jipsec.core.net.pcap;
