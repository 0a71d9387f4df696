package org.jipsec.core.pfkey;

import org.jipsec.core.ipsec.Endpoint;
import org.jipsec.core.ipsec.IpsecRequest;
import org.jipsec.core.ipsec.XPolicy;

/**
 * Prints PF_KEY messages in libipsec key_debug.c's {@code kdebug_sadb} format, as {@code setkey -x} / {@code -v} show
 * them (spec §3.5): {@code sadb_msg{ version=… type=… errno=… satype=…}}, then one block per extension. Key bytes are
 * printed only when asked ({@code showKeys}); otherwise {@code key=(hidden)}.
 */
public final class KeyDebug {
    private KeyDebug() {}

    public static String format(PfkeyMessage m, boolean showKeys) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(
                "sadb_msg{ version=%d type=%d errno=%d satype=%d%n", m.version(), m.type(), m.errno(), m.satype()));
        b.append(String.format(
                "  len=%d reserved=%d seq=%s pid=%s%n",
                PfkeyCodec.encodedLength(m) / 8,
                m.reserved(),
                Integer.toUnsignedString(m.seq()),
                Integer.toUnsignedString(m.pid())));
        for (Extension e : m.extensions()) {
            b.append(String.format("sadb_ext{ len=%d type=%d }%n", extLen(e), e.type()));
            switch (e) {
                case Extension.Sa s ->
                    b.append(String.format(
                            "sadb_sa{ spi=%s replay=%d state=%d%n  auth=%d encrypt=%d flags=0x%08x }%n",
                            Integer.toUnsignedString(s.spi()),
                            s.replay(),
                            s.state(),
                            s.auth(),
                            s.encrypt(),
                            s.flags()));
                case Extension.Lifetime l ->
                    b.append(String.format(
                            "sadb_lifetime{ alloc=%d, bytes=%s%n  addtime=%s, usetime=%s }%n",
                            l.allocations(),
                            Long.toUnsignedString(l.bytes()),
                            Long.toUnsignedString(l.addtime()),
                            Long.toUnsignedString(l.usetime())));
                case Extension.Address a -> {
                    b.append(String.format(
                            "sadb_address{ proto=%d prefixlen=%d reserved=0x0000 }%n", a.proto(), a.prefixLen()));
                    sockaddr(b, a.endpoint());
                }
                case Extension.Key k -> {
                    b.append(String.format("sadb_key{ bits=%d reserved=0%n  key=", k.bits()));
                    if (showKeys) hexdump(b, k.key());
                    else b.append("(hidden)");
                    b.append(String.format(" }%n"));
                }
                case Extension.Identity i -> {
                    b.append(String.format(
                            "sadb_ident_%s{ type=%d id=%s",
                            i.type() == Sadb.SADB_EXT_IDENTITY_SRC ? "src" : "dst",
                            i.identType(),
                            Long.toUnsignedString(i.id())));
                    byte[] d = i.data();
                    if (d.length > 0) {
                        b.append(String.format("%n  str=\""));
                        for (byte x : d) {
                            if (x == 0) break;
                            if (x >= 0x20 && x < 0x7f) b.append((char) x);
                            else b.append(String.format("\\%03o", x & 0xff));
                        }
                        b.append('"');
                    }
                    b.append(String.format(" }%n"));
                }
                case Extension.Sensitivity s -> {}
                case Extension.Proposal p -> {
                    b.append(String.format("sadb_prop{ replay=%d%n", p.replay()));
                    for (Extension.Comb c : p.combs()) {
                        b.append(String.format(
                                "sadb_comb{ auth=%d encrypt=%d flags=0x%04x reserved=0x00000000%n",
                                c.auth(), c.encrypt(), c.flags()));
                        b.append(String.format(
                                "  auth_minbits=%d auth_maxbits=%d encrypt_minbits=%d encrypt_maxbits=%d%n",
                                c.authMinBits(), c.authMaxBits(), c.encryptMinBits(), c.encryptMaxBits()));
                        b.append(String.format(
                                "  soft_alloc=%d hard_alloc=%d soft_bytes=%d hard_bytes=%d%n",
                                c.softAllocations(), c.hardAllocations(), c.softBytes(), c.hardBytes()));
                        b.append(String.format(
                                "  soft_alloc=%d hard_alloc=%d soft_bytes=%d hard_bytes=%d }%n",
                                c.softAddtime(), c.hardAddtime(), c.softUsetime(), c.hardUsetime()));
                    }
                    b.append(String.format("}%n"));
                }
                case Extension.Supported s -> {
                    b.append(String.format("sadb_sup{%n"));
                    for (Extension.Alg a : s.algs()) {
                        b.append(String.format(
                                "  { id=%d ivlen=%d min=%d max=%d }%n", a.id(), a.ivlen(), a.minBits(), a.maxBits()));
                    }
                    b.append(String.format("}%n"));
                }
                case Extension.SpiRange r -> {}
                case Extension.Policy p -> {
                    XPolicy x = p.policy();
                    // NetBSD 10 key_debug.c: the flags byte (SADB_X_POLICYFLAGS_POLICY for kernel-made policies)
                    b.append(String.format(
                            "sadb_x_policy{ type=%d dir=%d flags=0x%02x id=%x }%n",
                            x.type().number(), x.direction().number(), x.flags() & 0xff, x.id()));
                    for (IpsecRequest r : x.requests()) {
                        int len = 8
                                + (r.hasEndpoints()
                                        ? sockaddrLen(r.source().orElseThrow())
                                                + sockaddrLen(r.destination().orElseThrow())
                                        : 0);
                        b.append(String.format(
                                " { len=%d proto=%d mode=%d level=%d reqid=%d%n",
                                len,
                                r.protocol().ipProtocol(),
                                r.mode().number(),
                                r.level().number(),
                                r.reqid()));
                        if (r.hasEndpoints()) {
                            sockaddr(b, r.source().orElseThrow());
                            sockaddr(b, r.destination().orElseThrow());
                        }
                        b.append(String.format(" }%n"));
                    }
                }
                case Extension.Sa2 s ->
                    b.append(String.format(
                            "sadb_x_sa2{ mode=%d reqid=%s%n  reserved1=0 reserved2=0 sequence=%s }%n",
                            s.mode(), Integer.toUnsignedString(s.reqid()), Integer.toUnsignedString(s.sequence())));
                case Extension.NatTType t -> b.append(String.format("sadb_x_nat_t_type{ type=%d }%n", t.natType()));
                case Extension.NatTPort t -> b.append(String.format("sadb_x_nat_t_port{ port=%d }%n", t.port()));
                case Extension.NatTFrag f -> b.append(String.format("sadb_x_nat_t_frag{ esp_frag=%d }%n", f.fragLen()));
            }
        }
        return b.toString();
    }

    private static int extLen(Extension e) {
        PfkeyMessage one = PfkeyMessage.of(0, 0, 0, 0, java.util.List.of(e));
        return (PfkeyCodec.encodedLength(one) - PfkeyCodec.BASE_BYTES) / 8;
    }

    private static int sockaddrLen(Endpoint e) {
        return e.isIpv6() ? PfkeyCodec.SOCKADDR_IN6_BYTES : PfkeyCodec.SOCKADDR_IN_BYTES;
    }

    /** kdebug_sockaddr. */
    private static void sockaddr(StringBuilder b, Endpoint e) {
        b.append(String.format(
                "sockaddr{ len=%d family=%d port=%d%n",
                sockaddrLen(e), e.isIpv6() ? Sadb.AF_INET6 : Sadb.AF_INET, e.port()));
        if (e.isIpv6()) b.append(String.format("  flowinfo=0x%08x, scope_id=0x%08x%n", 0, e.scopeId()));
        hexdump(b, e.address().getAddress());
        b.append(String.format("%n  }%n"));
    }

    /** ipsec_hexdump: a space before every 4 bytes, a newline every 32. */
    private static void hexdump(StringBuilder b, byte[] p) {
        for (int i = 0; i < p.length; i++) {
            if (i != 0 && i % 32 == 0) b.append('\n');
            if (i % 4 == 0) b.append(' ');
            b.append(String.format("%02x", p[i] & 0xff));
        }
    }
}
