/**
 * Classic libpcap capture files (the format of tcpdump, tshark {@code -F pcap} and scapy {@code wrpcap}):
 * read from an {@link java.io.InputStream} and written to an {@link java.io.OutputStream}; no file paths.
 * Format: <a href="https://www.ietf.org/archive/id/draft-ietf-opsawg-pcap-04.html">draft-ietf-opsawg-pcap</a>
 * and the tcpdump.org LINKTYPE registry.
 */
package org.jipsec.core.net.pcap;
