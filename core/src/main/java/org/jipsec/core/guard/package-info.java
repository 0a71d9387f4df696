/**
 * The policy guard (issue #7, gap "packets that never pass through jipsec"): NetBSD enforces the SPD on every
 * packet (spec §4.4, §4.5), jipsec only on the packets the kernel routes into its TUN. The guard closes the gap with
 * an nftables table generated from the SPD: {@link org.jipsec.core.guard.GuardSnapshot} resolves each policy to a
 * verdict for a packet that did not pass through jipsec (drop or accept, levels resolved by
 * {@link org.jipsec.core.spd.SystemDefaults} as the engine resolves them), and
 * {@link org.jipsec.core.guard.NftRuleset} turns the snapshot into nft text. Pure: the io layer runs {@code nft}.
 */
package org.jipsec.core.guard;
