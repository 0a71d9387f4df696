/**
 * Saved sequence state (issue #12): per SA a high-water mark of the sequence numbers sent and accepted, written to a
 * state directory <em>ahead</em> of use, so that a restart (stop, crash, kill -9) never sends a sequence number — the
 * counter-mode nonce — twice under one key, and never accepts again a packet it accepted before.
 *
 * <ul>
 *   <li>{@link org.jipsec.core.seqstate.SaIdentity}: satype, SPI, addresses and a salted fingerprint of the keys
 *       ({@link org.jipsec.core.seqstate.KeyFingerprint}); the keys themselves are never stored.</li>
 *   <li>{@link org.jipsec.core.seqstate.SaSequenceState}: one SA's marks and the block logic the packet path asks
 *       (never blocking).</li>
 *   <li>{@link org.jipsec.core.seqstate.SequenceStateTable}: every SA's state, the plans of what to write next.</li>
 *   <li>{@link org.jipsec.core.seqstate.StateFileCodec}: the file format, with a checksum.</li>
 * </ul>
 *
 * Pure: no I/O, no threads, no clock of its own. The io layer writes the plans and reports back.
 *
 * <p>Threads: the table is a monitor (its writer thread and the key engine's admission meet there); one SA's state
 * reads its limits lock-free on the packet path (volatile limits, atomic wants) and takes its own monitor, then the
 * SA's replay window's, to bind, release or freeze — never the reverse order.
 */
package org.jipsec.core.seqstate;
