/**
 * TUN devices through {@code /dev/net/tun}: {@link org.jipsec.io.tun.TunDevice} (multi-queue, optional
 * IFF_VNET_HDR offloads), {@link org.jipsec.io.tun.TunQueue} (one packet per read/write, poll-based waiting),
 * {@link org.jipsec.io.tun.GsoSplitter} (TSO super-packets into MTU-sized packets) and
 * {@link org.jipsec.io.tun.InterfaceControl} (MTU, up).
 */
package org.jipsec.io.tun;
