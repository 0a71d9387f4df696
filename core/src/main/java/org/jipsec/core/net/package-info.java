/**
 * The packet layer: IPv4 (RFC 791) and IPv6 (RFC 8200) headers read and written in place over byte arrays,
 * the IPv6 extension-header chain, Internet checksums (RFC 1071, RFC 1624), the SPD packet selector,
 * fragmentation and reassembly, and a {@link org.jipsec.core.net.PacketBuffer} with head- and tailroom so
 * that ESP/AH/tunnel encapsulation inserts headers without per-packet allocation.
 *
 * <p>Conventions: every offset is an absolute index into the byte array; every multi-byte field is big-endian
 * (network order); accessors named after a field read exactly that field and never check bounds — call the
 * {@code check} method of the header class (which throws {@link org.jipsec.core.net.MalformedPacketException})
 * once on untrusted input, then use the accessors freely.
 */
package org.jipsec.core.net;
