package org.jipsec.core.pfkey;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.jipsec.core.ipsec.Endpoint;
import org.jipsec.core.ipsec.XPolicy;

/**
 * One PF_KEY v2 extension as an immutable value (RFC 2367 §2.3, KAME; spec §1.3). Field names follow pfkeyv2.h
 * without the {@code sadb_xxx_} prefix; unsigned 32-bit wire fields are held in {@code int} (SPI, SPI range,
 * sequence numbers: compare with {@link Integer#compareUnsigned}) or {@code long} (allocations); 64-bit counters in
 * {@code long}. Reserved fields are not kept: the codec reads past them and writes zeros.
 */
public sealed interface Extension {

    /** The {@code sadb_ext_type}. */
    int type();

    /**
     * {@code struct sadb_sa} (ext 1, 16 bytes).
     * <pre>
     *  0      len      | 2       exttype   | 4  spi (network order)
     *  8 replay | 9 state | 10 auth | 11 encrypt | 12 flags
     * </pre>
     * @param replay replay window size in <b>bytes</b> of bitmap (spec §4.10)
     */
    record Sa(int spi, int replay, int state, int auth, int encrypt, int flags) implements Extension {
        public Sa {
            u8(replay, "replay");
            u8(state, "state");
            u8(auth, "auth");
            u8(encrypt, "encrypt");
        }

        @Override
        public int type() {
            return Sadb.SADB_EXT_SA;
        }
    }

    /** {@code struct sadb_lifetime} (ext 2/3/4, 32 bytes): allocations u32, bytes/addtime/usetime u64. */
    record Lifetime(int type, long allocations, long bytes, long addtime, long usetime) implements Extension {
        public Lifetime {
            if (type != Sadb.SADB_EXT_LIFETIME_CURRENT
                    && type != Sadb.SADB_EXT_LIFETIME_HARD
                    && type != Sadb.SADB_EXT_LIFETIME_SOFT)
                throw new IllegalArgumentException("not a lifetime: " + type);
            if (allocations < 0 || allocations > 0xffffffffL) throw new IllegalArgumentException("allocations");
        }
    }

    /**
     * {@code struct sadb_address} + sockaddr (ext 5/6/7, and 23/24 NAT-T OAI/OAR):
     * {@code 0 len | 2 exttype | 4 proto | 5 prefixlen | 6 reserved}, then a Linux {@code sockaddr_in} (16 bytes) or
     * {@code sockaddr_in6} (28 bytes) padded to 8.
     */
    record Address(int type, int proto, int prefixLen, Endpoint endpoint) implements Extension {
        public Address {
            Objects.requireNonNull(endpoint);
            u8(proto, "proto");
            u8(prefixLen, "prefixlen");
        }
        /** Full-prefix address with proto {@code IPSEC_PROTO_ANY}, as SA messages carry it. */
        public static Address of(int type, Endpoint endpoint) {
            return new Address(type, Sadb.IPSEC_PROTO_ANY, endpoint.addressBits(), endpoint);
        }
    }

    /**
     * {@code struct sadb_key} (ext 8/9): {@code 0 len | 2 exttype | 4 bits | 6 reserved}, then the key padded to 8.
     * The key bytes are never printed.
     */
    record Key(int type, int bits, byte[] key) implements Extension {
        public Key {
            if (bits < 0 || bits > 0xffff) throw new IllegalArgumentException("bits");
            key = key.clone();
            if (key.length != (bits + 7) / 8) throw new IllegalArgumentException("key length does not match bits");
        }

        @Override
        public byte[] key() {
            return key.clone();
        }
        /** Length of the key in bytes without copying it. */
        public int keyBytes() {
            return key.length;
        }

        byte[] keyUnsafe() {
            return key;
        }
        /** Zeroes the key bytes held by this extension (after the request is handled or the message written). */
        public void wipe() {
            java.util.Arrays.fill(key, (byte) 0);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k
                    && k.type == type
                    && k.bits == bits
                    && java.security.MessageDigest.isEqual(k.key, key);
        }

        @Override
        public int hashCode() {
            return type * 31 + bits;
        }

        @Override
        public String toString() {
            return "Key[type=" + type + ", bits=" + bits + ", key=(hidden)]";
        }
    }

    /**
     * {@code struct sadb_ident} (ext 10/11, ≥ 16 bytes): {@code 4 ident type u16 | 6 reserved | 8 id u64}, then the
     * identity string padded to 8 ({@code data} holds those bytes as received, padding included).
     */
    record Identity(int type, int identType, long id, byte[] data) implements Extension {
        public Identity {
            u16(identType, "ident type");
            data = data.clone();
            if (data.length % 8 != 0) throw new IllegalArgumentException("identity data must be padded to 8");
        }

        @Override
        public byte[] data() {
            return data.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Identity i
                    && i.type == type
                    && i.identType == identType
                    && i.id == id
                    && Arrays.equals(i.data, data);
        }

        @Override
        public int hashCode() {
            return Objects.hash(type, identType, id, Arrays.hashCode(data));
        }
    }

