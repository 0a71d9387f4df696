package org.jipsec.core.pfkey;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jipsec.core.ipsec.Endpoint;
import org.jipsec.core.ipsec.IpsecLevel;
import org.jipsec.core.ipsec.IpsecMode;
import org.jipsec.core.ipsec.IpsecProtocol;
import org.jipsec.core.ipsec.IpsecRequest;
import org.jipsec.core.ipsec.PolicyDirection;
import org.jipsec.core.ipsec.PolicyType;
import org.jipsec.core.ipsec.XPolicy;

/**
 * The one PF_KEY v2 codec: reads and writes {@link PfkeyMessage}s byte for byte as NetBSD's pfkeyv2.h lays them out
 * (RFC 2367 §2; spec §1.1–§1.3), with Linux socket addresses.
 *
 * <h2>Byte order and layout</h2>
 * Integers in host order, which for jipsec is little-endian (x86-64, aarch64-le); {@code sadb_sa_spi} and the NAT-T
 * ports in network order. Every {@code *_len} counts 64-bit units, except {@code sadb_x_ipsecrequest_len}, which
 * counts bytes (spec §1.1). Extensions are padded to 8 bytes.
 *
 * <h2>Socket addresses</h2>
 * Linux {@code struct sockaddr_in} / {@code sockaddr_in6}, as Linux's af_key and ipsec-tools built on Linux exchange
 * them: a 16-bit family in host order (AF_INET 2, AF_INET6 10; no {@code sa_len}), the port in network order;
 * sockaddr_in is 16 bytes (address at 4, 8 zero bytes), sockaddr_in6 28 bytes (flowinfo at 4, address at 8,
 * {@code sin6_scope_id} in host order at 24). NetBSD's "8 + ALIGN8(sa_len) == ext len" check becomes
 * "8 + ALIGN8(size of the family's sockaddr) == ext len".
 *
 * <h2>Validation (keysock.c key_output, key.c key_parse/key_align/key_validate_ext; spec §1.9)</h2>
 * Every length is checked against the table of minimum/maximum extension lengths before a field is read; unknown
 * extension types, duplicates, and extensions not exactly filling the message are refused. Decoding throws only
 * {@link PfkeyException} with the errno NetBSD gives. Policy/request checks that NetBSD makes later
 * ({@code _key_msg2sp}, spec §1.12) are made here where the value type needs them: an unknown policy type, direction,
 * mode or level → EINVAL; a request protocol other than ESP/AH/IPComp → EPROTONOSUPPORT.
 */
public final class PfkeyCodec {

    public static final int BASE_BYTES = 16;
    public static final int SOCKADDR_IN_BYTES = 16;
    public static final int SOCKADDR_IN6_BYTES = 28;
    public static final int COMB_BYTES = 72;

    private static final int UNBOUNDED = Integer.MAX_VALUE;

    /** {@code minsize}/{@code maxsize} per extension type, from key.c's tables (spec §1.3); 0 = not accepted. */
    private static final int[] MIN = new int[Sadb.SADB_EXT_MAX + 1];

    private static final int[] MAX = new int[Sadb.SADB_EXT_MAX + 1];

