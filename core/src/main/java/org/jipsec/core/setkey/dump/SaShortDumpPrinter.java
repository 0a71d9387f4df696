package org.jipsec.core.setkey.dump;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Optional;
import org.jipsec.core.ipsec.Endpoint;
import org.jipsec.core.pfkey.Extension;
import org.jipsec.core.pfkey.PfkeyMessage;
import org.jipsec.core.pfkey.Sadb;

/**
 * {@code setkey -D -l}: setkey.c {@code shortdump} (spec §3.3, last paragraph): a header, then one line per SA
 * with the minute/second of now, SA type, state letter, SPI, age/hard lifetime and the addresses.
 */
public final class SaShortDumpPrinter {
    private SaShortDumpPrinter() {}

    private static final String[] STATE = {"L", "M", "D", "d"};
    /** setkey.c's ipproto table (indices 0..60). */
    private static final String[] IPPROTO = {
        "ip", "icmp", "igmp", "ggp", "ip4", null, "tcp", null, "egp", null, null, null, null, null, null, null, null,
        "udp", null, null, null, null, null, null, null, null, null, null, null, "tp", null, null, null, null, null,
        null, null, null, null, null, null, "ip6", null, "rt6", "frag6", null, "rsvp", "gre", null, null, "esp", "ah",
        null, null, null, null, null, null, "icmp6", "none", "dst6"
    };

    public static String header() {
        return String.format("%-4s %-3s %-1s %-8s %-7s %s -> %s\n", "time", "p", "s", "spi", "ltime", "src", "dst");
    }

    public static String format(PfkeyMessage m, long nowSeconds, ZoneId zone) {
        StringBuilder b = new StringBuilder();
        ZonedDateTime now = Instant.ofEpochSecond(nowSeconds).atZone(zone);
        b.append(String.format(SaDumpPrinter.NO_LOCALE, "%02d%02d", now.getMinute(), now.getSecond()));
        b.append(' ')
                .append(String.format(
                        "%-3s",
                        switch (m.satype()) {
                            case Sadb.SADB_SATYPE_AH -> "ah";
                            case Sadb.SADB_SATYPE_ESP -> "esp";
                            default -> "#" + m.satype();
                        }));
        Optional<Extension.Sa> sa = m.sa();
        if (sa.isPresent()) {
            int st = sa.get().state();
            b.append(' ').append(String.format("%-1s", st < STATE.length ? STATE[st] : "?"));
            b.append(' ').append(String.format("%08x", sa.get().spi()));
        } else {
            b.append(String.format("%-1s %-8s", "?", "?"));
        }
        Optional<Extension.Lifetime> c = m.lifetime(Sadb.SADB_EXT_LIFETIME_CURRENT);
        Optional<Extension.Lifetime> h = m.lifetime(Sadb.SADB_EXT_LIFETIME_HARD);
        if (c.isPresent() && h.isPresent()) {
            long age = c.get().addtime() == 0 ? 0 : nowSeconds - c.get().addtime();
            b.append(age >= 1000 ? " big/" : String.format(SaDumpPrinter.NO_LOCALE, " %3d/", age));
            long hard = h.get().addtime();
            b.append(hard >= 1000 ? "big" : String.format(SaDumpPrinter.NO_LOCALE, "%-3d", hard));
        } else {
            b.append(" ???/???");
        }
        b.append(' ');
        m.address(Sadb.SADB_EXT_ADDRESS_SRC).ifPresent(a -> addr(b, a));
        b.append(" -> ");
        m.address(Sadb.SADB_EXT_ADDRESS_DST).ifPresent(a -> addr(b, a));
        return b.append('\n').toString();
    }

    private static void addr(StringBuilder b, Extension.Address a) {
        if (a.proto() != 0) {
            String n = a.proto() < IPPROTO.length ? IPPROTO[a.proto()] : null;
            b.append(n != null ? n : "#" + a.proto()).append(' ');
        }
        Endpoint e = a.endpoint();
        b.append(SaDumpPrinter.host(e));
        if (e.port() != 0) b.append('[').append(e.port()).append(']');
    }
}
