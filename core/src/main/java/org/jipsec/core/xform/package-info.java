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
 * <p>Per-SA state: {@link org.jipsec.core.xform.SaTransformState}, one per SA — one sequence counter, one replay
 * window, usage counters, key copies — owned by the SAD's SA ({@link org.jipsec.core.sad.TransformState}). An
 * {@link org.jipsec.core.xform.SaContext} is a (mode, state) view: an SA of mode "any" used in tunnel and transport
 * mode has two contexts and still one counter and one window.
 *
 * <h2>Threads and locks</h2>
 * Any number of threads may run {@link org.jipsec.core.xform.Xform} on the same SAs at once, with no outside lock:
 * <ul>
 *   <li>sequence counter: an {@code AtomicLong} advanced by compare-and-set — numbers unique and contiguous
 *       across senders (RFC 4303 §3.3.3; the counter-mode nonce of RFC 4106 §3.1 is never repeated);</li>
 *   <li>replay window: a monitor — every {@link org.jipsec.core.xform.ReplayWindow} method is synchronized on
 *       the window; the check before the ICV and the commit after it are separate steps and the commit checks
 *       again, so two copies of a packet are never both accepted; decisions that span steps (saved mark + commit,
 *       ESN resynchronisation) hold the window's monitor. Lock order: a {@link org.jipsec.core.xform.SequenceGuard}'s
 *       monitor may be held when taking the window's, never the reverse;</li>
 *   <li>keyed ciphers, MACs, scratch buffers, IP views: thread-confined ({@code ThreadLocal} per SA state, per
 *       {@link org.jipsec.core.xform.Xform});</li>
 *   <li>counters ({@link org.jipsec.core.xform.SaCounters}, {@link org.jipsec.core.xform.XformStats}): per-thread
 *       arrays with plain writes, summed by readers (NetBSD percpu(9));</li>
 *   <li>{@link org.jipsec.core.xform.SaTransformState#destroy()} may race with a packet in flight: that packet
 *       finishes with the keys it holds, the next one finds the SA destroyed.</li>
 * </ul>
 *
 * <p>Where jipsec differs from NetBSD (documented at the code): a CYCSEQ sender skips sequence number 0 after a
 * wrap; with {@code net.inet.ipsec.ecn} = 1 tunnels follow RFC 6040 normal mode; the inner TCP/UDP checksum of a
 * NAT-T transport packet is recomputed rather than patched from NAT-OA (both allowed by RFC 3948 §3.1.2).
 */
package org.jipsec.core.xform;