    static {
        set(Sadb.SADB_EXT_SA, 16, 16);
        set(Sadb.SADB_EXT_LIFETIME_CURRENT, 32, 32);
        set(Sadb.SADB_EXT_LIFETIME_HARD, 32, 32);
        set(Sadb.SADB_EXT_LIFETIME_SOFT, 32, 32);
        set(Sadb.SADB_EXT_ADDRESS_SRC, 8, UNBOUNDED);
        set(Sadb.SADB_EXT_ADDRESS_DST, 8, UNBOUNDED);
        set(Sadb.SADB_EXT_ADDRESS_PROXY, 8, UNBOUNDED);
        set(Sadb.SADB_EXT_KEY_AUTH, 8, UNBOUNDED);
        set(Sadb.SADB_EXT_KEY_ENCRYPT, 8, UNBOUNDED);
        set(Sadb.SADB_EXT_IDENTITY_SRC, 16, UNBOUNDED);
        set(Sadb.SADB_EXT_IDENTITY_DST, 16, UNBOUNDED);
        set(Sadb.SADB_EXT_SENSITIVITY, 16, UNBOUNDED);
        set(Sadb.SADB_EXT_PROPOSAL, 8, UNBOUNDED);
        set(Sadb.SADB_EXT_SUPPORTED_AUTH, 8, UNBOUNDED);
        set(Sadb.SADB_EXT_SUPPORTED_ENCRYPT, 8, UNBOUNDED);
        set(Sadb.SADB_EXT_SPIRANGE, 16, 16);
        // SADB_X_EXT_KMPRIVATE (17): minsize 0 in key.c ⇒ always EINVAL.
        set(Sadb.SADB_X_EXT_POLICY, 16, UNBOUNDED);
        set(Sadb.SADB_X_EXT_SA2, 16, 16);
        set(Sadb.SADB_X_EXT_NAT_T_TYPE, 8, 8);
        set(Sadb.SADB_X_EXT_NAT_T_SPORT, 8, 8);
        set(Sadb.SADB_X_EXT_NAT_T_DPORT, 8, 8);
        set(Sadb.SADB_X_EXT_NAT_T_OAI, 8, UNBOUNDED);
        set(Sadb.SADB_X_EXT_NAT_T_OAR, 8, UNBOUNDED);
        set(Sadb.SADB_X_EXT_NAT_T_FRAG, 8, 8);
    }

    private static void set(int type, int min, int max) {
        MIN[type] = min;
        MAX[type] = max;
    }

    private PfkeyCodec() {}

    // ------------------------------------------------------------------------------------------------ decoding

    /** Decodes one whole message, refusing requests larger than {@link Sadb#MAX_REQUEST_BYTES} (ENOBUFS). */
    public static PfkeyMessage decode(byte[] buf) throws PfkeyException {
        return decode(buf, 0, buf.length, Sadb.MAX_REQUEST_BYTES);
    }

    /**
     * Decodes the message in {@code buf[off, off+len)}; {@code len} must be exactly the message. {@code maxBytes}
     * bounds the accepted size (requests: {@link Sadb#MAX_REQUEST_BYTES}; replies read by a client: any).
     */
    public static PfkeyMessage decode(byte[] buf, int off, int len, int maxBytes) throws PfkeyException {
        if (off < 0 || len < 0 || off > buf.length - len) throw PfkeyException.inval("buffer bounds");
        // keysock.c key_output: length < sizeof(sadb_msg) or != msg_len*8 → EINVAL (spec §1.9 step 1)
        if (len < BASE_BYTES)
            throw PfkeyException.malformed(PfkeyException.Malformation.TOO_SHORT, "message shorter than sadb_msg");
        int msgLen = u16(buf, off + 4) * 8;
        if (msgLen != len)
            throw PfkeyException.malformed(
                    PfkeyException.Malformation.BAD_LENGTH, "sadb_msg_len*8 (" + msgLen + ") != message length " + len);
        int version = u8(buf, off);
        int type = u8(buf, off + 1);
        // key_parse (step 2)
        if (version != Sadb.PF_KEY_V2)
            throw PfkeyException.malformed(
                    PfkeyException.Malformation.BAD_VERSION, "version " + version + " != PF_KEY_V2");
        if (type > Sadb.SADB_MAX)
            throw PfkeyException.malformed(
                    PfkeyException.Malformation.BAD_TYPE, "message type " + type + " > SADB_MAX");
        // step 3
        if (len > maxBytes) throw new PfkeyException(Errno.ENOBUFS, "message of " + len + " bytes too large");
        int errno = u8(buf, off + 2);
        int satype = u8(buf, off + 3);
        int reserved = u16(buf, off + 6);
        int seq = i32(buf, off + 8);
        int pid = i32(buf, off + 12);
        // key_align (step 4)
        List<Extension> exts = new ArrayList<>();
        long seen = 0;
        int p = off + BASE_BYTES;
        int end = off + len;
        while (p < end) {
            if (end - p < 4)
                throw PfkeyException.malformed(PfkeyException.Malformation.BAD_LENGTH, "truncated extension header");
            int extLen = u16(buf, p) * 8;
            int extType = u16(buf, p + 2);
            if (extType == Sadb.SADB_EXT_RESERVED || extType > Sadb.SADB_EXT_MAX || MIN[extType] == 0) {
                throw PfkeyException.malformed(
                        PfkeyException.Malformation.BAD_EXTENSION_TYPE, "invalid ext_type " + extType);
            }
            if ((seen & (1L << extType)) != 0)
                throw PfkeyException.malformed(
                        PfkeyException.Malformation.DUPLICATE_EXTENSION, "duplicate extension " + extType);
            seen |= 1L << extType;
            if (extLen == 0 || extLen > end - p)
                throw PfkeyException.malformed(
                        PfkeyException.Malformation.BAD_LENGTH, "extension " + extType + " length " + extLen);
            if (extLen < MIN[extType] || extLen > MAX[extType]) {
                throw PfkeyException.malformed(
                        PfkeyException.Malformation.BAD_LENGTH,
                        "extension " + extType + " length " + extLen + " out of [" + MIN[extType] + ", "
                                + (MAX[extType] == UNBOUNDED ? "∞" : MAX[extType]) + "]");
            }
            exts.add(decodeExtension(buf, p, extLen, extType));
            p += extLen;
        }
        return new PfkeyMessage(version, type, errno, satype, reserved, seq, pid, exts);
    }

