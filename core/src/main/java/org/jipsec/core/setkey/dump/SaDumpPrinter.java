package org.jipsec.core.setkey.dump;

import java.time.ZoneId;
import java.util.Optional;
import org.jipsec.core.ipsec.Endpoint;
import org.jipsec.core.pfkey.Extension;
import org.jipsec.core.pfkey.PfkeyMessage;
import org.jipsec.core.pfkey.Sadb;

/**
 * {@code setkey -D} / {@code get}: libipsec {@code pfkey_sadump1} (spec §3.3), field by field, including its trailing
 * spaces. Keys are printed, as KAME's setkey does (an explicit dump of keys). The current time and zone are injected.
 * <pre>
 * 10.0.11.41 10.0.11.33
 * 	esp mode=any spi=65537(0x00010001) reqid=0(0x00000000)
 * 	E: des-cbc  3ffe0501 4819ffff
 * 	A: hmac-md5  61757468 656e7469 63617469 6f6e2121
 * 	seq=0x00000000 replay=0 flags=0x00000040 state=mature
 * 	created: Nov 28 10:00:00 2025	current: Nov 28 10:00:05 2025
 * 	diff: 5(s)	hard: 0(s)	soft: 0(s)
 * 	last:                     	hard: 0(s)	soft: 0(s)
 * 	current: 0(bytes)	hard: 0(bytes)	soft: 0(bytes)
 * 	allocated: 0	hard: 0	soft: 0
 * 	sadb_seq=0 pid=4711 refcnt=0
 * </pre>
 */
public final class SaDumpPrinter {
    /**
     * printf's digits, not a locale's: a null locale makes {@link String#format} skip DecimalFormatSymbols, whose
     * first use starts the JDK's locale providers (CLDR) — milliseconds at every {@code setkey -D} (issue #17 item 4).
     */
    static final java.util.Locale NO_LOCALE = null;

    private SaDumpPrinter() {}

