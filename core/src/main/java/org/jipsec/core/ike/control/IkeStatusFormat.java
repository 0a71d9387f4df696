package org.jipsec.core.ike.control;

import java.util.List;
import org.jipsec.core.ike.control.IkeStatus.ChildSaStatus;
import org.jipsec.core.ike.control.IkeStatus.IkeSaStatus;

/**
 * {@code jipsec ike status} as text, laid out like strongSwan's {@code swanctl --list-sas} (src/swanctl/commands/
 * list_sas.c: the IKE SA line with {@code _i}/{@code _r} SPIs and {@code *} on our side, local/remote identity and
 * address, the algorithms, "established Ns ago, rekeying in Ns", then per CHILD_SA its mode, SPIs, algorithms,
 * traffic counters and traffic selectors), followed by the loaded connections. A pure function of the snapshot:
 * times are already relative, so the output needs no clock.
 */
public final class IkeStatusFormat {
    private IkeStatusFormat() {}

    public static String format(IkeStatus s) {
        StringBuilder b = new StringBuilder();
        for (IkeSaStatus sa : s.sas()) ike(b, sa);
        if (s.sas().isEmpty()) b.append("no IKE SAs\n");
        b.append("loaded connections: ")
                .append(s.connections().isEmpty() ? "none" : String.join(", ", s.connections()))
                .append('\n');
        if (s.counters().stream().anyMatch(c -> c.value() != 0)) {
            b.append("counters:");
            for (var c : s.counters())
                b.append(' ').append(c.name()).append('=').append(c.value());
            b.append('\n');
        }
        return b.toString();
    }

    private static void ike(StringBuilder b, IkeSaStatus sa) {
        b.append(sa.connection())
                .append(": #")
                .append(sa.uniqueId())
                .append(", ")
                .append(sa.state())
                .append(", IKEv2, ")
                .append(sa.spiI())
                .append("_i")
                .append(sa.initiator() ? "*" : "")
                .append(' ')
                .append(sa.spiR())
                .append("_r")
                .append(sa.initiator() ? "" : "*")
                .append('\n');
        b.append("  local  '")
                .append(sa.localId())
                .append("' @ ")
                .append(sa.local())
                .append(sa.natLocal() ? " [NAT]" : "")
                .append('\n');
        b.append("  remote '")
                .append(sa.remoteId())
                .append("' @ ")
                .append(sa.remote())
                .append(sa.natRemote() ? " [NAT]" : "")
                .append('\n');
        if (!sa.algorithms().isEmpty()) b.append("  ").append(sa.algorithms()).append('\n');
        String times = times("established", sa.establishedAgo(), sa.rekeyIn());
        if (!times.isEmpty()) b.append("  ").append(times).append('\n');
        for (ChildSaStatus c : sa.children()) child(b, c);
    }

    private static void child(StringBuilder b, ChildSaStatus c) {
        b.append("  ")
                .append(c.name())
                .append(": #")
                .append(c.uniqueId())
                .append(", ")
                .append(c.state())
                .append(", ")
                .append(c.mode().toUpperCase(java.util.Locale.ROOT))
                .append(c.udpEncap() ? "-in-UDP" : "")
                .append(", ESP:")
                .append(c.algorithms())
                .append('\n');
        String times = times("installed", c.installedAgo(), c.rekeyIn());
        if (!times.isEmpty()) b.append("    ").append(times).append('\n');
        b.append("    in  ")
                .append(c.spiIn())
                .append(traffic(c.bytesIn(), c.packetsIn()))
                .append('\n');
        b.append("    out ")
                .append(c.spiOut())
                .append(traffic(c.bytesOut(), c.packetsOut()))
                .append('\n');
        ts(b, "local ", c.localTs());
        ts(b, "remote", c.remoteTs());
    }

    private static String times(String what, long ago, long rekeyIn) {
        StringBuilder t = new StringBuilder();
        if (ago >= 0) t.append(what).append(' ').append(ago).append("s ago");
        if (rekeyIn >= 0)
            t.append(t.isEmpty() ? "" : ", ")
                    .append("rekeying in ")
                    .append(rekeyIn)
                    .append('s');
        return t.toString();
    }

    /** swanctl: "%5s bytes, %5s packets"; -1 = not known (no PF_KEY lifetime yet). */
    private static String traffic(long bytes, long packets) {
        if (bytes < 0 && packets < 0) return "";
        return String.format(
                java.util.Locale.ROOT,
                ", %6s bytes, %5s packets",
                bytes < 0 ? "?" : Long.toString(bytes),
                packets < 0 ? "?" : Long.toString(packets));
    }

    private static void ts(StringBuilder b, String side, List<String> ts) {
        b.append("    ")
                .append(side)
                .append(' ')
                .append(ts.isEmpty() ? "(none)" : String.join(" ", ts))
                .append('\n');
    }
}