    private static Extension decodeExtension(byte[] b, int p, int len, int type) throws PfkeyException {
        return switch (type) {
            case Sadb.SADB_EXT_SA ->
                new Extension.Sa(
                        be32(b, p + 4), u8(b, p + 8), u8(b, p + 9), u8(b, p + 10), u8(b, p + 11), i32(b, p + 12));
            case Sadb.SADB_EXT_LIFETIME_CURRENT, Sadb.SADB_EXT_LIFETIME_HARD, Sadb.SADB_EXT_LIFETIME_SOFT ->
                new Extension.Lifetime(
                        type, Integer.toUnsignedLong(i32(b, p + 4)), i64(b, p + 8), i64(b, p + 16), i64(b, p + 24));
            case Sadb.SADB_EXT_ADDRESS_SRC,
                    Sadb.SADB_EXT_ADDRESS_DST,
                    Sadb.SADB_EXT_ADDRESS_PROXY,
                    Sadb.SADB_X_EXT_NAT_T_OAI,
                    Sadb.SADB_X_EXT_NAT_T_OAR -> decodeAddress(b, p, len, type);
            case Sadb.SADB_EXT_KEY_AUTH, Sadb.SADB_EXT_KEY_ENCRYPT -> {
                int bits = u16(b, p + 4);
                int bytes = (bits + 7) / 8;
                if (bytes > len - 8) throw PfkeyException.inval("key of " + bits + " bits does not fit its extension");
                byte[] key = java.util.Arrays.copyOfRange(b, p + 8, p + 8 + bytes);
                Extension.Key k = new Extension.Key(type, bits, key);
                java.util.Arrays.fill(key, (byte) 0);
                yield k;
            }
            case Sadb.SADB_EXT_IDENTITY_SRC, Sadb.SADB_EXT_IDENTITY_DST ->
                new Extension.Identity(
                        type, u16(b, p + 4), i64(b, p + 8), java.util.Arrays.copyOfRange(b, p + 16, p + len));
            case Sadb.SADB_EXT_SENSITIVITY -> {
                int sensLen = u8(b, p + 9);
                int integLen = u8(b, p + 11);
                if (16 + (sensLen + integLen) * 8 != len) throw PfkeyException.inval("sensitivity bitmap lengths");
                long[] sens = new long[sensLen];
                long[] integ = new long[integLen];
                for (int i = 0; i < sensLen; i++) sens[i] = i64(b, p + 16 + 8 * i);
                for (int i = 0; i < integLen; i++) integ[i] = i64(b, p + 16 + 8 * (sensLen + i));
                yield new Extension.Sensitivity(i32(b, p + 4), u8(b, p + 8), u8(b, p + 10), sens, integ);
            }
            case Sadb.SADB_EXT_PROPOSAL -> {
                if ((len - 8) % COMB_BYTES != 0) throw PfkeyException.inval("proposal is not a whole number of combs");
                List<Extension.Comb> combs = new ArrayList<>();
                for (int q = p + 8; q < p + len; q += COMB_BYTES) {
                    combs.add(new Extension.Comb(
                            u8(b, q),
                            u8(b, q + 1),
                            u16(b, q + 2),
                            u16(b, q + 4),
                            u16(b, q + 6),
                            u16(b, q + 8),
                            u16(b, q + 10),
                            Integer.toUnsignedLong(i32(b, q + 16)),
                            Integer.toUnsignedLong(i32(b, q + 20)),
                            i64(b, q + 24),
                            i64(b, q + 32),
                            i64(b, q + 40),
                            i64(b, q + 48),
                            i64(b, q + 56),
                            i64(b, q + 64)));
                }
                yield new Extension.Proposal(u8(b, p + 4), combs);
            }
            case Sadb.SADB_EXT_SUPPORTED_AUTH, Sadb.SADB_EXT_SUPPORTED_ENCRYPT -> {
                List<Extension.Alg> algs = new ArrayList<>();
                for (int q = p + 8; q < p + len; q += 8) {
                    algs.add(new Extension.Alg(u8(b, q), u8(b, q + 1), u16(b, q + 2), u16(b, q + 4)));
                }
                yield new Extension.Supported(type, algs);
            }
            case Sadb.SADB_EXT_SPIRANGE -> new Extension.SpiRange(i32(b, p + 4), i32(b, p + 8));
            case Sadb.SADB_X_EXT_POLICY -> decodePolicy(b, p, len);
            case Sadb.SADB_X_EXT_SA2 -> new Extension.Sa2(u8(b, p + 4), i32(b, p + 8), i32(b, p + 12));
            case Sadb.SADB_X_EXT_NAT_T_TYPE -> new Extension.NatTType(u8(b, p + 4));
            case Sadb.SADB_X_EXT_NAT_T_SPORT, Sadb.SADB_X_EXT_NAT_T_DPORT ->
                new Extension.NatTPort(type, be16(b, p + 4));
            case Sadb.SADB_X_EXT_NAT_T_FRAG -> new Extension.NatTFrag(u16(b, p + 4));
            default -> throw PfkeyException.inval("invalid ext_type " + type);
        };
    }

