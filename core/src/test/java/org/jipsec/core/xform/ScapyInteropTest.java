package org.jipsec.core.xform;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jipsec.core.crypto.Algorithm;
import org.jipsec.core.ipsec.IpsecMode;
import org.jipsec.core.ipsec.IpsecProtocol;
import org.jipsec.core.net.PacketBuffer;
import org.jipsec.testkit.RequiresTool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Interop with scapy 2.5's independent ESP/AH implementation, both directions: packets jipsec protects, scapy
 * verifies and decrypts; packets scapy protects, jipsec verifies and decrypts — for every algorithm scapy has,
 * ESP and AH, transport and tunnel, IPv4 and IPv6, NAT-T, and ESN with the AEADs (scapy folds ESN into the ICV
 * only for AEADs in ESP, peers.md; for AH it appends the high half as RFC 4302 §3.3.3.1.1 says). Every failing case is listed before the test fails.
 */
@RequiresTool("scapy")
class ScapyInteropTest {

    /** jipsec setkey name, scapy name, key length in bytes (salt included). */
    private record Alg(String jipsec, String scapy, int keyBytes, boolean aead) {}

    private static final List<Alg> CIPHERS = List.of(
            new Alg("null", "NULL", 0, false),
            new Alg("aes-cbc", "AES-CBC", 16, false),
            new Alg("aes-cbc", "AES-CBC", 32, false),
            new Alg("aes-ctr", "AES-CTR", 20, false),
            new Alg("des-cbc", "DES", 8, false),
            new Alg("3des-cbc", "3DES", 24, false),
            new Alg("cast128-cbc", "CAST", 16, false),
            new Alg("blowfish-cbc", "Blowfish", 16, false),
            new Alg("aes-gcm-16", "AES-GCM", 20, true),
            new Alg("aes-gcm-16", "AES-GCM", 36, true),
            new Alg("aes-ccm-16", "AES-CCM", 19, true),
            new Alg("chacha20-poly1305", "CHACHA20-POLY1305", 36, true));

    private static final List<Alg> MACS = List.of(
            new Alg("hmac-md5", "HMAC-MD5-96", 16, false),
            new Alg("hmac-sha1", "HMAC-SHA1-96", 20, false),
            new Alg("hmac-sha2-256", "SHA2-256-128", 32, false),
            new Alg("hmac-sha2-384", "SHA2-384-192", 48, false),
            new Alg("hmac-sha2-512", "SHA2-512-256", 64, false),
            new Alg("aes-cmac-96", "AES-CMAC-96", 16, false));

    private record Family(String name, String hostA, String hostB, String innerA, String innerB) {}

    private static final List<Family> FAMILIES = List.of(
            new Family("IPv4", "192.0.2.1", "192.0.2.2", "10.1.0.1", "10.2.0.1"),
            new Family("IPv6", "2001:db8::1", "2001:db8::2", "2001:db8:1::1", "2001:db8:2::1"));

    /** One case: a jipsec SA, the matching scapy job fields, and the cleartext packet. */
    private record Case(String name, SaParameters sa, String scapyJobFields, byte[] clear, long seq) {}

    private final List<Case> cases = new ArrayList<>();
    private long spi = 0x1000;

    private static byte[] key(int n, int seed) {
        byte[] k = new byte[n];
        for (int i = 0; i < n; i++) k[i] = (byte) (seed * 31 + i * 7 + 1);
        return k;
    }

