package org.jipsec.core.ike.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.jipsec.core.ike.config.ConfigSource;
import org.jipsec.core.ike.config.IkeConfig;
import org.jipsec.core.ike.config.SwanctlConfig;
import org.jipsec.core.ike.keylog.WiresharkKeyLog;
import org.jipsec.core.ipsec.Endpoint;
import org.jipsec.core.ipsec.IpsecMode;
import org.jipsec.core.ipsec.IpsecProtocol;
import org.jipsec.core.net.pcap.PcapWriter;
import org.jipsec.core.xform.SaContext;
import org.jipsec.core.xform.SaFlags;
import org.jipsec.core.xform.SaParameters;
import org.jipsec.core.xform.Xform;
import org.jipsec.core.xform.XformSettings;
import org.jipsec.core.xform.XformStats;
import org.jipsec.testkit.RequiresTool;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #15 item 4: Wireshark (tshark 4.0, an independent IKEv2 and ESP decoder) decrypts a jipsec exchange with
 * the key log alone. Two engines with {@code keyLog} on run IKE_SA_INIT + IKE_AUTH; the datagrams go into a pcap
 * with one ESP packet (an ICMP echo request, encrypted with the CHILD_SA's outbound keys by jipsec's ESP code); the
 * {@link IkeAction.IkeKeysForLog} and {@link IkeAction.InstallChild} actions become the two UAT files, which tshark
 * reads from a fresh profile directory. tshark must show IKE_AUTH's IDi, AUTH, SA and TSi payloads and the ICMP
 * echo inside ESP, with the ICV checked.
 */
@RequiresTool("tshark")
class KeyLogTsharkTest {
    @TempDir
    Path dir;

    private static final String[][] SUITES = {
        {"aes128gcm16-prfsha256-x25519", "aes128gcm16"}, // AEAD: SK_e with salt, "NONE" integrity
        {"aes256-sha256-ecp256", "aes256-sha512"}, // CBC + HMAC both for IKE and ESP
    };

    static IkeSaEngine engine(IkeSaEngine.Role role, String text, long seed, boolean keyLog) throws Exception {
        ConfigSource src = new ConfigSource() {
            @Override
            public String read(String path) {
                return path.equals("/c.conf") ? text : null;
            }

            @Override
            public List<String> glob(String pattern, String directory) {
                return List.of();
            }
        };
        IkeConfig cfg = SwanctlConfig.load("/c.conf", src);
        IkeConfig.Connection c = cfg.connections().getFirst();
        SecureRandom rnd = SecureRandom.getInstance("SHA1PRNG");
        rnd.setSeed(seed);
        boolean initiator = role == IkeSaEngine.Role.INITIATOR;
        IkeSaConfig config = IkeSaConfig.of(
                        c, c.local().getFirst().id(), cfg.secrets().getFirst().secret())
                .withKeyLog(keyLog);
        return new IkeSaEngine(
                role,
                config,
                rnd,
                initiator ? IkeSaEngineTest.I : IkeSaEngineTest.R,
                initiator ? IkeSaEngineTest.R : IkeSaEngineTest.I);
    }

    static IkeSaEngineTest.Link establish(String ike, String esp, boolean keyLog, long seed) throws Exception {
        IkeSaEngine i = engine(
                IkeSaEngine.Role.INITIATOR,
                IkeSaEngineTest.conf("10.98.0.1", "10.98.0.2", ike, esp, "10.98.1.0/24", "10.98.2.0/24", "s3cret-lab"),
                seed,
                keyLog);
        IkeSaEngine r = engine(
                IkeSaEngine.Role.RESPONDER,
                IkeSaEngineTest.conf("10.98.0.2", "10.98.0.1", ike, esp, "10.98.2.0/24", "10.98.1.0/24", "s3cret-lab"),
                seed + 1,
                keyLog);
        IkeSaEngineTest.Link l = new IkeSaEngineTest.Link(i, r);
        l.run(new IkeEvent.Initiate(0));
        assertEquals(IkeSaEngine.State.ESTABLISHED, l.i.state(), l.iActions.toString());
        return l;
    }

