package org.jipsec.core.pfkey;

/**
 * PF_KEY v2 numbers (RFC 2367 §2.3, KAME extensions; NetBSD sys/net/pfkeyv2.h 1.34.2.1, spec §1.2–§1.8), with the
 * pfkeyv2.h spellings so that a reader who knows key.c finds their way.
 *
 * <h2>NetBSD or Linux numbers</h2>
 * Message types 0–23 and extension types 0–23 are the same in NetBSD's and Linux's pfkeyv2.h
 * (include/uapi/linux/pfkeyv2.h). They differ above that:
 * <pre>
 *   ext  NetBSD                      Linux
 *   23   SADB_X_EXT_NAT_T_OAI (= OA)  SADB_X_EXT_NAT_T_OA
 *   24   SADB_X_EXT_NAT_T_OAR         SADB_X_EXT_SEC_CTX
 *   25   SADB_X_EXT_NAT_T_FRAG        SADB_X_EXT_KMADDRESS (MIGRATE only)
 *   26   —                            SADB_X_EXT_FILTER
 *   msg 24 —                          SADB_X_MIGRATE
 * </pre>
 * jipsec follows <b>NetBSD</b> for 24 and 25: it implements NetBSD's semantics (OAR, FRAG), and a Linux-built
 * client only ever sends 23 (OA, the same number and layout in both) unless it uses SELinux security contexts or
 * MIGRATE, which NetBSD does not have either; such a message is refused with EINVAL (its ext 24 does not have an
 * address layout), as NetBSD refuses unknown extensions. Type 26 and message 24 are refused with EINVAL.
 */
public final class Sadb {
    private Sadb() {}

    public static final int PF_KEY_V2 = 2;
    public static final int PFKEYV2_REVISION = 199806;

    // Message types (spec §1.4)
    public static final int SADB_RESERVED = 0;
    public static final int SADB_GETSPI = 1;
    public static final int SADB_UPDATE = 2;
    public static final int SADB_ADD = 3;
    public static final int SADB_DELETE = 4;
    public static final int SADB_GET = 5;
    public static final int SADB_ACQUIRE = 6;
    public static final int SADB_REGISTER = 7;
    public static final int SADB_EXPIRE = 8;
    public static final int SADB_FLUSH = 9;
    public static final int SADB_DUMP = 10;
    public static final int SADB_X_PROMISC = 11;
    public static final int SADB_X_PCHANGE = 12;
    public static final int SADB_X_SPDUPDATE = 13;
    public static final int SADB_X_SPDADD = 14;
    public static final int SADB_X_SPDDELETE = 15;
    public static final int SADB_X_SPDGET = 16;
    public static final int SADB_X_SPDACQUIRE = 17;
    public static final int SADB_X_SPDDUMP = 18;
    public static final int SADB_X_SPDFLUSH = 19;
    public static final int SADB_X_SPDSETIDX = 20;
    public static final int SADB_X_SPDEXPIRE = 21;
    public static final int SADB_X_SPDDELETE2 = 22;
    public static final int SADB_X_NAT_T_NEW_MAPPING = 23;
    public static final int SADB_MAX = 23;

    private static final String[] MESSAGE_NAMES = {
        "RESERVED",
        "GETSPI",
        "UPDATE",
        "ADD",
        "DELETE",
        "GET",
        "ACQUIRE",
        "REGISTER",
        "EXPIRE",
        "FLUSH",
        "DUMP",
        "X_PROMISC",
        "X_PCHANGE",
        "X_SPDUPDATE",
        "X_SPDADD",
        "X_SPDDELETE",
        "X_SPDGET",
        "X_SPDACQUIRE",
        "X_SPDDUMP",
        "X_SPDFLUSH",
        "X_SPDSETIDX",
        "X_SPDEXPIRE",
        "X_SPDDELETE2",
        "X_NAT_T_NEW_MAPPING"
    };

    /** "SADB_ADD" etc., or the number for an unknown type. */
    public static String messageName(int type) {
        return type >= 0 && type < MESSAGE_NAMES.length ? "SADB_" + MESSAGE_NAMES[type] : Integer.toString(type);
    }