    private static Extension.Address decodeAddress(byte[] b, int p, int len, int type) throws PfkeyException {
        if (len < 8 + 2)
            throw PfkeyException.malformed(
                    PfkeyException.Malformation.BAD_LENGTH, "address extension without a sockaddr");
        int saLen = sockaddrLength(b, p + 8, len - 8);
        if (8 + Sadb.align8(saLen) != len)
            throw PfkeyException.malformed(PfkeyException.Malformation.BAD_LENGTH, "address extension length " + len);
        return new Extension.Address(type, u8(b, p + 4), u8(b, p + 5), readSockaddr(b, p + 8, saLen));
    }

    /** Size of the sockaddr at {@code b[p]} from its family; checks that it fits in {@code avail} bytes. */
    private static int sockaddrLength(byte[] b, int p, int avail) throws PfkeyException {
        if (avail < 2) throw PfkeyException.malformed(PfkeyException.Malformation.BAD_LENGTH, "truncated sockaddr");
        int family = u16(b, p);
        int saLen = switch (family) {
            case Sadb.AF_INET -> SOCKADDR_IN_BYTES;
            case Sadb.AF_INET6 -> SOCKADDR_IN6_BYTES;
            default ->
                throw new PfkeyException(
                        Errno.EAFNOSUPPORT, PfkeyException.Malformation.BAD_ADDRESS, "address family " + family);
        };
        if (saLen > avail) throw PfkeyException.malformed(PfkeyException.Malformation.BAD_LENGTH, "truncated sockaddr");
        return saLen;
    }