    @Test
    void noKeysLeaveTheEngineUnlessConfigured() throws Exception {
        IkeSaEngineTest.Link l = establish(SUITES[0][0], SUITES[0][1], false, 7);
        assertTrue(l.iActions.stream().noneMatch(a -> a instanceof IkeAction.IkeKeysForLog), l.iActions.toString());
        assertTrue(l.rActions.stream().noneMatch(a -> a instanceof IkeAction.IkeKeysForLog), l.rActions.toString());
        IkeSaEngineTest.Link on = establish(SUITES[0][0], SUITES[0][1], true, 7);
        IkeAction.IkeKeysForLog ki = on.only(on.iActions, IkeAction.IkeKeysForLog.class);
        IkeAction.IkeKeysForLog kr = on.only(on.rActions, IkeAction.IkeKeysForLog.class);
        assertEquals(WiresharkKeyLog.ikeLine(ki), WiresharkKeyLog.ikeLine(kr), "both sides log the same SA");
        String shown = ki.toString();
        assertFalse(shown.contains(HexFormat.of().formatHex(ki.skEi()).substring(0, 8)), shown);
        assertTrue(shown.startsWith("IkeKeysForLog[IKE:AES_GCM_16_128"), shown);
    }

    /** After an IKE SA rekey (§2.18) both sides hand out the new SA's keys under its new SPIs, and they agree. */
    @Test
    void anIkeRekeyLogsTheNewSa() throws Exception {
        String ike = SUITES[1][0];
        IkeSimulation s = new IkeSimulation(
                engine(
                        IkeSaEngine.Role.INITIATOR,
                        IkeSaEngineTest.conf(
                                "10.98.0.1",
                                "10.98.0.2",
                                ike,
                                "aes128gcm16",
                                "10.98.1.0/24",
                                "10.98.2.0/24",
                                "s3cret-lab"),
                        31,
                        true),
                engine(
                        IkeSaEngine.Role.RESPONDER,
                        IkeSaEngineTest.conf(
                                "10.98.0.2",
                                "10.98.0.1",
                                ike,
                                "aes128gcm16",
                                "10.98.2.0/24",
                                "10.98.1.0/24",
                                "s3cret-lab"),
                        32,
                        true),
                33,
                0,
                0,
                30);
        s.at(0, s.a, new IkeEvent.Initiate(0));
        s.runUntil(1_000);
        s.at(s.now + 1_000, s.b, new IkeEvent.RekeyIke(0));
        s.runUntil(s.now + 5_000);
        List<IkeAction.IkeKeysForLog> a = IkeSimulation.of(s.aActions, IkeAction.IkeKeysForLog.class);
        List<IkeAction.IkeKeysForLog> b = IkeSimulation.of(s.bActions, IkeAction.IkeKeysForLog.class);
        assertEquals(2, a.size(), s.aActions.toString());
        assertEquals(2, b.size(), s.bActions.toString());
        IkeAction.IkeRekeyed rekeyed =
                IkeSimulation.of(s.aActions, IkeAction.IkeRekeyed.class).getFirst();
        assertEquals(rekeyed.spiI(), a.get(1).spiI());
        assertEquals(rekeyed.spiR(), a.get(1).spiR());
        for (int n = 0; n < 2; n++) {
            assertEquals(
                    WiresharkKeyLog.ikeLine(a.get(n)).orElseThrow(),
                    WiresharkKeyLog.ikeLine(b.get(n)).orElseThrow());
        }
        assertFalse(java.util.Arrays.equals(a.get(0).skEi(), a.get(1).skEi()), "fresh keys after the rekey");
    }

