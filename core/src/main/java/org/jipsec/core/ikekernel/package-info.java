/**
 * An IKE daemon's view of the kernel through PF_KEY v2 (RFC 2367; racoon's and iked's {@code pfkey.c}): typed
 * requests ({@link org.jipsec.core.ikekernel.ChildSaInstall}, {@link org.jipsec.core.ikekernel.GetSpi},
 * {@link org.jipsec.core.ikekernel.DeleteSa}, {@link org.jipsec.core.ikekernel.SpdAdd},
 * {@link org.jipsec.core.ikekernel.SpdDelete}) built as {@link org.jipsec.core.pfkey.PfkeyMessage}s with the one
 * codec, events ({@link org.jipsec.core.ikekernel.KernelEvent}) read from the kernel's messages, and the frame
 * format of the UDP 4500 handoff between jipsecd and iked ({@link org.jipsec.core.ikekernel.HandoffFrame}). Pure:
 * no I/O.
 */
package org.jipsec.core.ikekernel;
