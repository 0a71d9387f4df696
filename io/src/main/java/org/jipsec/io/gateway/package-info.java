/**
 * jipsecd's data plane (issue #7): {@link org.jipsec.io.gateway.GatewayDaemon} runs the
 * {@link org.jipsec.core.engine.IpsecEngine} between a TUN device and the network.
 *
 * <h2>What the user configures</h2>
 * The daemon creates the TUN ({@code jipsec0}, MTU 1400, up) and marks every socket it sends with
 * ({@code SO_MARK}, default 0x99). Traffic reaches the engine only if the kernel routes it into the TUN:
 * <pre>
 * # tunnel mode (gateway-to-gateway): route the remote subnet into the TUN, with a local inner source
 * ip route add 10.10.2.0/24 dev jipsec0 src 10.10.1.1
 * # transport mode (host-to-host): the protected packets go to the same peer address, so policy routing keeps
 * # the daemon's own (marked) packets off the TUN, like strongSwan's fwmark trick:
 * ip rule add not fwmark 0x99 table 99 pref 100
 * ip route add 10.1.0.2 dev jipsec0 src 10.1.0.1 table 99
 * </pre>
 * Decapsulated packets are written to the TUN and the kernel delivers (or forwards) them; reverse-path
 * filtering must accept them on the TUN ({@code rp_filter} 0 or 2, or routes as above).
 *
 * <h2>Traffic that never enters the TUN</h2>
 * {@link org.jipsec.io.gateway.PolicyGuard} keeps an nftables table generated from the SPD
 * ({@link org.jipsec.core.guard.NftRuleset}) that drops cleartext packets outside the TUN which NetBSD would reject
 * (in_polvio/out_polvio); {@code GatewayOptions.policyGuard()} false turns it off.
 *
 * <h2>Threads</h2>
 * One packet thread ({@link org.jipsec.io.gateway.DataPlane}) and the PF_KEY server's threads share one engine lock.
 * The policy guard has a thread of its own (created in the gateway's namespace, so its nft runs there); it takes the
 * engine lock only to snapshot the SPD.
 */
package org.jipsec.io.gateway;
