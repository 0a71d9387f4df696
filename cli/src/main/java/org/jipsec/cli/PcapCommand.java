package org.jipsec.cli;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.InstantSource;
import java.util.HexFormat;
import java.util.concurrent.Callable;
import org.jipsec.core.engine.EngineSettings;
import org.jipsec.core.engine.IpsecEngine;
import org.jipsec.core.engine.OfflineEngine;
import org.jipsec.core.net.pcap.LinkType;
import org.jipsec.core.net.pcap.PcapFormatException;
import org.jipsec.core.net.pcap.PcapReader;
import org.jipsec.core.net.pcap.PcapRecord;
import org.jipsec.core.net.pcap.PcapWriter;
import org.jipsec.core.setkey.AddStatement;
import org.jipsec.core.setkey.SetkeyException;
import org.jipsec.core.setkey.SetkeyParser;
import org.jipsec.core.setkey.SetkeyStatement;
import org.jipsec.core.sysctl.Sysctl;
import org.jipsec.io.sysctl.SysctlConf;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code jipsec pcap --config FILE [--sysctl FILE] (--protect | --verify) IN.pcap OUT.pcap}: runs every packet of a
 * capture through the daemon's own engine ({@link OfflineEngine} over {@link IpsecEngine}: the same SPD, levels,
 * system defaults and SAD as jipsecd, loaded by the same setkey), offline, and prints one verdict line per packet.
 */
@Command(
        footerHeading = "%nExample:%n",
        footer = {
            "  jipsec pcap --config sa.conf --protect clear.pcap esp.pcap",
            "  jipsec pcap --config sa.conf --verify esp.pcap clear.pcap"
        },
        name = "pcap",
        mixinStandardHelpOptions = true,
        description = {
            "Protect (outbound, as a forwarded packet) or verify and decapsulate (inbound) every packet of a pcap",
            "file with the engine jipsecd runs: the setkey file's SAs and policies (add, spdadd, flush... as setkey -f),",
            "levels and system defaults (--sysctl: def_policy, deflevs...). A file without any policy protects each packet",
            "with the SAs from its source to its destination. Prints one line per packet: number, protocol, SPI,",
            "sequence number, ok — or why it was sent in clear or dropped (discard, no-sa, policy-violation...).",
            "IN.pcap may be classic pcap or pcapng (as tshark/dumpcap write by default); OUT.pcap is always classic pcap."
        })