    /** {@link #sockaddrLength} for a request's endpoint: any refusal is EINVAL, as key_msg2sp gives. */
    private static int requestSockaddrLength(byte[] b, int p, int avail) throws PfkeyException {
        try {
            return sockaddrLength(b, p, avail);
        } catch (PfkeyException e) {
            throw e.errno() == Errno.EINVAL ? e : PfkeyException.inval(e.getMessage());
        }
    }

    private static Endpoint readSockaddr(byte[] b, int p, int saLen) throws PfkeyException {
        int port = be16(b, p + 2);
        try {
            if (saLen == SOCKADDR_IN_BYTES) {
                return new Endpoint(InetAddress.getByAddress(java.util.Arrays.copyOfRange(b, p + 4, p + 8)), port, 0);
            }
            byte[] a = java.util.Arrays.copyOfRange(b, p + 8, p + 24);
            return new Endpoint(Inet6Address.getByAddress(null, a, -1), port, i32(b, p + 24));
        } catch (UnknownHostException e) {
            throw PfkeyException.inval("bad address");
        }
    }

    private static Extension.Policy decodePolicy(byte[] b, int p, int len) throws PfkeyException {
        int ptype = u16(b, p + 4);
        int dir = u8(b, p + 6);
        int flags = u8(b, p + 7);
        int id = i32(b, p + 8);
        PolicyType type = PolicyType.of(ptype).orElseThrow(() -> PfkeyException.inval("invalid policy type " + ptype));
        PolicyDirection direction =
                PolicyDirection.of(dir).orElseThrow(() -> PfkeyException.inval("invalid policy direction " + dir));
        List<IpsecRequest> requests = new ArrayList<>();
        if (type == PolicyType.IPSEC) {
            // key.c _key_msg2sp (spec §1.12): requests fill the extension exactly
            int q = p + 16;
            int end = p + len;
            while (q < end) {
                if (end - q < 8) throw PfkeyException.inval("truncated ipsecrequest");
                int rlen = u16(b, q);
                if (rlen < 8 || rlen > end - q) throw PfkeyException.inval("ipsecrequest length " + rlen);
                int proto = u16(b, q + 2);
                IpsecProtocol protocol = IpsecProtocol.ofIpProtocol(proto)
                        .orElseThrow(() -> new PfkeyException(Errno.EPROTONOSUPPORT, "ipsecrequest protocol " + proto));
                int m = u8(b, q + 4);
                int l = u8(b, q + 5);
                IpsecMode mode = IpsecMode.of(m).orElseThrow(() -> PfkeyException.inval("ipsecrequest mode " + m));
                IpsecLevel level = IpsecLevel.of(l).orElseThrow(() -> PfkeyException.inval("ipsecrequest level " + l));
                int reqid = u16(b, q + 6);
                Optional<Endpoint> src = Optional.empty();
                Optional<Endpoint> dst = Optional.empty();
                if (rlen > 8) {
                    // key_msg2sp answers every bad endpoint with EINVAL (t_ipsec_policy.c pr60669: AF_LOCAL,
                    // AF_UNSPEC, truncated sockaddrs); two families are refused by PolicyRequests.normalize
                    int s1 = requestSockaddrLength(b, q + 8, rlen - 8);
                    int s2 = requestSockaddrLength(b, q + 8 + s1, rlen - 8 - s1);
                    if (Sadb.align8(8 + s1 + s2) < rlen) throw PfkeyException.inval("ipsecrequest length " + rlen);
                    src = Optional.of(readSockaddr(b, q + 8, s1));
                    dst = Optional.of(readSockaddr(b, q + 8 + s1, s2));
                }
                requests.add(new IpsecRequest(protocol, mode, level, reqid, src, dst));
                q += rlen;
            }
        }
        return new Extension.Policy(new XPolicy(type, direction, id, flags, requests));
    }