    private void add(
            String what, IpsecProtocol proto, Alg enc, Alg mac, IpsecMode mode, Family fam, boolean natT, boolean esn) {
        long s = spi++;
        byte[] ek = enc == null ? null : key(enc.keyBytes(), (int) s);
        byte[] ak = mac == null ? null : key(mac.keyBytes(), (int) s + 7);
        boolean tunnel = mode == IpsecMode.TUNNEL;
        String src = tunnel ? fam.innerA() : fam.hostA(), dst = tunnel ? fam.innerB() : fam.hostB();
        byte[] clear =
                TestSas.udp(src, dst, 1234, 5678, ("jipsec interop " + what).getBytes(StandardCharsets.US_ASCII));
        Algorithm e = enc == null ? null : TestSas.enc(enc.jipsec());
        Algorithm a = mac == null ? null : TestSas.auth(mac.jipsec());
        SaParameters p = new SaParameters(
                s,
                proto,
                mode,
                TestSas.ep(fam.hostA()),
                TestSas.ep(fam.hostB()),
                e,
                ek,
                a,
                ak,
                SaFlags.CYCSEQ,
                64,
                esn,
                natT ? NatTraversal.of(4500, 4500) : null,
                0);
        long seq = esn ? (1L << 32) + 7 : 7;
        StringBuilder j = new StringBuilder();
        j.append("\"proto\": \"")
                .append(proto == IpsecProtocol.ESP ? "ESP" : "AH")
                .append("\", \"spi\": ")
                .append(s);
        j.append(", \"seq\": ").append(seq & 0xffffffffL);
        if (enc != null)
            j.append(", \"crypt_algo\": \"")
                    .append(enc.scapy())
                    .append("\", \"crypt_key\": \"")
                    .append(hex(ek))
                    .append('"');
        if (mac != null)
            j.append(", \"auth_algo\": \"")
                    .append(mac.scapy())
                    .append("\", \"auth_key\": \"")
                    .append(hex(ak))
                    .append('"');
        if (tunnel)
            j.append(", \"tunnel\": [\"")
                    .append(fam.hostA())
                    .append("\", \"")
                    .append(fam.hostB())
                    .append("\"]");
        if (natT) j.append(", \"nat_t\": [4500, 4500]");
        if (esn) j.append(", \"esn_en\": true, \"esn\": ").append(seq >>> 32);
        String name = proto.keyword() + " " + (enc == null ? "" : enc.jipsec() + "/" + enc.keyBytes() * 8 + " ")
                + (mac == null ? "" : mac.jipsec() + " ") + mode.keyword() + " " + fam.name() + (natT ? " nat-t" : "")
                + (esn ? " esn" : "");
        cases.add(new Case(name, p, j.toString(), clear, seq));
    }

    private void buildCases() {
        for (Family fam : FAMILIES) {
            for (IpsecMode mode : List.of(IpsecMode.TRANSPORT, IpsecMode.TUNNEL)) {
                for (Alg c : CIPHERS)
                    add("esp", IpsecProtocol.ESP, c, c.aead() ? null : MACS.get(2), mode, fam, false, false);
                for (Alg m : MACS) add("esp-mac", IpsecProtocol.ESP, CIPHERS.get(1), m, mode, fam, false, false);
                add("esp-null-null", IpsecProtocol.ESP, CIPHERS.get(0), null, mode, fam, false, false);
                for (Alg m : MACS) add("ah", IpsecProtocol.AH, null, m, mode, fam, false, false);
                add("nat-t gcm", IpsecProtocol.ESP, CIPHERS.get(8), null, mode, fam, true, false);
                add("nat-t cbc", IpsecProtocol.ESP, CIPHERS.get(1), MACS.get(2), mode, fam, true, false);
                for (Alg c : CIPHERS) if (c.aead()) add("esn", IpsecProtocol.ESP, c, null, mode, fam, false, true);
                add(
                        "ah-esn",
                        IpsecProtocol.AH,
                        null,
                        MACS.get(2),
                        mode,
                        fam,
                        false,
                        true); // scapy appends ESN high bits for AH
            }
        }
    }