    // Extension types (spec §1.3)
    public static final int SADB_EXT_RESERVED = 0;
    public static final int SADB_EXT_SA = 1;
    public static final int SADB_EXT_LIFETIME_CURRENT = 2;
    public static final int SADB_EXT_LIFETIME_HARD = 3;
    public static final int SADB_EXT_LIFETIME_SOFT = 4;
    public static final int SADB_EXT_ADDRESS_SRC = 5;
    public static final int SADB_EXT_ADDRESS_DST = 6;
    public static final int SADB_EXT_ADDRESS_PROXY = 7;
    public static final int SADB_EXT_KEY_AUTH = 8;
    public static final int SADB_EXT_KEY_ENCRYPT = 9;
    public static final int SADB_EXT_IDENTITY_SRC = 10;
    public static final int SADB_EXT_IDENTITY_DST = 11;
    public static final int SADB_EXT_SENSITIVITY = 12;
    public static final int SADB_EXT_PROPOSAL = 13;
    public static final int SADB_EXT_SUPPORTED_AUTH = 14;
    public static final int SADB_EXT_SUPPORTED_ENCRYPT = 15;
    public static final int SADB_EXT_SPIRANGE = 16;
    public static final int SADB_X_EXT_KMPRIVATE = 17;
    public static final int SADB_X_EXT_POLICY = 18;
    public static final int SADB_X_EXT_SA2 = 19;
    public static final int SADB_X_EXT_NAT_T_TYPE = 20;
    public static final int SADB_X_EXT_NAT_T_SPORT = 21;
    public static final int SADB_X_EXT_NAT_T_DPORT = 22;
    public static final int SADB_X_EXT_NAT_T_OAI = 23;
    /** Linux and NetBSD's compatibility name for 23. */
    public static final int SADB_X_EXT_NAT_T_OA = 23;

    public static final int SADB_X_EXT_NAT_T_OAR = 24;
    public static final int SADB_X_EXT_NAT_T_FRAG = 25;
    public static final int SADB_EXT_MAX = 25;

    // SA types (spec §1.6)
    public static final int SADB_SATYPE_UNSPEC = 0;
    public static final int SADB_SATYPE_AH = 2;
    public static final int SADB_SATYPE_ESP = 3;
    public static final int SADB_SATYPE_RSVP = 5;
    public static final int SADB_SATYPE_OSPFV2 = 6;
    public static final int SADB_SATYPE_RIPV2 = 7;
    public static final int SADB_SATYPE_MIP = 8;
    public static final int SADB_X_SATYPE_IPCOMP = 9;
    public static final int SADB_X_SATYPE_TCPSIGNATURE = 11;
    public static final int SADB_SATYPE_MAX = 12;

    // SA states (spec §1.5)
    public static final int SADB_SASTATE_LARVAL = 0;
    public static final int SADB_SASTATE_MATURE = 1;
    public static final int SADB_SASTATE_DYING = 2;
    public static final int SADB_SASTATE_DEAD = 3;

    // Algorithms the engine itself needs to recognise (spec §1.8); everything else lives in AlgorithmTable.
    public static final int SADB_AALG_NONE = 0;
    public static final int SADB_X_AALG_NULL = 251;
    public static final int SADB_EALG_NONE = 0;
    public static final int SADB_EALG_NULL = 11;

    // SA flags (spec §1.8)
    public static final int SADB_X_EXT_OLD = 0x0001;
    public static final int SADB_X_EXT_IV4B = 0x0010;
    public static final int SADB_X_EXT_DERIV = 0x0020;
    public static final int SADB_X_EXT_CYCSEQ = 0x0040;
    public static final int SADB_X_EXT_RAWCPI = 0x0080;

    /** Address families in the Linux {@code struct sockaddr} layout jipsec uses on the wire. */
    public static final int AF_INET = 2;

    public static final int AF_INET6 = 10;

    /** {@code IPSEC_PROTO_ANY} / {@code IPSEC_ULPROTO_ANY}. */
    public static final int IPSEC_PROTO_ANY = 255;

    public static final int IPSEC_MANUAL_REQID_MAX = 0x3fff;

    /** NAT-T encapsulation types (udp.h). */
    public static final int UDP_ENCAP_ESPINUDP_NON_IKE = 1;

    public static final int UDP_ENCAP_ESPINUDP = 2;

    /** Largest request jipsecd accepts: NetBSD's MCLBYTES (spec §1.1, §1.9 step 3); larger → ENOBUFS. */
    public static final int MAX_REQUEST_BYTES = 2048;
    /** The largest message the 16-bit {@code sadb_msg_len} can describe. */
    public static final int MAX_MESSAGE_BYTES = 0xffff * 8;

    /** {@code PFKEY_ALIGN8}. */
    public static int align8(int n) {
        return (n + 7) & ~7;
    }
}
