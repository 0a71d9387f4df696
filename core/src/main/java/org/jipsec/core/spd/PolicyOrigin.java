package org.jipsec.core.spd;

/**
 * Who created a policy (NetBSD {@code IPSEC_SPORIGIN_*}, spec §4.1): USER through PF_KEY, KERNEL for
 * policies jipsec creates itself (an ipsecif(4)-like tunnel); kernel ones are invisible to user
 * delete/flush and carry x_policy flag 0x80.
 */
public enum PolicyOrigin {
    USER,
    KERNEL
}
