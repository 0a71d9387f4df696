/**
 * The IPsec engine (design.md "engine"): the core's output and input decisions. {@link
 * org.jipsec.core.engine.IpsecEngine} takes a packet and returns a sealed decision ({@link
 * org.jipsec.core.engine.OutputDecision}, {@link org.jipsec.core.engine.InputDecision}); it owns the key engine (SAD +
 * SPD), the per-SA transform contexts, the pending-packet queue, the reassembler and the {@code ipsecstats} counters.
 * No I/O, no threads, no wall clock: time and randomness are injected. {@link org.jipsec.core.engine.socket} puts a
 * datagram socket API with per-socket policies on top, over a {@link org.jipsec.core.engine.socket.Link}.
 */
package org.jipsec.core.engine;