public final class PcapCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--config", required = true, paramLabel = "FILE", description = "setkey file (SAs and policies)")
    Path config;

    @Option(
            names = "--sysctl",
            paramLabel = "FILE",
            description = "name=value lines (sysctl.conf style), as jipsec gateway --sysctl")
    Path sysctlFile;

    @CommandLine.ArgGroup(exclusive = true, multiplicity = "1")
    Direction direction;

    static final class Direction {
        @Option(names = "--protect", required = true, description = "apply the outbound policies (encapsulate)")
        boolean protect;

        @Option(names = "--verify", required = true, description = "verify, decapsulate and check the inbound policies")
        boolean verify;
    }

    @Option(names = "--seq", paramLabel = "N", description = "first sequence number to send (default 1)")
    Long seq;

    @Option(
            names = "--iv",
            paramLabel = "HEX",
            description = "force the IV of every packet (reproducing published vectors only)")
    String iv;

    @Parameters(index = "0", paramLabel = "IN.pcap")
    Path in;

    @Parameters(index = "1", paramLabel = "OUT.pcap")
    Path out;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter stdout = spec.commandLine().getOut();
        try {
            return run(stdout, err);
        } catch (UserError e) {
            err.println("jipsec pcap: " + e.getMessage());
            err.flush();
            return 1;
        }
    }

    private int run(PrintWriter stdout, PrintWriter err) throws UserError {
        String text;
        try {
            if (!Files.exists(config)) throw new NoSuchFileException(config.toString());
            text = new String(SetkeyCommand.readFileBytes(config.toString()), StandardCharsets.UTF_8); // at most 64 MiB
        } catch (NoSuchFileException e) {
            throw new UserError(config + ": no such file");
        } catch (IOException | java.io.UncheckedIOException e) {
            throw new UserError(config + ": cannot read: " + e.getMessage());
        }
        Sysctl sysctl = Sysctl.withNetbsdDefaults();
        if (sysctlFile != null) {
            try {
                SysctlConf.apply(
                        new String(SetkeyCommand.readFileBytes(sysctlFile.toString()), StandardCharsets.UTF_8), sysctl);
            } catch (IOException | java.io.UncheckedIOException | SysctlConf.ConfException e) {
                throw new UserError(sysctlFile + ": " + e.getMessage());
            }
        }
        // the daemon's engine, NetBSD's behaviour for a missing SA (dropped, not queued); the wall clock for lifetimes
        int[] natT = natTPorts(text);
        EngineSettings settings = new EngineSettings(
                0, 0, 0, EngineSettings.NETBSD.pendingTimeout(), EngineSettings.NETBSD.reassembly(), natT);
        IpsecEngine engine = IpsecEngine.create(sysctl, InstantSource.system(), new SecureRandom(), settings);
        OfflineEngine proc = new OfflineEngine(engine, natT);
        try {
            if (OfflineSetkey.load(engine, text, err) != 0) {
                throw new UserError(config + ": not applied (setkey's messages above)");
            }
            if (seq != null) {
                try {
                    proc.setFirstSequence(seq);
                } catch (IllegalArgumentException e) {
                    throw new UserError("--seq " + seq + ": " + e.getMessage());
                }
            }
            if (iv != null) {
                try {
                    String h = iv.startsWith("0x") || iv.startsWith("0X") ? iv.substring(2) : iv;
                    proc.forceIv(HexFormat.of().parseHex(h));
                } catch (IllegalArgumentException e) {
                    throw new UserError("--iv: not a hex string: " + iv);
                }
            }
            return process(proc, stdout, err);
        } finally {
            proc.destroy();
        }
    }

    /**
     * The UDP ports of the file's {@code esp-udp} SAs (with 4500, RFC 3948's), so that captured ESP-in-UDP datagrams
     * to a configured port are recognised. Only the ports are read; the keys parsed on the way are zeroed. A file
     * that does not parse gives 4500 alone (the load reports its error).
     */
    static int[] natTPorts(String text) {
        java.util.TreeSet<Integer> ports = new java.util.TreeSet<>(java.util.List.of(4500));
        try {
            for (SetkeyStatement st : SetkeyParser.parse(text)) {
                if (!(st instanceof AddStatement a)) continue;
                if (a.espUdp()) {
                    if (a.src().port() != 0) ports.add(a.src().port());
                    if (a.dst().port() != 0) ports.add(a.dst().port());
                }
                a.zeroKeys();
            }
        } catch (SetkeyException e) {
            // the setkey load that follows reports it
        }
        return ports.stream().mapToInt(Integer::intValue).toArray();
    }

    private int process(OfflineEngine proc, PrintWriter stdout, PrintWriter err) throws UserError {
        int n = 0, ok = 0;
        Path tmp = out.toAbsolutePath().resolveSibling(out.getFileName() + ".part");
        try (InputStream is = new BufferedInputStream(Files.newInputStream(in));
                OutputStream os = new BufferedOutputStream(Files.newOutputStream(tmp))) {
            PcapReader reader;
            try {
                reader = new PcapReader(is);
            } catch (PcapFormatException e) {
                throw new UserError(in + ": not a pcap or pcapng file: " + e.getMessage());
            }
            int linkType = reader.linkType() == LinkType.ETHERNET ? LinkType.ETHERNET : LinkType.RAW;
            PcapWriter writer = new PcapWriter(os, linkType, reader.nanosecondResolution());
            PcapRecord rec;
            while (true) {
                try {
                    rec = reader.next();
                } catch (PcapFormatException e) {
                    throw new UserError(in + ": packet " + (n + 1) + ": " + e.getMessage());
                }
                if (rec == null) break;
                n++;
                byte[] ip = rec.ipPacket();
                if (ip == null) {
                    stdout.println(n + " - skipped (not an IP packet)");
                    continue;
                }
                OfflineEngine.Verdict v = direction.protect ? proc.protect(ip) : proc.verify(ip);
                stdout.println(n + " " + v.text());
                if (v.ok()) {
                    ok++;
                    for (byte[] p : v.packets()) writer.write(rec.timestamp(), p);
                }
            }
        } catch (NoSuchFileException e) {
            deleteQuietly(tmp);
            throw new UserError(e.getFile() + ": no such file");
        } catch (IOException e) {
            deleteQuietly(tmp);
            throw new UserError("I/O error: " + e.getMessage());
        } catch (UserError e) {
            deleteQuietly(tmp);
            throw e;
        }
        try {
            Files.move(tmp, out, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            deleteQuietly(tmp);
            throw new UserError(out + ": cannot write: " + e.getMessage());
        }
        stdout.flush();
        err.println("jipsec pcap: " + n + " packets, " + ok + " written to " + out + ", " + (n - ok) + " dropped");
        err.flush();
        return 0;
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // best effort: the partial file is not the user's output
        }
    }

    /** A user-facing error: printed as one line, exit status 1. */
    static final class UserError extends Exception {
        UserError(String m) {
            super(m, null, false, false);
        }
    }
}
