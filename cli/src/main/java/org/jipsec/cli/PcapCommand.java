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
import java.util.HexFormat;
import java.util.concurrent.Callable;
import org.jipsec.core.crypto.InvalidKeyLengthException;
import org.jipsec.core.net.pcap.LinkType;
import org.jipsec.core.net.pcap.PcapFormatException;
import org.jipsec.core.net.pcap.PcapReader;
import org.jipsec.core.net.pcap.PcapRecord;
import org.jipsec.core.net.pcap.PcapWriter;
import org.jipsec.core.setkey.SetkeyConfig;
import org.jipsec.core.setkey.SetkeyException;
import org.jipsec.core.xform.OfflineProcessor;
import org.jipsec.core.xform.XformSettings;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code jipsec pcap --config FILE (--protect | --verify) IN.pcap OUT.pcap}: applies the SAs of a setkey file to
 * every packet of a capture, offline, and prints one verdict line per packet.
 */
@Command(
        footerHeading = "%nExample:%n",
        footer = {"  jipsec pcap --config sa.conf --protect clear.pcap esp.pcap",
            "  jipsec pcap --config sa.conf --verify esp.pcap clear.pcap"},
        name = "pcap", mixinStandardHelpOptions = true,
        description = {"Protect (outbound) or verify and decapsulate (inbound) every packet of a pcap file with the SAs",
            "written in a setkey file ('add' statements; 'spdadd ... -P out ...' choose tunnel SAs).",
            "Prints one line per packet: number, protocol, SPI, sequence number, ok or the drop reason.",
            "IN.pcap may be classic pcap or pcapng (as tshark/dumpcap write by default); OUT.pcap is always classic pcap."})
public final class PcapCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--config", required = true, paramLabel = "FILE", description = "setkey file with the SAs")
    Path config;

    @CommandLine.ArgGroup(exclusive = true, multiplicity = "1")
    Direction direction;

    static final class Direction {
        @Option(names = "--protect", required = true, description = "apply the SAs outbound (encapsulate)") boolean protect;
        @Option(names = "--verify", required = true, description = "verify and decapsulate inbound") boolean verify;
    }

    @Option(names = "--seq", paramLabel = "N", description = "first sequence number to send (default 1)")
    Long seq;

    @Option(names = "--iv", paramLabel = "HEX", description = "force the IV of every packet (reproducing published vectors only)")
    String iv;

    @Parameters(index = "0", paramLabel = "IN.pcap") Path in;

    @Parameters(index = "1", paramLabel = "OUT.pcap") Path out;

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
            text = Files.readString(config, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new UserError(config + ": no such file");
        } catch (IOException | java.io.UncheckedIOException e) {
            throw new UserError(config + ": cannot read: " + e.getMessage());
        }
        SetkeyConfig cfg;
        try {
            cfg = SetkeyConfig.parse(text);
        } catch (SetkeyException e) {
            throw new UserError(config + ": " + e.getMessage());
        }
        for (String n : cfg.notes()) err.println("jipsec pcap: note: " + config + ": " + n);
        if (cfg.sas().isEmpty()) throw new UserError(config + ": no 'add' statement: no SA to apply");
        OfflineProcessor proc;
        try {
            proc = new OfflineProcessor(cfg.sas(), cfg.outboundRules(), XformSettings.DEFAULTS, new SecureRandom());
        } catch (InvalidKeyLengthException | IllegalArgumentException e) {
            throw new UserError(config + ": " + e.getMessage());
        }
        try {
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

    private int process(OfflineProcessor proc, PrintWriter stdout, PrintWriter err) throws UserError {
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
                OfflineProcessor.Verdict v = direction.protect ? proc.protect(ip) : proc.verify(ip);
                stdout.println(n + " " + v.text());
                if (v.ok()) {
                    ok++;
                    writer.write(rec.timestamp(), v.packet());
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