    @Test
    void tsharkDecryptsIkeAuthAndEspWithTheKeyLog() throws Exception {
        requireTshark();
        List<byte[]> packets = new ArrayList<>();
        List<String> ikeLines = new ArrayList<>();
        List<String> espLines = new ArrayList<>();
        long seed = 100;
        for (String[] s : SUITES) {
            IkeSaEngineTest.Link l = establish(s[0], s[1], true, seed += 10);
            assertEquals(4, l.wire.size());
            for (int n = 0; n < 4; n++) {
                boolean fromI = n % 2 == 0;
                packets.add(udp4(
                        fromI ? "10.98.0.1" : "10.98.0.2", fromI ? "10.98.0.2" : "10.98.0.1", 500, 500, l.wire.get(n)));
            }
            IkeAction.IkeKeysForLog keys = l.only(l.iActions, IkeAction.IkeKeysForLog.class);
            ikeLines.add(WiresharkKeyLog.ikeLine(keys).orElseThrow());
            IkeAction.InstallChild child = l.only(l.iActions, IkeAction.InstallChild.class);
            espLines.addAll(WiresharkKeyLog.espLines(child, IkeSaEngineTest.I.address(), IkeSaEngineTest.R.address()));
            packets.add(espPacket(child, false));
            packets.add(espPacket(child, true)); // UDP-encapsulated (NAT-T, RFC 3948): same esp_sa lines
        }
        Path profile = dir.resolve("profile");
        Files.createDirectories(profile);
        Files.write(profile.resolve("ikev2_decryption_table"), ikeLines);
        Files.write(profile.resolve("esp_sa"), espLines);
        Path pcap = dir.resolve("ike.pcap");
        try (var out = Files.newOutputStream(pcap)) {
            PcapWriter w = new PcapWriter(out);
            long t = 1_765_000_000L;
            for (byte[] p : packets) w.write(Instant.ofEpochSecond(t++), p);
        }
        String text = tshark(
                profile,
                pcap,
                "-V",
                "-o",
                "esp.enable_encryption_decode:TRUE",
                "-o",
                "esp.enable_authentication_check:TRUE");
        String fields = tshark(
                profile,
                pcap,
                "-o",
                "esp.enable_encryption_decode:TRUE",
                "-o",
                "esp.enable_authentication_check:TRUE",
                "-T",
                "fields",
                "-E",
                "separator=|",
                "-e",
                "frame.number",
                "-e",
                "isakmp.exchangetype",
                "-e",
                "isakmp.id.data.ipv4_addr",
                "-e",
                "isakmp.auth.method",
                "-e",
                "icmp.type",
                "-e",
                "esp.icv_good",
                "-e",
                "esp.icv_bad");
        List<String> rows = fields.lines().filter(r -> r.matches("\\d+\\|.*")).toList();
        assertEquals(packets.size(), rows.size(), fields);
        for (int s = 0; s < SUITES.length; s++) {
            int base = s * 6;
            // frames 3 and 4 of each exchange: IKE_AUTH (35), decrypted: IDi / IDr (ipv4), AUTH method 2 (PSK)
            assertEquals((base + 3) + "|35|10.98.0.1|2|||", rows.get(base + 2), SUITES[s][0] + ":\n" + fields);
            assertEquals((base + 4) + "|35|10.98.0.2|2|||", rows.get(base + 3), SUITES[s][0] + ":\n" + fields);
            // frame 5: ESP with an ICMP echo request (type 8) inside, ICV [correct] (AEAD: decryption checks it)
            // frames 5 and 6: ESP, then ESP in UDP 4500, each with an ICMP echo request (type 8) inside and the
            // ICV [correct] (for AES-GCM the decryption checks it)
            for (int k = 4; k <= 5; k++) {
                String esp = rows.get(base + k);
                assertTrue(esp.startsWith((base + k + 1) + "||||8|1|"), SUITES[s][1] + ": " + esp + "\n" + fields);
                assertFalse(esp.endsWith("|1"), "ICV bad: " + esp);
            }
        }
        for (String payload : List.of(
                "Identification - Initiator",
                "Authentication",
                "Security Association",
                "Traffic Selector - Initiator",
                "Traffic Selector - Responder",
                "Decrypted Data")) {
            assertTrue(text.contains(payload), "tshark shows no " + payload + ":\n" + text);
        }
        System.out.println("tshark decrypted " + rows.size() + " frames with the key log:\n" + fields);
    }

