package org.jipsec.cli.ike;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jipsec.io.netns.CommandResult;
import org.jipsec.io.netns.Commands;

/**
 * One strongSwan 5.9.8 charon in a namespace, as /work/shared/peers.md describes: {@code charon-systemd} with
 * kernel-libipsec (ESP in userspace over its own TUN {@code ipsec0}, always UDP-encapsulated), its own
 * {@code STRONGSWAN_CONF}, vici socket and file log ({@code ike}/{@code chd} at level 4: SKEYSEED, ESP keys and the
 * lab PSK) in its directory. Driven with {@code swanctl --uri unix://DIR/charon.vici}; its swanctl directory (x509/,
 * x509ca/, private/, … for certificate authentication) is that directory too, and the plugins for certificates
 * (pem, pkcs1, pkcs8, x509, revocation for CRLs, constraints, pubkey) are loaded.
 */
final class Charon {

    private final IkeLab lab;
    final String ns;
    final Path dir;
    final String label;
    private Process process;

    private Charon(IkeLab lab, String ns, Path dir, String label) {
        this.lab = lab;
        this.ns = ns;
        this.dir = dir;
        this.label = label;
    }

    /**
     * Starts charon in {@code ns}; returns once its vici socket answers. {@code extra} goes into the {@code charon}
     * section of strongswan.conf (e.g. {@code retransmit_timeout = 1}).
     */
    static Charon start(IkeLab lab, String ns, String label, String... extra) throws Exception {
        Path dir = lab.dir.resolve("charon-" + label);
        Files.createDirectories(dir);
        Charon c = new Charon(lab, ns, dir, label);
        Files.writeString(
                dir.resolve("strongswan.conf"),
                String.join(
                        "\n",
                        "charon {",
                        "    load = random nonce openssl kdf pem pkcs1 pkcs8 x509 revocation constraints pubkey"
                                + " kernel-libipsec kernel-netlink socket-default vici",
                        "    install_virtual_ip = no",
                        "    " + String.join("\n    ", extra),
                        "    plugins {",
                        "        vici { socket = unix://" + dir + "/charon.vici }",
                        "        kernel-libipsec { allow_peer_ts = yes }",
                        "        socket-default { fwmark = 0x99 }",
                        "        kernel-netlink { fwmark = !0x99 }",
                        "    }",
                        "}",
                        "charon-systemd {",
                        "    journal { default = -1 }",
                        "    filelog {",
                        "        main {",
                        "            path = " + dir + "/charon.log",
                        "            time_format = %H:%M:%S",
                        "            ike_name = yes",
                        "            flush_line = yes",
                        "            default = 1",
                        "            ike = 4",
                        "            chd = 4",
                        "            cfg = 2",
                        "            enc = 1",
                        "            net = 1",
                        "        }",
                        "    }",
                        "}",
                        ""));
        ProcessBuilder pb = new ProcessBuilder("ip", "netns", "exec", ns, "/usr/sbin/charon-systemd")
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("stdout.log").toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().put("STRONGSWAN_CONF", dir.resolve("strongswan.conf").toString());
        lab.log("charon " + label, dir.resolve("charon.log"));
        lab.log("charon " + label + " stdout", dir.resolve("stdout.log"));
        c.process = lab.own(pb.start());
        long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            if (!c.process.isAlive()) throw new IOException("charon (" + label + ") exited: " + c.tail(20));
            if (Files.exists(dir.resolve("charon.vici"))
                    && c.swanctl(10, "--stats").ok()) break;
            if (System.nanoTime() > end)
                throw new IOException("charon (" + label + ") opened no vici socket: " + c.tail(20));
            Thread.sleep(100);
        }
        return c;
    }

    /**
     * {@code swanctl ARGS --uri …}, bounded, with {@code SWANCTL_DIR} set to this charon's directory: credentials come
     * from its x509/, x509ca/, x509crl/ and private/ (the certificate tests), never from /etc/swanctl.
     */
    CommandResult swanctl(int seconds, String... args) throws IOException {
        List<String> argv = new ArrayList<>();
        argv.add("env");
        argv.add("SWANCTL_DIR=" + dir);
        argv.add("/usr/sbin/swanctl");
        argv.addAll(List.of(args));
        argv.addAll(List.of("--uri", "unix://" + dir + "/charon.vici"));
        return Commands.run(argv, Duration.ofSeconds(seconds));
    }

    /** Writes the connection to swanctl.conf and loads it ({@code swanctl --load-all}). */
    void load(SwanctlConf conf) throws IOException {
        load(conf.text(true));
    }

    /** Writes {@code swanctlConf} to swanctl.conf and loads it with the credentials in this charon's directory. */
    void load(String swanctlConf) throws IOException {
        Path f = dir.resolve("swanctl.conf");
        Files.writeString(f, swanctlConf);
        CommandResult r = swanctl(30, "--load-all", "--file", f.toString());
        if (!r.ok()) throw new IOException("swanctl --load-all failed: " + r.stdout() + r.stderr());
    }

    /** {@code swanctl --initiate --child NAME}; the result (exit 0 = established). */
    CommandResult initiate(String child, int timeoutSeconds) throws IOException {
        return swanctl(
                timeoutSeconds + 10, "--initiate", "--child", child, "--timeout", Integer.toString(timeoutSeconds));
    }

    /** The parsed {@code swanctl --list-sas}. */
    List<SaList.IkeSa> sas() throws IOException {
        CommandResult r = swanctl(20, "--list-sas");
        if (!r.ok()) throw new IOException("swanctl --list-sas failed: " + r.stderr());
        return SaList.parse(r.stdout());
    }

    /** Waits (bounded) for an ESTABLISHED IKE SA of {@code conn} with an INSTALLED child; returns it. */
    SaList.IkeSa awaitEstablished(String conn, Duration limit) throws Exception {
        long end = System.nanoTime() + limit.toNanos();
        while (true) {
            Optional<SaList.IkeSa> sa = sas().stream()
                    .filter(s -> s.name().equals(conn)
                            && s.state().equals("ESTABLISHED")
                            && s.children().stream().anyMatch(c -> c.state().equals("INSTALLED")))
                    .findFirst();
            if (sa.isPresent()) return sa.get();
            if (!process.isAlive()) throw new AssertionError("charon (" + label + ") died");
            if (System.nanoTime() > end) {
                throw new AssertionError("charon (" + label + "): no established SA for " + conn + " within " + limit
                        + "\n" + swanctl(20, "--list-sas").stdout());
            }
            Thread.sleep(200);
        }
    }

    /** Waits (bounded) until charon holds no IKE SA of {@code conn}; returns the time it took. */
    Duration awaitNoSa(String conn, Duration limit) throws Exception {
        long t0 = System.nanoTime();
        while (sas().stream().anyMatch(s -> s.name().equals(conn))) {
            if (System.nanoTime() - t0 > limit.toNanos()) {
                throw new AssertionError("charon (" + label + ") still has an SA for " + conn + " after " + limit + "\n"
                        + swanctl(20, "--list-sas").stdout());
            }
            Thread.sleep(200);
        }
        return Duration.ofNanos(System.nanoTime() - t0);
    }

    /** The log's lines that contain {@code text}. */
    List<String> logLines(String text) throws IOException {
        Path f = dir.resolve("charon.log");
        if (!Files.exists(f)) return List.of();
        return Files.readAllLines(f).stream().filter(l -> l.contains(text)).toList();
    }

    private static final Pattern ESP_KEY =
            Pattern.compile("(encryption|integrity) (initiator|responder) key => (\\d+) bytes");

    /**
     * The ESP keys charon logged at chd level 4 for its newest CHILD_SA, keyed "encryption initiator" etc., hex (GCM
     * keys include the 4-byte salt). A lab-only debugging aid for tshark's ESP decryption table.
     */
    java.util.Map<String, String> lastEspKeys() throws IOException {
        List<String> lines = Files.readAllLines(dir.resolve("charon.log"));
        java.util.Map<String, String> keys = new java.util.LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            Matcher m = ESP_KEY.matcher(lines.get(i));
            if (!m.find()) continue;
            int n = Integer.parseInt(m.group(3));
            StringBuilder hex = new StringBuilder();
            for (int j = i + 1; j < lines.size() && hex.length() < 2 * n; j++) {
                Matcher h = Pattern.compile("\\d+: ((?:[0-9A-F]{2} ?)+)").matcher(lines.get(j));
                if (!h.find()) break;
                hex.append(h.group(1).replace(" ", ""));
            }
            keys.put(m.group(1) + " " + m.group(2), hex.toString().toLowerCase(java.util.Locale.ROOT));
        }
        return keys;
    }

    boolean alive() {
        return process.isAlive();
    }

    /** SIGKILL (a peer that dies without a word); waits for the exit. */
    void kill9() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    String tail(int n) {
        try {
            Path f = dir.resolve("charon.log");
            List<String> l = Files.exists(f) ? Files.readAllLines(f) : List.of();
            Path o = dir.resolve("stdout.log");
            List<String> s = Files.exists(o) ? Files.readAllLines(o) : List.of();
            return String.join("\n", l.subList(Math.max(0, l.size() - n), l.size())) + "\n" + String.join("\n", s);
        } catch (IOException e) {
            return "(no log)";
        }
    }
}
