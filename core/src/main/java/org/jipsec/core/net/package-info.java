/**
 * The packet layer: IPv4 (RFC 791) and IPv6 (RFC 8200) headers read and written in place over byte arrays,
 * the IPv6 extension-header chain, Internet checksums (RFC 1071, RFC 1624), the SPD packet selector,
 * fragmentation and reassembly, ICMP errors, and a {@link org.jipsec.core.net.PacketBuffer} with head- and
 * tailroom so that ESP/AH/tunnel encapsulation inserts headers without per-packet allocation.
 *
 * <h2>Map</h2>
 * <ul>
 * <li>{@link org.jipsec.core.net.PacketBuffer} — the mutable packet (prepend/append/insert/remove/trim).</li>
 * <li>{@link org.jipsec.core.net.Ipv4Header}, {@link org.jipsec.core.net.Ipv6Header},
 *     {@link org.jipsec.core.net.Ipv6FragmentHeader}, {@link org.jipsec.core.net.Ipv6RoutingHeader} — static
 *     field accessors over {@code (byte[], offset)}; {@code check} validates untrusted input once.</li>
 * <li>{@link org.jipsec.core.net.Ipv6HeaderChain} — walks the extension headers: each header's type, offset
 *     and length; upper-layer protocol; unfragmentable part; AH/ESP insertion point; final destination.</li>
 * <li>{@link org.jipsec.core.net.OptionCursor} — IPv4 options and IPv6 TLV options; mutable-option zeroing
 *     for AH; IPv4 source-route final destination.</li>
 * <li>{@link org.jipsec.core.net.IpPacket} — version, whole-packet check, upper layer (IPv4 skips AH).</li>
 * <li>{@link org.jipsec.core.net.IpView} — where IPsec cuts into a packet (the transforms' reusable view), and the
 *     lenient outer-header helpers of the data path (header length, outer protocol, link-scoped destination).</li>
 * <li>{@link org.jipsec.core.net.UdpEncapClassifier} — RFC 3948 §2: ESP, IKE or NAT-keepalive on port 4500; the
 *     one classifier (engine, transforms, sockets, pcap tool).</li>
 * <li>{@link org.jipsec.core.net.Checksums}, {@link org.jipsec.core.net.TransportChecksum} — the one RFC 1071 sum
 *     (heap arrays and memory segments),
 *     RFC 1624 incremental updates, TCP/UDP/ICMP/ICMPv6 checksums of both families computed and verified in
 *     place.</li>
 * <li>{@link org.jipsec.core.net.PacketSelector} — the (src, dst, proto, ports) selector of a packet as
 *     KAME's {@code ipsec_setspidx} builds it.</li>
 * <li>{@link org.jipsec.core.net.Fragmenter}, {@link org.jipsec.core.net.Reassembler},
 *     {@link org.jipsec.core.net.IcmpErrors} — fragmentation (DF honoured), bounded reassembly under an
 *     injected clock, and the ICMP errors they call for.</li>
 * <li>{@link org.jipsec.core.net.PacketDescription} — a tcpdump-like one-line description.</li>
 * <li>{@code org.jipsec.core.net.pcap} — classic pcap files read and written over streams.</li>
 * </ul>
 *
 * <p>Conventions: every offset is an absolute index into the byte array; every multi-byte field is big-endian
 * (network order); accessors named after a field read exactly that field and never check bounds — call the
 * {@code check} method of the header class (which throws {@link org.jipsec.core.net.MalformedPacketException})
 * once on untrusted input, then use the accessors freely. Threads: the static accessors and checksum functions are
 * stateless; a {@link org.jipsec.core.net.PacketBuffer} belongs to one thread at a time; the
 * {@link org.jipsec.core.net.Reassembler} is confined to its owner (the engine, under the engine lock). Decoders of untrusted bytes throw only
 * {@code MalformedPacketException} (pcap: {@code PcapFormatException}) and are fuzzed with Jazzer.
 */
package org.jipsec.core.net;