    /**
     * {@code struct sadb_sens} (ext 12, ≥ 16 bytes): {@code 4 dpd u32 | 8 sens_level | 9 sens_len | 10 integ_level |
     * 11 integ_len | 12 reserved}, then sens_len + integ_len 64-bit bitmap words.
     */
    record Sensitivity(int dpd, int sensLevel, int integLevel, long[] sensBitmap, long[] integBitmap)
            implements Extension {
        public Sensitivity {
            u8(sensLevel, "sens_level");
            u8(integLevel, "integ_level");
            sensBitmap = sensBitmap.clone();
            integBitmap = integBitmap.clone();
            if (sensBitmap.length > 255 || integBitmap.length > 255) throw new IllegalArgumentException("bitmap");
        }

        @Override
        public long[] sensBitmap() {
            return sensBitmap.clone();
        }

        @Override
        public long[] integBitmap() {
            return integBitmap.clone();
        }

        @Override
        public int type() {
            return Sadb.SADB_EXT_SENSITIVITY;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Sensitivity s
                    && s.dpd == dpd
                    && s.sensLevel == sensLevel
                    && s.integLevel == integLevel
                    && Arrays.equals(s.sensBitmap, sensBitmap)
                    && Arrays.equals(s.integBitmap, integBitmap);
        }

        @Override
        public int hashCode() {
            return Objects.hash(dpd, sensLevel, integLevel);
        }
    }

    /** {@code struct sadb_comb} (72 bytes, inside a PROPOSAL). */
    record Comb(
            int auth,
            int encrypt,
            int flags,
            int authMinBits,
            int authMaxBits,
            int encryptMinBits,
            int encryptMaxBits,
            long softAllocations,
            long hardAllocations,
            long softBytes,
            long hardBytes,
            long softAddtime,
            long hardAddtime,
            long softUsetime,
            long hardUsetime) {
        public Comb {
            u8(auth, "auth");
            u8(encrypt, "encrypt");
            u16(flags, "flags");
            u16(authMinBits, "auth_minbits");
            u16(authMaxBits, "auth_maxbits");
            u16(encryptMinBits, "encrypt_minbits");
            u16(encryptMaxBits, "encrypt_maxbits");
        }
    }

    /** {@code struct sadb_prop} (ext 13): {@code 4 replay | 5 reserved[3]}, then N × 72-byte combs. */
    record Proposal(int replay, List<Comb> combs) implements Extension {
        public Proposal {
            u8(replay, "replay");
            combs = List.copyOf(combs);
        }

        @Override
        public int type() {
            return Sadb.SADB_EXT_PROPOSAL;
        }
    }

    /** {@code struct sadb_alg} (8 bytes: id, ivlen, minbits u16, maxbits u16, reserved u16). */
    record Alg(int id, int ivlen, int minBits, int maxBits) {
        public Alg {
            u8(id, "id");
            u8(ivlen, "ivlen");
            u16(minBits, "minbits");
            u16(maxBits, "maxbits");
        }
    }

    /** {@code struct sadb_supported} (ext 14/15): {@code 4 reserved u32}, then N × {@link Alg}. */
    record Supported(int type, List<Alg> algs) implements Extension {
        public Supported {
            algs = List.copyOf(algs);
        }
    }

    /** {@code struct sadb_spirange} (ext 16, 16 bytes): {@code 4 min u32 | 8 max u32 | 12 reserved} (host order). */
    record SpiRange(int min, int max) implements Extension {
        @Override
        public int type() {
            return Sadb.SADB_EXT_SPIRANGE;
        }
    }

    /**
     * {@code struct sadb_x_policy} (ext 18) with its {@code sadb_x_ipsecrequest}s (spec §1.3):
     * <pre>
     *  0 len | 2 exttype | 4 type u16 | 6 dir u8 | 7 flags u8 | 8 id u32 | 12 reserved2 (Linux: priority)
     *  then for type IPSEC, requests: 0 len (BYTES) | 2 proto u16 | 4 mode | 5 level | 6 reqid u16 | [src][dst]
     * </pre>
     */
    record Policy(XPolicy policy) implements Extension {
        public Policy {
            Objects.requireNonNull(policy);
        }

        @Override
        public int type() {
            return Sadb.SADB_X_EXT_POLICY;
        }
    }

    /** {@code struct sadb_x_sa2} (ext 19, 16 bytes): {@code 4 mode | 5,6 reserved | 8 sequence u32 | 12 reqid u32}. */
    record Sa2(int mode, int sequence, int reqid) implements Extension {
        public Sa2 {
            u8(mode, "mode");
        }

        @Override
        public int type() {
            return Sadb.SADB_X_EXT_SA2;
        }
    }

    /** {@code struct sadb_x_nat_t_type} (ext 20, 8 bytes): {@code 4 type | 5 reserved[3]}. */
    record NatTType(int natType) implements Extension {
        public NatTType {
            u8(natType, "nat_t type");
        }

        @Override
        public int type() {
            return Sadb.SADB_X_EXT_NAT_T_TYPE;
        }
    }

    /** {@code struct sadb_x_nat_t_port} (ext 21/22, 8 bytes): {@code 4 port u16 network order | 6 reserved}. */
    record NatTPort(int type, int port) implements Extension {
        public NatTPort {
            u16(port, "port");
        }
    }

    /** {@code struct sadb_x_nat_t_frag} (ext 25, 8 bytes): {@code 4 fraglen u16 | 6 reserved}. */
    record NatTFrag(int fragLen) implements Extension {
        public NatTFrag {
            u16(fragLen, "fraglen");
        }

        @Override
        public int type() {
            return Sadb.SADB_X_EXT_NAT_T_FRAG;
        }
    }

    private static void u8(int v, String what) {
        if (v < 0 || v > 0xff) throw new IllegalArgumentException(what + " out of range: " + v);
    }

    private static void u16(int v, String what) {
        if (v < 0 || v > 0xffff) throw new IllegalArgumentException(what + " out of range: " + v);
    }
}
