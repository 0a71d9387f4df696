/**
 * The security association database (RFC 4301 §4.4.2; NetBSD keydb.h/key.c): SA heads by
 * {@link org.jipsec.core.sad.SaIndex}, per-state lists ordered by creation, an O(1) SPI index for the inbound
 * lookup, and {@link org.jipsec.core.sad.SecurityAssociation}, the entry the ESP/AH/IPComp transforms read.
 * Changed only by the key engine ({@code org.jipsec.core.pfkey.KeyEngine}), under its lock.
 *
 * <p>One SA, one state: a usable SA holds its data-path state ({@link org.jipsec.core.sad.TransformState}), made
 * through the injected {@link org.jipsec.core.sad.TransformStateFactory} when the SA becomes MATURE and destroyed,
 * keys zeroed, in the same step that removes the SA (DELETE, FLUSH, hard expiry, replacement by UPDATE). This
 * package does not know the transforms; {@code org.jipsec.core.xform.SaTransformState} implements the interface.
 *
 * <h2>Threads and locks</h2>
 * The key engine's lock (one {@code ReentrantLock}, owned by the io layer) guards every structure here: heads, state
 * lists, the SPI index, the timed list, an SA's state, lifetimes and usage counters. Nothing here locks by itself.
 * Read without it: {@link org.jipsec.core.sad.SecurityAssociationDatabase#generation()} (volatile) and
 * {@link org.jipsec.core.sad.SecurityAssociation#transform()} (volatile; null once the SA died), so a data-plane
 * worker that resolved an SA under the lock may run its transforms after releasing it.
 */
package org.jipsec.core.sad;
