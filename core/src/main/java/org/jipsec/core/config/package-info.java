/**
 * jipsecd's configuration file ({@code gateway --config FILE}, setkey syntax) as a set of SAs and policies to
 * install, and the change that brings the key engine from what it holds to what the file says.
 *
 * <ul>
 *   <li>{@link org.jipsec.core.config.ConfigPlan}: the file parsed and validated completely — syntax, key lengths
 *       against the engine's SUPPORTED lists, and every SA and policy run through a scratch key engine with the same
 *       algorithm catalog, so that anything the engine would refuse is found before the live engine is touched. Built
 *       without the engine lock.</li>
 *   <li>{@link org.jipsec.core.config.ConfigDiff}: under the engine lock, compares the plan with the key engine and
 *       with what the previous load installed ({@link org.jipsec.core.config.Installed}); an SA or policy whose
 *       configuration is unchanged is kept — the same object, so its transform state (sequence counter, replay
 *       window, lifetimes, byte counters) and its policy id stay — and only what changed is deleted or added, as
 *       PF_KEY requests that other PF_KEY sockets see (SADB_DELETE, SADB_X_SPDDELETE2, SADB_ADD, SADB_X_SPDADD).</li>
 * </ul>
 *
 * <p>Why keep instead of re-adding: the ESP sequence number is the IV of the counter-mode ciphers (RFC 4106 §3.1,
 * §8.1; RFC 3686 §3; RFC 7634 §2): restarting it at 1 under the same key reuses nonces, and an emptied replay window
 * (RFC 4303 §3.4.3) lets captured packets be replayed.
 *
 * <p>The file describes what to install: {@code add}, {@code spdadd}, {@code spdupdate}, {@code flush},
 * {@code spdflush} ({@code flush}/{@code spdflush} also remove what was added over PF_KEY, as running the file
 * with setkey would), {@code dump}/{@code spddump} (ignored) and {@code exit}. {@code delete}, {@code deleteall},
 * {@code spddelete} and {@code get} act on the running state and are refused in the file. Pure: no I/O; messages
 * never carry key material.
 */
package org.jipsec.core.config;