    @Test
    void bothDirectionsEveryAlgorithm(@TempDir Path dir) throws Exception {
        Peers.requireScapy();
        buildCases();
        List<String> failures = new ArrayList<>();
        StringBuilder jobs = new StringBuilder("[");
        // jipsec protects → scapy decrypts
        List<byte[]> protectedByJipsec = new ArrayList<>();
        for (Case c : cases) {
            SaContext sa = TestSas.ctx(c.sa());
            sa.setNextSequence(c.seq());
            PacketBuffer f = Xform.buffer(c.clear());
            DropReason r = new Xform(XformSettings.DEFAULTS, new XformStats()).output(sa, f);
            if (r != null) failures.add(c.name() + ": jipsec output dropped: " + r);
            byte[] out = r == null ? f.toByteArray() : c.clear();
            protectedByJipsec.add(out);
            if (jobs.length() > 1) jobs.append(",\n");
            jobs.append("{\"op\": \"decrypt\", ")
                    .append(c.scapyJobFields())
                    .append(", \"packet\": \"")
                    .append(hex(out))
                    .append("\"}");
        }
        // scapy protects → jipsec decrypts
        for (Case c : cases) {
            jobs.append(",\n{\"op\": \"encrypt\", ")
                    .append(c.scapyJobFields())
                    .append(", \"packet\": \"")
                    .append(hex(c.clear()))
                    .append("\"}");
        }
        jobs.append("]");
        Path jobFile = dir.resolve("jobs.json");
        Files.writeString(jobFile, jobs);
        Path script = Peers.resource("interop/scapy_ipsec.py", dir);
        Path results = dir.resolve("results.json");
        Peers.run(List.of(Peers.PYTHON, script.toString(), jobFile.toString(), results.toString()), dir);
        List<String[]> res = parseResults(Files.readString(results));
        assertTrue(
                res.size() == 2 * cases.size(), "scapy answered " + res.size() + " of " + 2 * cases.size() + " jobs");
        for (int i = 0; i < cases.size(); i++) {
            Case c = cases.get(i);
            String[] dec = res.get(i);
            if (!dec[0].equals("true")) failures.add(c.name() + ": scapy could not decrypt jipsec's packet: " + dec[2]);
            else if (!dec[1].equals(hex(c.clear())))
                failures.add(c.name() + ": scapy decrypted jipsec's packet to\n    " + dec[1] + "\n  want "
                        + hex(c.clear()));
            String[] enc = res.get(cases.size() + i);
            if (!enc[0].equals("true")) {
                failures.add(c.name() + ": scapy could not encrypt: " + enc[2]);
                continue;
            }
            SaContext sa = TestSas.ctx(c.sa());
            if (c.sa().esn()) sa.replayWindow().commit(c.seq() - 1);
            PacketBuffer f = Xform.buffer(HexFormat.of().parseHex(enc[1]));
            InboundTrace t = new InboundTrace();
            Xform x = new Xform(XformSettings.DEFAULTS, new XformStats());
            DropReason r = x.input(f, TestSas.lookup(sa), t);
            if (r != null) failures.add(c.name() + ": jipsec dropped scapy's packet: " + r + "\n    " + enc[1]);
            else if (!hex(f.toByteArray()).equals(hex(c.clear())))
                failures.add(c.name() + ": jipsec decrypted scapy's packet to\n    " + hex(f.toByteArray())
                        + "\n  want " + hex(c.clear()));
            else if (t.seq() != c.seq()) failures.add(c.name() + ": sequence number " + t.seq() + " want " + c.seq());
        }
        assertTrue(
                failures.isEmpty(),
                failures.size() + " of " + 2 * cases.size() + " checks failed:\n" + String.join("\n", failures));
    }

    private static final Pattern RESULT = Pattern.compile(
            "\\{\"ok\": (true|false), \"packet\": \"([0-9a-f]*)\", \"error\": \"((?:[^\"\\\\]|\\\\.)*)\"\\}");

    private static List<String[]> parseResults(String json) {
        List<String[]> out = new ArrayList<>();
        Matcher m = RESULT.matcher(json);
        while (m.find()) out.add(new String[] {m.group(1), m.group(2), m.group(3)});
        return out;
    }

    private static String hex(byte[] b) {
        return b == null ? "" : HexFormat.of().formatHex(b);
    }
}
