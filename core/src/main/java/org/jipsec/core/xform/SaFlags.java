package org.jipsec.core.xform;

/**
 * The {@code sadb_sa_flags} bits NetBSD's transforms look at (pfkeyv2.h, spec §1.8). Values are the PF_KEY
 * numbers so that the SAD can hand its flags over unchanged.
 */
public final class SaFlags {
    private SaFlags() {}

    public static final int NONE = 0x0000;
    /** RFC 1826/1827 AH/ESP (not supported by the transforms: refused when an SA is built). */
    public static final int OLD = 0x0001;

    public static final int IV4B = 0x0010;
    public static final int DERIV = 0x0020;
    /** Allow the 32-bit sequence number to cycle (RFC 4303 §3.3.3 "anti-replay disabled" senders). */
    public static final int CYCSEQ = 0x0040;
    /** IPComp: the SPI is the on-wire CPI as is. */
    public static final int RAWCPI = 0x0080;
    /** ESP padding 1, 2, 3, … (RFC 4303 §2.4), the default. */
    public static final int PSEQ = 0x0000;
    /** ESP padding from the random source. */
    public static final int PRAND = 0x0100;
    /** ESP padding of zero bytes. */
    public static final int PZERO = 0x0200;

    public static final int PMASK = 0x0300;
    /** {@code SADB_KEY_FLAGS_MAX}. */
    public static final int MAX = 0x0fff;
}
