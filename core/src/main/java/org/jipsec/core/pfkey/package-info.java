/**
 * PF_KEY v2 (RFC 2367 with the KAME extensions, as NetBSD's pfkeyv2.h lays them out) and the key management engine
 * (NetBSD key.c/keysock.c), pure: no I/O, injected clock and randomness.
 *
 * <ul>
 *   <li>{@link org.jipsec.core.pfkey.PfkeyMessage} and {@link org.jipsec.core.pfkey.Extension}: immutable message
 *       values; {@link org.jipsec.core.pfkey.PfkeyCodec}: the one codec (NetBSD layout, Linux sockaddrs, host order
 *       little-endian; checks every length against key.c's table; throws only
 *       {@link org.jipsec.core.pfkey.PfkeyException} with NetBSD's errno);
 *       {@link org.jipsec.core.pfkey.Sadb}: the numbers, with the NetBSD/Linux choice documented.</li>
 *   <li>{@link org.jipsec.core.pfkey.KeyEngine}: every message type, reply targets (ONE/ALL/REGISTERED, promiscuous
 *       copies), lifetimes and EXPIRE, larval timeout, ACQUIRE rate limiting, SPI and policy id allocation; the SAD
 *       is {@link org.jipsec.core.sad.SecurityAssociationDatabase}; the SPD sits behind
 *       {@link org.jipsec.core.pfkey.PolicyStore} ({@link org.jipsec.core.pfkey.SpdPolicyStore} for jipsec's SPD).</li>
 *   <li>Dumps are {@link org.jipsec.core.pfkey.DumpStream}s built lazily as the socket drains: never truncated (the
 *       BUGS section of ipsec(4)), never materialised.</li>
 *   <li>{@link org.jipsec.core.pfkey.KeyDebug}: {@code setkey -x} output.</li>
 * </ul>
 *
 * <h2>Threads and locks</h2>
 * {@link org.jipsec.core.pfkey.KeyEngine} is not thread-safe: every call runs under the one engine lock the io
 * layer owns (PF_KEY clients, the timer, reloads and the data plane's SA lookups share it). Its
 * {@link org.jipsec.core.sad.TransformStateFactory} is called under that lock, as SAs become MATURE.
 *
 * <p>errno numbers are Linux's ({@link org.jipsec.core.pfkey.Errno}) because the clients are Linux-built; which errno
 * a request gets is NetBSD's.
 */
package org.jipsec.core.pfkey;
