/**
 * The IPsec transforms of the data plane (issue #3): ESP (RFC 4303), AH (RFC 4302), IPComp (RFC 3173/2394),
 * IP-in-IP tunnels (RFC 4301 §5.1.2), UDP encapsulation (RFC 3948), the anti-replay window (RFC 4303 §3.4.3,
 * RFC 6479, ESN App. A) and per-reason drop statistics.
 *
 * <p>Entry point: {@link org.jipsec.core.xform.Xform} ({@code output} for one SA or a bundle, {@code input} for a
 * received packet). Per-SA state: {@link org.jipsec.core.xform.SaContext} built from the immutable
 * {@link org.jipsec.core.xform.SaParameters}. Pure: no I/O, no threads, no clock; randomness (CBC IVs, random
 * padding) only from the source the SA was given. Captured packets ({@code jipsec pcap}) go through the whole
 * engine instead: {@link org.jipsec.core.engine.OfflineEngine}.
 *
 * <p>Where jipsec differs from NetBSD (documented at the code): a CYCSEQ sender skips sequence number 0 after a
 * wrap; with {@code net.inet.ipsec.ecn} = 1 tunnels follow RFC 6040 normal mode; the inner TCP/UDP checksum of a
 * NAT-T transport packet is recomputed rather than patched from NAT-OA (both allowed by RFC 3948 §3.1.2).
 */
package org.jipsec.core.xform;