    /** An ESP packet in tunnel mode from the initiator's outbound SA: ICMP echo 10.98.1.1 -> 10.98.2.1. */
    private static byte[] espPacket(IkeAction.InstallChild c, boolean udpEncap) throws Exception {
        byte[] icmp = {8, 0, 0, 0, 0x12, 0x34, 0, 1, 'j', 'i', 'p', 's', 'e', 'c', '!', '!'};
        int sum = checksum(icmp);
        icmp[2] = (byte) (sum >> 8);
        icmp[3] = (byte) sum;
        byte[] inner = ipv4("10.98.1.1", "10.98.2.1", 1, icmp);
        SaParameters p = new SaParameters(
                c.spiOut() & 0xffffffffL,
                IpsecProtocol.ESP,
                IpsecMode.TUNNEL,
                new Endpoint(IkeSaEngineTest.I.address()),
                new Endpoint(IkeSaEngineTest.R.address()),
                c.esp().encryption().row(),
                c.encrOut(),
                c.esp().integrity() == null ? null : c.esp().integrity().row(),
                c.esp().integrity() == null ? null : c.integOut(),
                SaFlags.CYCSEQ,
                64,
                false,
                udpEncap ? org.jipsec.core.xform.NatTraversal.of(4500, 4500) : null,
                0);
        SaContext sa = new SaContext(p, new SplittableRandom(1));
        var f = Xform.buffer(inner);
        assertEquals(null, new Xform(XformSettings.DEFAULTS, new XformStats()).output(sa, f));
        return f.toByteArray();
    }

    private static byte[] udp4(String src, String dst, int sport, int dport, byte[] payload) throws Exception {
        byte[] u = new byte[8 + payload.length];
        u[0] = (byte) (sport >> 8);
        u[1] = (byte) sport;
        u[2] = (byte) (dport >> 8);
        u[3] = (byte) dport;
        u[4] = (byte) (u.length >> 8);
        u[5] = (byte) u.length; // checksum 0: none (RFC 768, IPv4)
        System.arraycopy(payload, 0, u, 8, payload.length);
        return ipv4(src, dst, 17, u);
    }

    private static byte[] ipv4(String src, String dst, int proto, byte[] payload) throws Exception {
        byte[] p = new byte[20 + payload.length];
        p[0] = 0x45;
        p[2] = (byte) (p.length >> 8);
        p[3] = (byte) p.length;
        p[8] = 64;
        p[9] = (byte) proto;
        System.arraycopy(InetAddress.getByName(src).getAddress(), 0, p, 12, 4);
        System.arraycopy(InetAddress.getByName(dst).getAddress(), 0, p, 16, 4);
        int sum = checksum(java.util.Arrays.copyOf(p, 20));
        p[10] = (byte) (sum >> 8);
        p[11] = (byte) sum;
        System.arraycopy(payload, 0, p, 20, payload.length);
        return p;
    }

    private static int checksum(byte[] b) {
        long s = 0;
        for (int i = 0; i < b.length; i += 2) s += ((b[i] & 0xff) << 8) | (i + 1 < b.length ? b[i + 1] & 0xff : 0);
        while ((s >> 16) != 0) s = (s & 0xffff) + (s >> 16);
        return (int) (~s & 0xffff);
    }

    private static void requireTshark() {
        boolean ok;
        try {
            Process p = new ProcessBuilder("tshark", "--version")
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            ok = p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (Exception e) {
            ok = false;
        }
        if (ok) return;
        if ("true".equals(System.getenv("CI")))
            Assertions.fail("tshark is missing (CI=true): run scripts/install-peers");
        Assumptions.assumeTrue(false, "tshark is not installed");
    }

    /** tshark with the UAT files in {@code profile} as its personal configuration directory. */
    private String tshark(Path profile, Path pcap, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("tshark", "-n", "-r", pcap.toString()));
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile(dir, "tshark", ".txt");
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(out.toFile());
        Map<String, String> env = pb.environment();
        env.put("WIRESHARK_CONFIG_DIR", profile.toString());
        env.put("HOME", dir.toString());
        Process p = pb.start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            Assertions.fail("tshark timed out");
        }
        String s = Files.readString(out);
        assertEquals(0, p.exitValue(), s);
        return s;
    }
}