    /**
     * A bare {@code sadb_x_policy} extension, as a program hands it to {@code setsockopt(IP_IPSEC_POLICY /
     * IPV6_IPSEC_POLICY)} (spec §4.2): NetBSD's {@code ipsec_set_policy} takes at least the extension header and
     * {@code key_msg2sp} refuses a length other than {@code sadb_x_policy_len * 8} (EINVAL); the extension type is
     * not looked at there, and is not here. The policy and its requests are then read as in a PF_KEY message (this
     * codec's one {@code sadb_x_policy} reader); the semantic checks follow in
     * {@link org.jipsec.core.spd.PolicyRequests#normalize}, as for SPDADD.
     */
    public static XPolicy decodePolicyExtension(byte[] ext) throws PfkeyException {
        if (ext.length < MIN[Sadb.SADB_X_EXT_POLICY]) throw PfkeyException.inval("policy shorter than sadb_x_policy");
        if (u16(ext, 0) * 8 != ext.length) {
            throw PfkeyException.inval("sadb_x_policy_len*8 (" + u16(ext, 0) * 8 + ") != length " + ext.length);
        }
        if (ext.length > MAX[Sadb.SADB_X_EXT_POLICY]) throw PfkeyException.inval("policy of " + ext.length + " bytes");
        return decodePolicy(ext, 0, ext.length).policy();
    }

    /** {@code p} as a bare {@code sadb_x_policy} extension: what NetBSD's getsockopt2 returns (key_sp2msg). */
    public static byte[] encodePolicyExtension(XPolicy p) {
        Extension.Policy e = new Extension.Policy(p);
        byte[] b = new byte[extensionLength(e)];
        encodeExtension(b, 0, e);
        return b;
    }

    /**
     * A promiscuous copy is an extra base header (type X_PROMISC, len = total) followed by the original message
     * (keysock.c key_sendup0, spec §1.11). Returns the original message's bytes, or empty if {@code msg} is not such
     * a wrapper.
     */
    public static Optional<byte[]> unwrapPromisc(byte[] msg) {
        if (msg.length > BASE_BYTES && u8(msg, 1) == Sadb.SADB_X_PROMISC && u16(msg, 4) * 8 == msg.length) {
            return Optional.of(java.util.Arrays.copyOfRange(msg, BASE_BYTES, msg.length));
        }
        return Optional.empty();
    }

    // ------------------------------------------------------------------------------------------------ encoding

    /** The encoded size of {@code m} in bytes (a multiple of 8). */
    public static int encodedLength(PfkeyMessage m) {
        int n = BASE_BYTES;
        for (Extension e : m.extensions()) n += extensionLength(e);
        return n;
    }

    public static byte[] encode(PfkeyMessage m) {
        int total = encodedLength(m);
        if (total > Sadb.MAX_MESSAGE_BYTES) throw new IllegalArgumentException("message too large: " + total);
        byte[] b = new byte[total];
        b[0] = (byte) m.version();
        b[1] = (byte) m.type();
        b[2] = (byte) m.errno();
        b[3] = (byte) m.satype();
        put16(b, 4, total / 8);
        put16(b, 6, m.reserved());
        put32(b, 8, m.seq());
        put32(b, 12, m.pid());
        int p = BASE_BYTES;
        for (Extension e : m.extensions()) p = encodeExtension(b, p, e);
        return b;
    }

    /** {@code msg} wrapped for a promiscuous listener (keysock.c key_sendup0 with promisc = 1). */
    public static byte[] wrapPromisc(byte[] msg) {
        byte[] b = new byte[BASE_BYTES + msg.length];
        b[0] = Sadb.PF_KEY_V2;
        b[1] = Sadb.SADB_X_PROMISC;
        put16(b, 4, b.length / 8);
        System.arraycopy(msg, 0, b, BASE_BYTES, msg.length);
        return b;
    }

