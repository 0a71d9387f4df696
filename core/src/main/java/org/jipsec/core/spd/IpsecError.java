package org.jipsec.core.spd;

/**
 * libipsec's error codes and texts, index = {@code __ipsec_errcode} (ipsec_strerror.c; spec §3.1).
 * The parser and the dump formatter report these texts exactly.
 */
public enum IpsecError {
    NO_ERROR("Success"),
    NOT_SUPPORTED("Not supported"),
    INVAL_ARGUMENT("Invalid argument"),
    INVAL_SADBMSG("Invalid sadb message"),
    INVAL_VERSION("Invalid version"),
    INVAL_POLICY("Invalid security policy"),
    INVAL_ADDRESS("Invalid address specification"),
    INVAL_PROTO("Invalid ipsec protocol"),
    INVAL_MODE("Invalid ipsec mode"),
    INVAL_LEVEL("Invalid ipsec level"),
    INVAL_SATYPE("Invalid SA type"),
    INVAL_MSGTYPE("Invalid message type"),
    INVAL_EXTTYPE("Invalid extension type"),
    INVAL_ALGS("Invalid algorithm type"),
    INVAL_KEYLEN("Invalid key length"),
    INVAL_FAMILY("Invalid address family"),
    INVAL_PREFIXLEN("Invalid prefix length"),
    INVAL_DIR("Invalid direction"),
    INVAL_SPI("SPI range violation"),
    NO_PROTO("No protocol specified"),
    NO_ALGS("No algorithm specified"),
    NO_BUFS("No buffers available"),
    DO_GET_SUPP_LIST("Must get supported algorithms list first"),
    PROTO_MISMATCH("Protocol mismatch"),
    FAMILY_MISMATCH("Family mismatch"),
    FEW_ARGUMENTS("Too few arguments"),
    SYSTEM_ERROR("System error"),
    INVAL_PRIORITY_OFFSET("Priority offset not in valid range [-2147483647, 2147483648]"),
    INVAL_PRIORITY_BASE_OFFSET("Priority offset from base not in valid range [0, 1073741823] for negative "
            + "offsets and [0, 1073741824] for positive offsets"),
    PRIORITY_NOT_COMPILED("Policy priority not compiled in"),
    UNKNOWN("Unknown error");

    private final String text;

    IpsecError(String text) {
        this.text = text;
    }

    /** The errcode number ({@code EIPSEC_*}). */
    public int code() {
        return ordinal();
    }

    /** The text {@code ipsec_strerror()} returns. */
    public String text() {
        return text;
    }
}
