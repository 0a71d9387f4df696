/**
 * The pure foundation of jipsec's IKEv2 daemon ({@code jipsec iked}, issue #14): everything that can be
 * computed without a socket, a clock or a random source of its own. RFC 7296 throughout; section numbers are
 * cited where the code implements them.
 *
 * <h2>What is here</h2>
 * <ul>
 *   <li>{@code codec}: the message codec (§3) — header, payload chain, every payload of RFC 7296 plus SKF
 *       (RFC 7383); a decoder of untrusted bytes that throws only
 *       {@link org.jipsec.core.ike.codec.IkeDecodeException} (INVALID_SYNTAX, UNSUPPORTED_CRITICAL_PAYLOAD per
 *       §2.5, INVALID_MAJOR_VERSION).</li>
 *   <li>{@code crypto}: PRFs and prf+ (§2.13), the key schedule (§2.14, §2.17, §2.18), DH groups 14/19/20/31
 *       (RFC 3526, RFC 5903, RFC 8031), SK payload protection (§3.14; RFC 5282, RFC 7634), PSK AUTH (§2.15),
 *       NAT detection (§2.23), and the IANA transform IDs mapped onto the one algorithm table.</li>
 *   <li>{@code proposal}: strongSwan proposal strings, SA payload proposals, selection (§2.7) with reasons.</li>
 *   <li>{@code config}: swanctl.conf (strongSwan's settings syntax) to typed, validated connections, children
 *       and secrets, with strongSwan's defaults; errors name file and line.</li>
 *   <li>{@code ts}: traffic selector narrowing (§2.9).</li>
 *   <li>{@code engine}: the event-driven IKE SA engine: the initial exchanges (IKE_SA_INIT, IKE_AUTH with
 *       PSK and the first CHILD_SA, §1.2), INFORMATIONAL (deletes, liveness checks / DPD, §1.4, §2.4), CHILD_SA
 *       rekey with and without PFS including simultaneous rekeys (§1.3.3, §2.8.1), IKE SA rekey (§1.3.2,
 *       §2.18), with retransmission and cached responses (§2.1).</li>
 * </ul>
 *
 * <h2>The daemon this is for: events in, actions out</h2>
 * The protocol engine is one object per IKE SA, driven only by events — a datagram (bytes, from, to, now), a
 * timer firing, and next a PF_KEY message (ACQUIRE, EXPIRE) and an admin command (initiate, terminate, rekey) —
 * and returning actions: send a datagram, arm or cancel a timer, install a CHILD_SA (to become PF_KEY GETSPI,
 * UPDATE, ADD, X_SPDADD), established/failed with a reason that names exactly what did not match. Clock and
 * randomness are injected; nothing here spawns threads or opens files. The daemon in the cli/io modules owns
 * the UDP 500/4500 sockets (port 4500 shared with jipsecd, which hands over datagrams that carry the non-ESP
 * marker), the PF_KEY client socket, the config file ({@link org.jipsec.core.ike.config.ConfigSource}) and the
 * SA table keyed by SPIs, and feeds the engines; before an engine exists, {@link org.jipsec.core.ike.admission}
 * decides on cookies (§2.6).
 */
package org.jipsec.core.ike;
