/**
 * The IKE daemon's adapters to the world: the kernel over PF_KEY ({@link org.jipsec.io.ike.PfkeyKernel}) and the
 * UDP 4500 handoff between jipsecd and iked ({@link org.jipsec.io.ike.IkeHandoffServer} on jipsecd's side,
 * {@link org.jipsec.io.ike.IkeHandoffClient} on iked's side); docs/ike-udp-split.md.
 */
package org.jipsec.io.ike;