    private static int extensionLength(Extension e) {
        return switch (e) {
            case Extension.Sa s -> 16;
            case Extension.Lifetime l -> 32;
            case Extension.Address a -> 8 + Sadb.align8(sockaddrBytes(a.endpoint()));
            case Extension.Key k -> 8 + Sadb.align8(k.keyBytes());
            case Extension.Identity i -> 16 + i.data().length;
            case Extension.Sensitivity s -> 16 + 8 * (s.sensBitmap().length + s.integBitmap().length);
            case Extension.Proposal pr -> 8 + COMB_BYTES * pr.combs().size();
            case Extension.Supported su -> 8 + 8 * su.algs().size();
            case Extension.SpiRange r -> 16;
            case Extension.Policy pol -> {
                int n = 16;
                if (pol.policy().type() == PolicyType.IPSEC)
                    for (IpsecRequest r : pol.policy().requests()) n += requestLength(r);
                yield Sadb.align8(n);
            }
            case Extension.Sa2 s -> 16;
            case Extension.NatTType t -> 8;
            case Extension.NatTPort t -> 8;
            case Extension.NatTFrag f -> 8;
        };
    }

    private static int requestLength(IpsecRequest r) {
        int n = 8;
        if (r.hasEndpoints())
            n += sockaddrBytes(r.source().orElseThrow())
                    + sockaddrBytes(r.destination().orElseThrow());
        return Sadb.align8(n);
    }

    private static int sockaddrBytes(Endpoint e) {
        return e.isIpv6() ? SOCKADDR_IN6_BYTES : SOCKADDR_IN_BYTES;
    }

    private static int encodeExtension(byte[] b, int p, Extension e) {
        int len = extensionLength(e);
        put16(b, p, len / 8);
        put16(b, p + 2, e.type());
        switch (e) {
            case Extension.Sa s -> {
                putBe32(b, p + 4, s.spi());
                b[p + 8] = (byte) s.replay();
                b[p + 9] = (byte) s.state();
                b[p + 10] = (byte) s.auth();
                b[p + 11] = (byte) s.encrypt();
                put32(b, p + 12, s.flags());
            }
            case Extension.Lifetime l -> {
                put32(b, p + 4, (int) l.allocations());
                put64(b, p + 8, l.bytes());
                put64(b, p + 16, l.addtime());
                put64(b, p + 24, l.usetime());
            }
            case Extension.Address a -> {
                b[p + 4] = (byte) a.proto();
                b[p + 5] = (byte) a.prefixLen();
                writeSockaddr(b, p + 8, a.endpoint());
            }
            case Extension.Key k -> {
                put16(b, p + 4, k.bits());
                System.arraycopy(k.keyUnsafe(), 0, b, p + 8, k.keyBytes());
            }
            case Extension.Identity i -> {
                put16(b, p + 4, i.identType());
                put64(b, p + 8, i.id());
                byte[] d = i.data();
                System.arraycopy(d, 0, b, p + 16, d.length);
            }
            case Extension.Sensitivity s -> {
                long[] sens = s.sensBitmap();
                long[] integ = s.integBitmap();
                put32(b, p + 4, s.dpd());
                b[p + 8] = (byte) s.sensLevel();
                b[p + 9] = (byte) sens.length;
                b[p + 10] = (byte) s.integLevel();
                b[p + 11] = (byte) integ.length;
                int q = p + 16;
                for (long w : sens) {
                    put64(b, q, w);
                    q += 8;
                }
                for (long w : integ) {
                    put64(b, q, w);
                    q += 8;
                }
            }
            case Extension.Proposal pr -> {
                b[p + 4] = (byte) pr.replay();
                int q = p + 8;
                for (Extension.Comb c : pr.combs()) {
                    b[q] = (byte) c.auth();
                    b[q + 1] = (byte) c.encrypt();
                    put16(b, q + 2, c.flags());
                    put16(b, q + 4, c.authMinBits());
                    put16(b, q + 6, c.authMaxBits());
                    put16(b, q + 8, c.encryptMinBits());
                    put16(b, q + 10, c.encryptMaxBits());
                    put32(b, q + 16, (int) c.softAllocations());
                    put32(b, q + 20, (int) c.hardAllocations());
                    put64(b, q + 24, c.softBytes());
                    put64(b, q + 32, c.hardBytes());
                    put64(b, q + 40, c.softAddtime());
                    put64(b, q + 48, c.hardAddtime());
                    put64(b, q + 56, c.softUsetime());
                    put64(b, q + 64, c.hardUsetime());
                    q += COMB_BYTES;
                }
            }
            case Extension.Supported su -> {
                int q = p + 8;
                for (Extension.Alg a : su.algs()) {
                    b[q] = (byte) a.id();
                    b[q + 1] = (byte) a.ivlen();
                    put16(b, q + 2, a.minBits());
                    put16(b, q + 4, a.maxBits());
                    q += 8;
                }
            }
            case Extension.SpiRange r -> {
                put32(b, p + 4, r.min());
                put32(b, p + 8, r.max());
            }
            case Extension.Policy pol -> {
                XPolicy x = pol.policy();
                put16(b, p + 4, x.type().number());
                b[p + 6] = (byte) x.direction().number();
                b[p + 7] = (byte) x.flags();
                put32(b, p + 8, x.id());
                int q = p + 16;
                if (x.type() == PolicyType.IPSEC) {
                    for (IpsecRequest r : x.requests()) {
                        int rlen = requestLength(r);
                        put16(b, q, rlen);
                        put16(b, q + 2, r.protocol().ipProtocol());
                        b[q + 4] = (byte) r.mode().number();
                        b[q + 5] = (byte) r.level().number();
                        put16(b, q + 6, r.reqid());
                        if (r.hasEndpoints()) {
                            Endpoint s = r.source().orElseThrow();
                            writeSockaddr(b, q + 8, s);
                            writeSockaddr(
                                    b, q + 8 + sockaddrBytes(s), r.destination().orElseThrow());
                        }
                        q += rlen;
                    }
                }
            }
            case Extension.Sa2 s -> {
                b[p + 4] = (byte) s.mode();
                put32(b, p + 8, s.sequence());
                put32(b, p + 12, s.reqid());
            }
            case Extension.NatTType t -> b[p + 4] = (byte) t.natType();
            case Extension.NatTPort t -> putBe16(b, p + 4, t.port());
            case Extension.NatTFrag f -> put16(b, p + 4, f.fragLen());
        }
        return p + len;
    }

