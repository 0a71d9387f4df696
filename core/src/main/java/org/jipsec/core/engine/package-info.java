/**
 * The IPsec engine (design.md "engine"): the core's output and input decisions. {@link
 * org.jipsec.core.engine.IpsecEngine} is a thin facade: {@code output(buffer, flow, result)} runs the outbound path
 * ({@code OutboundPath}: selector → SPD → {@code BundleCache} → transforms) and {@code input(buffer, encapsulation,
 * result)} the inbound path ({@code InboundPath}: reassembly → NAT-T ({@code NatTInput}) → transforms → policy check →
 * spoof check ({@code InboundCheck})), both in the caller's buffer, answering in a reusable result whose other cases
 * are the sealed {@link org.jipsec.core.engine.OutputDecision} / {@link org.jipsec.core.engine.InputDecision}. The
 * PF_KEY messages the engine causes (ACQUIRE, EXPIRE) wait in its {@link org.jipsec.core.engine.PfkeyOutbox} until the
 * caller drains them. It owns the key engine (SAD + SPD), the pending-packet queue, the reassembler and the
 * {@code ipsecstats} counters.
 * No I/O, no threads, no wall clock: time and randomness are injected. {@link org.jipsec.core.engine.socket} puts a
 * datagram socket API with per-socket policies on top, over a {@link org.jipsec.core.engine.socket.Link}.
 *
 * <p>Per-SA state is the SA's own: the engine gives the key engine the factory that makes an SA's
 * {@link org.jipsec.core.xform.SaTransformState} when it becomes MATURE; the SAD destroys it as the SA leaves. The
 * engine keeps no map of SAs and needs no sweep.
 *
 * <h2>Threads and locks</h2>
 * {@link org.jipsec.core.engine.IpsecEngine} is confined to the holder of the engine lock (the io layer's one
 * {@code ReentrantLock}, shared with the key engine): SPD and SAD lookups, the per-flow bundle cache, the pending
 * queue, the outbox, the reassembler and the statistics are plain fields. What it hands the transforms — an SA's
 * {@link org.jipsec.core.xform.SaContext} — is safe on any number of threads (see {@code org.jipsec.core.xform}), so a
 * multi-core data plane can resolve under the lock and run the transforms outside it. Settings that sysctl
 * writes change ({@code xform}, {@code spoofCheck}) are volatile snapshots.
 */
package org.jipsec.core.engine;