    public static String format(PfkeyMessage m, boolean withPorts, long nowSeconds, ZoneId zone) {
        StringBuilder b = new StringBuilder();
        Optional<Extension.Sa> sa = m.sa();
        Optional<Extension.Sa2> sa2 = m.sa2();
        Optional<Extension.Lifetime> lc = m.lifetime(Sadb.SADB_EXT_LIFETIME_CURRENT);
        Optional<Extension.Lifetime> lh = m.lifetime(Sadb.SADB_EXT_LIFETIME_HARD);
        Optional<Extension.Lifetime> ls = m.lifetime(Sadb.SADB_EXT_LIFETIME_SOFT);
        Optional<Extension.Address> src = m.address(Sadb.SADB_EXT_ADDRESS_SRC);
        Optional<Extension.Address> dst = m.address(Sadb.SADB_EXT_ADDRESS_DST);
        Optional<Extension.NatTType> natType = m.ext(Sadb.SADB_X_EXT_NAT_T_TYPE, Extension.NatTType.class);
        Optional<Extension.NatTPort> natS = m.ext(Sadb.SADB_X_EXT_NAT_T_SPORT, Extension.NatTPort.class);
        Optional<Extension.NatTPort> natD = m.ext(Sadb.SADB_X_EXT_NAT_T_DPORT, Extension.NatTPort.class);
        Optional<Extension.Address> natOa = m.address(Sadb.SADB_X_EXT_NAT_T_OA);
        boolean natt = natType.isPresent() && natType.get().natType() != 0;

        if (src.isEmpty()) return b.append("no ADDRESS_SRC extension.\n").toString();
        address(b, src.get().endpoint(), withPorts);
        if (natt && natS.isPresent()) b.append('[').append(natS.get().port()).append(']');
        b.append(' ');
        if (dst.isEmpty()) return b.append(" no ADDRESS_DST extension.\n").toString();
        address(b, dst.get().endpoint(), withPorts);
        if (natt && natD.isPresent()) b.append('[').append(natD.get().port()).append(']');
        b.append(' ');
        if (sa.isEmpty()) return b.append("no SA extension.\n").toString();
        if (sa2.isEmpty()) return b.append("no SA2 extension.\n").toString();
        b.append("\n\t");
        if (natt && m.satype() == Sadb.SADB_SATYPE_ESP) b.append("esp-udp ");
        else if (natt) b.append("natt+");
        if (!natt || m.satype() != Sadb.SADB_SATYPE_ESP) b.append(DumpNames.satype(m.satype()));
        b.append("mode=").append(DumpNames.mode(sa2.get().mode()));
        long spi = Integer.toUnsignedLong(sa.get().spi());
        long reqid = Integer.toUnsignedLong(sa2.get().reqid());
        b.append(String.format(NO_LOCALE, "spi=%d(0x%08x) reqid=%d(0x%08x)\n", spi, spi, reqid, reqid));
        if (natt && natOa.isPresent())
            b.append("\tNAT OA=").append(host(natOa.get().endpoint())).append('\n');
        if (m.satype() == Sadb.SADB_X_SATYPE_IPCOMP) {
            b.append("\tC: ").append(DumpNames.comp(sa.get().encrypt()));
        } else if (m.satype() == Sadb.SADB_SATYPE_ESP) {
            m.key(Sadb.SADB_EXT_KEY_ENCRYPT).ifPresent(k -> {
                b.append("\tE: ").append(DumpNames.enc(sa.get().encrypt()));
                hexdump(b, k);
                b.append('\n');
            });
        }
        m.key(Sadb.SADB_EXT_KEY_AUTH).ifPresent(k -> {
            b.append("\tA: ").append(DumpNames.auth(sa.get().auth()));
            hexdump(b, k);
            b.append('\n');
        });
        b.append(String.format(
                NO_LOCALE,
                "\tseq=0x%08x replay=%d flags=0x%08x ",
                sa2.get().sequence(),
                sa.get().replay(),
                sa.get().flags()));
        b.append("state=").append(DumpNames.state(sa.get().state())).append('\n');
        if (lc.isPresent()) {
            Extension.Lifetime c = lc.get();
            long hardAdd = lh.map(Extension.Lifetime::addtime).orElse(0L);
            long softAdd = ls.map(Extension.Lifetime::addtime).orElse(0L);
            b.append("\tcreated: ").append(DumpTime.format(c.addtime(), zone));
            b.append("\tcurrent: ").append(DumpTime.format(nowSeconds, zone)).append('\n');
            b.append("\tdiff: ")
                    .append(Long.toUnsignedString(c.addtime() == 0 ? 0 : nowSeconds - c.addtime()))
                    .append("(s)");
            b.append("\thard: ").append(Long.toUnsignedString(hardAdd)).append("(s)");
            b.append("\tsoft: ").append(Long.toUnsignedString(softAdd)).append("(s)\n");
            b.append("\tlast: ").append(DumpTime.format(c.usetime(), zone));
            b.append("\thard: ")
                    .append(Long.toUnsignedString(
                            lh.map(Extension.Lifetime::usetime).orElse(0L)))
                    .append("(s)");
            b.append("\tsoft: ")
                    .append(Long.toUnsignedString(
                            ls.map(Extension.Lifetime::usetime).orElse(0L)))
                    .append("(s)\n");
            bytes(b, "current", lc);
            bytes(b, "hard", lh);
            bytes(b, "soft", ls);
            b.append('\n');
            b.append("\tallocated: ").append(c.allocations());
            b.append("\thard: ").append(lh.map(Extension.Lifetime::allocations).orElse(0L));
            b.append("\tsoft: ")
                    .append(ls.map(Extension.Lifetime::allocations).orElse(0L))
                    .append('\n');
        }
        b.append("\tsadb_seq=")
                .append(Integer.toUnsignedString(m.seq()))
                .append(" pid=")
                .append(Integer.toUnsignedString(m.pid()))
                .append(" refcnt=")
                .append(m.reserved())
                .append('\n');
        return b.toString();
    }

    /** str_lifetime_byte: {@code %.0f} of the byte count (a double in C). */
    private static void bytes(StringBuilder b, String what, Optional<Extension.Lifetime> l) {
        b.append('\t').append(what).append(": ");
        if (l.isEmpty()) {
            b.append("0(bytes)");
            return;
        }
        double y = l.get().bytes() >= 0
                ? (double) l.get().bytes()
                : (double) (l.get().bytes() >>> 1) * 2.0 + (l.get().bytes() & 1);
        b.append(String.format(NO_LOCALE, "%.0f", y)).append("(bytes)");
    }

    private static void address(StringBuilder b, Endpoint e, boolean withPorts) {
        b.append(host(e));
        if (withPorts) b.append('[').append(e.port()).append(']');
    }

    /** getnameinfo(NI_NUMERICHOST): IPv6 in RFC 5952 form, with {@code %scope} when a scope id is set. */
    static String host(Endpoint e) {
        return org.jipsec.core.spd.AddressText.format(e.address(), e.scopeId());
    }

    /** ipsec_hexdump: a space before every 4th byte, a newline before every 32nd (none before the first). */
    private static void hexdump(StringBuilder b, Extension.Key k) {
        byte[] key = k.key();
        try {
            int n = k.bits() / 8;
            for (int i = 0; i < n && i < key.length; i++) {
                if (i != 0 && i % 32 == 0) b.append('\n');
                if (i % 4 == 0) b.append(' ');
                b.append(Character.forDigit((key[i] >> 4) & 0xf, 16)).append(Character.forDigit(key[i] & 0xf, 16));
            }
        } finally {
            java.util.Arrays.fill(key, (byte) 0);
        }
    }
}
