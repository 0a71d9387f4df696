package org.jipsec.cli.ike;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jipsec.cli.lab.TcpTransfer;
import org.jipsec.io.netns.CommandResult;
import org.jipsec.io.netns.Commands;

/** Traffic through the tunnel between the lab's inner addresses: ping counts, a ping stream, a TCP transfer. */
final class Traffic {
    private Traffic() {}

    /** Transmitted and received echo requests of one ping run. */
    record PingCount(int sent, int received) {
        int lost() {
            return sent - received;
        }
    }

    private static final Pattern SUMMARY = Pattern.compile("(\\d+) packets transmitted, (\\d+) received");

    static PingCount parse(String pingOutput) {
        Matcher m = SUMMARY.matcher(pingOutput);
        if (!m.find()) return new PingCount(0, 0);
        return new PingCount(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
    }

    /** {@code count} pings from {@code src} (in {@code ns}) to {@code dst}, {@code interval} apart. */
    static PingCount ping(IkeLab lab, String ns, String src, String dst, int count, double interval)
            throws IOException {
        CommandResult r = lab.exec(
                ns,
                (int) (count * interval) + 15,
                "ping",
                "-n",
                "-q",
                "-c",
                Integer.toString(count),
                "-i",
                Double.toString(interval),
                "-W",
                "1",
                "-I",
                src,
                dst);
        return parse(r.stdout());
    }

    /** Pings until one answer comes back (the first packet may start the negotiation), at most {@code limit}. */
    static void awaitPing(IkeLab lab, String ns, String src, String dst, Duration limit) throws Exception {
        long end = System.nanoTime() + limit.toNanos();
        while (ping(lab, ns, src, dst, 1, 0.2).received() == 0) {
            if (System.nanoTime() > end) throw new AssertionError("no ping reply from " + dst + " within " + limit);
            Thread.sleep(200);
        }
    }

    /** A ping stream in the background (a rekey under traffic); {@link #stop} gives its counts. */
    static final class PingStream {
        private final Process p;
        private final Path out;

        PingStream(IkeLab lab, String ns, String src, String dst, double interval, Path out) throws IOException {
            this.out = out;
            this.p = lab.own(new ProcessBuilder(
                            "ip",
                            "netns",
                            "exec",
                            ns,
                            "ping",
                            "-n",
                            "-q",
                            "-i",
                            Double.toString(interval),
                            "-W",
                            "1",
                            "-I",
                            src,
                            dst)
                    .redirectErrorStream(true)
                    .redirectOutput(out.toFile())
                    .start());
        }

        /** SIGINT makes ping print its summary. */
        PingCount stop() throws Exception {
            Commands.run(List.of("kill", "-INT", Long.toString(p.pid())), Duration.ofSeconds(5));
            if (!p.waitFor(10, TimeUnit.SECONDS)) p.destroyForcibly();
            return parse(java.nio.file.Files.readString(out));
        }
    }

    /** {@code bytes} over TCP from left's inner address to right's (or back), digest checked. */
    static TcpTransfer.Result tcp(String fromNs, String from, String toNs, String to, int bytes) throws Exception {
        return TcpTransfer.run(fromNs, from, toNs, to, 5201, bytes, 30_000);
    }

    /** Packets of a capture matching a display filter. */
    static int count(Path pcap, String filter) throws IOException {
        CommandResult r = Commands.run(
                List.of("tshark", "-r", pcap.toString(), "-Y", filter, "-T", "fields", "-e", "frame.number"),
                Duration.ofSeconds(60));
        return (int) r.stdout().lines().filter(l -> !l.isBlank()).count();
    }
}
