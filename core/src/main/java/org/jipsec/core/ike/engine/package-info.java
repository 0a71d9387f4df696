/**
 * The IKE SA protocol engine, driven by events ({@link org.jipsec.core.ike.engine.IkeEvent}: initiate, datagram,
 * timer, delete/rekey/create child, rekey/delete IKE SA) and returning actions
 * ({@link org.jipsec.core.ike.engine.IkeAction}: send, arm/cancel timer, endpoints and NAT-T, established,
 * install/remove child, rekeyed, failed with a reason). {@link org.jipsec.core.ike.engine.IkeSaEngine} holds one
 * IKE SA's state and window; the exchanges are package-private collaborators working on it (Handshake,
 * ChildExchanges, IkeRekey, Informational). See {@link org.jipsec.core.ike.engine.IkeSaEngine} for what is and is
 * not there yet.
 *
 * <p>Concurrency: nothing here is thread-safe and nothing spawns threads; the daemon feeds each engine its events
 * one at a time, in order, from one thread (or under one lock per engine).
 */
package org.jipsec.core.ike.engine;
