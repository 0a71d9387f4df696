/**
 * The pure foundation of jipsec's IKEv2 daemon ({@code jipsec iked}, issue #14): everything that can be
 * computed without a socket, a clock or a random source of its own.
 *
 * <h2>What is here</h2>
 * <ul>
 *   <li>{@code codec}: the message codec (RFC 7296 §3) — header, payload chain, every payload of RFC 7296
 *       plus SKF (RFC 7383); a decoder of untrusted bytes that throws only
 *       {@link org.jipsec.core.ike.codec.IkeDecodeException}.</li>
 *   <li>{@code crypto}: PRFs and prf+ (§2.13), the key schedule (§2.14, §2.17, §2.18), DH groups 14/19/20/31,
 *       SK payload protection (§3.14; RFC 5282, RFC 7634), PSK AUTH (§2.15), and the IANA transform IDs mapped
 *       onto the one algorithm table.</li>
 *   <li>{@code proposal}: strongSwan proposal strings, SA payload proposals, selection (§2.7) with reasons.</li>
 *   <li>{@code config}: swanctl.conf (strongSwan's settings syntax) to typed, validated connections, children
 *       and secrets, with strongSwan's defaults; errors name file and line.</li>
 * </ul>
 *
 * <h2>The daemon this is for: events in, actions out</h2>
 * The protocol engine (next step, not in this package yet) is one object per IKE SA, driven only by events
 * — a datagram (bytes, from, to, now), a timer firing, a PF_KEY message (ACQUIRE, EXPIRE), an admin command
 * (initiate, terminate, rekey) — and returning actions: send a datagram, arm or cancel a timer, a PF_KEY
 * request (GETSPI, UPDATE, ADD, DELETE, X_SPDADD), a key-log line, a log event that names exactly what did not
 * match. Clock and randomness are injected; nothing here spawns threads or opens files. The daemon in the
 * cli/io modules owns the UDP 500/4500 sockets (port 4500 shared with jipsecd, which hands over datagrams
 * that carry the non-ESP marker), the PF_KEY client socket and the config file, and feeds the engine.
 * Tests wire two engines over an in-memory lossy link with a virtual clock.
 */
package org.jipsec.core.ike;
