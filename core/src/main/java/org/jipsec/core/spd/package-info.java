/**
 * The policy engine (RFC 4301 §4.4.1; NetBSD key.c/ipsec.c; spec §3–§4): the ipsec_set_policy(3) grammar
 * ({@link org.jipsec.core.spd.PolicyParser}, {@link org.jipsec.core.spd.PolicyFormatter}), the SPD with its
 * lookup index ({@link org.jipsec.core.spd.Spd}), system defaults and levels
 * ({@link org.jipsec.core.spd.SystemDefaults}), per-socket policy resolution
 * ({@link org.jipsec.core.spd.SocketPolicyResolver}), the inbound check over the decapsulation history
 * ({@link org.jipsec.core.spd.InboundPolicyCheck}) and the outbound/ACQUIRE decision
 * ({@link org.jipsec.core.spd.OutboundRequestResolver}, {@link org.jipsec.core.spd.PendingPacketQueue}).
 * Pure: no I/O, clock injected.
 *
 * <h2>Threads and locks</h2>
 * {@link org.jipsec.core.spd.Spd} has its own read-write lock (lookups read, changes write) so that the policy guard
 * can snapshot it; everything else here is confined to the holder of the engine lock.
 */
package org.jipsec.core.spd;