    private static void writeSockaddr(byte[] b, int p, Endpoint e) {
        putBe16(b, p + 2, e.port());
        byte[] a = e.address().getAddress();
        if (e.address() instanceof Inet4Address) {
            put16(b, p, Sadb.AF_INET);
            System.arraycopy(a, 0, b, p + 4, 4);
        } else {
            put16(b, p, Sadb.AF_INET6);
            System.arraycopy(a, 0, b, p + 8, 16);
            put32(b, p + 24, e.scopeId());
        }
    }

    // ------------------------------------------------------------------------------------------------ bytes

    static int u8(byte[] b, int p) {
        return b[p] & 0xff;
    }

    static int u16(byte[] b, int p) {
        return (b[p] & 0xff) | (b[p + 1] & 0xff) << 8;
    }

    static int be16(byte[] b, int p) {
        return (b[p] & 0xff) << 8 | (b[p + 1] & 0xff);
    }

    static int i32(byte[] b, int p) {
        return u16(b, p) | u16(b, p + 2) << 16;
    }

    static int be32(byte[] b, int p) {
        return be16(b, p) << 16 | be16(b, p + 2);
    }

    static long i64(byte[] b, int p) {
        return (i32(b, p) & 0xffffffffL) | (long) i32(b, p + 4) << 32;
    }

    static void put16(byte[] b, int p, int v) {
        b[p] = (byte) v;
        b[p + 1] = (byte) (v >>> 8);
    }

    static void putBe16(byte[] b, int p, int v) {
        b[p] = (byte) (v >>> 8);
        b[p + 1] = (byte) v;
    }

    static void put32(byte[] b, int p, int v) {
        put16(b, p, v);
        put16(b, p + 2, v >>> 16);
    }

    static void putBe32(byte[] b, int p, int v) {
        putBe16(b, p, v >>> 16);
        putBe16(b, p + 2, v);
    }

    static void put64(byte[] b, int p, long v) {
        put32(b, p, (int) v);
        put32(b, p + 4, (int) (v >>> 32));
    }

    /** Reads {@code sadb_msg_len × 8} from a base header's first 6 bytes (for stream framing). */
    public static int frameLength(byte[] header) {
        return u16(header, 4) * 8;
    }
}
