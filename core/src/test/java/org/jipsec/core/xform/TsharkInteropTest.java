package org.jipsec.core.xform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.jipsec.core.crypto.Algorithm;
import org.jipsec.core.ipsec.IpsecMode;
import org.jipsec.core.ipsec.IpsecProtocol;
import org.jipsec.core.net.Bytes;
import org.jipsec.core.net.PacketBuffer;
import org.jipsec.testkit.RequiresTool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * tshark (Wireshark 4.0's independent ESP decoder) decrypts jipsec's ESP output and checks every ICV: each packet
 * must show {@code [correct]} and none {@code incorrect}, and the decrypted payload must be the original UDP
 * datagram — for each algorithm tshark knows (peers.md), IPv4 and IPv6, transport and tunnel, and NAT-T.
 */
@RequiresTool("tshark")
class TsharkInteropTest {

    /** jipsec names and the tshark uat strings. */
    private record Alg(
            String enc, int encKeyBytes, String tsharkEnc, String auth, int authKeyBytes, String tsharkAuth) {}

    private static final List<Alg> ALGS = List.of(
            new Alg("aes-gcm-16", 20, "AES-GCM with 16 octet ICV [RFC4106]", null, 0, "NULL"),
            new Alg("aes-gcm-16", 36, "AES-GCM with 16 octet ICV [RFC4106]", null, 0, "NULL"),
            new Alg("aes-cbc", 16, "AES-CBC [RFC3602]", "hmac-sha2-256", 32, "HMAC-SHA-256-128 [RFC4868]"),
            new Alg("aes-cbc", 32, "AES-CBC [RFC3602]", "hmac-sha1", 20, "HMAC-SHA-1-96 [RFC2404]"),
            new Alg("aes-ctr", 20, "AES-CTR [RFC3686]", "hmac-sha2-512", 64, "HMAC-SHA-512-256 [RFC4868]"),
            new Alg("3des-cbc", 24, "TripleDES-CBC [RFC2451]", "hmac-md5", 16, "HMAC-MD5-96 [RFC2403]"),
            new Alg("des-cbc", 8, "DES-CBC [RFC2405]", "hmac-sha2-384", 48, "HMAC-SHA-384-192 [RFC4868]"),
            new Alg("null", 0, "NULL", "hmac-sha2-256", 32, "HMAC-SHA-256-128 [RFC4868]"));

    @Test
    void tsharkVerifiesEveryIcv(@TempDir Path dir) throws Exception {
        Peers.requireTshark();
        List<byte[]> packets = new ArrayList<>();
        List<String> uats = new ArrayList<>();
        List<String> expectedPayloads = new ArrayList<>();
        long spi = 0x5000;
        for (Alg a : ALGS) {
            for (boolean v6 : new boolean[] {false, true}) {
                for (IpsecMode mode : List.of(IpsecMode.TRANSPORT, IpsecMode.TUNNEL)) {
                    for (boolean nat : new boolean[] {false, true}) {
                        spi++;
                        String ha = v6 ? "2001:db8::1" : "192.0.2.1", hb = v6 ? "2001:db8::2" : "192.0.2.2";
                        byte[] ek = key(a.encKeyBytes(), (int) spi), ak = key(a.authKeyBytes(), (int) spi + 3);
                        Algorithm auth = a.auth() == null ? null : TestSas.auth(a.auth());
                        SaParameters p = new SaParameters(
                                spi,
                                IpsecProtocol.ESP,
                                mode,
                                TestSas.ep(ha),
                                TestSas.ep(hb),
                                TestSas.enc(a.enc()),
                                ek,
                                auth,
                                ak,
                                SaFlags.CYCSEQ,
                                64,
                                false,
                                nat ? NatTraversal.of(4500, 4500) : null,
                                0);
                        SaContext sa = TestSas.ctx(p);
                        String ia = mode == IpsecMode.TUNNEL ? (v6 ? "2001:db8:1::1" : "10.1.0.1") : ha;
                        String ib = mode == IpsecMode.TUNNEL ? (v6 ? "2001:db8:2::1" : "10.2.0.1") : hb;
                        byte[] data = ("tshark " + spi).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
                        for (int i = 0; i < 2; i++) {
                            PacketBuffer f = Xform.buffer(TestSas.udp(ia, ib, 1234, 5678, data));
                            assertEquals(null, new Xform(XformSettings.DEFAULTS, new XformStats()).output(sa, f));
                            packets.add(f.toByteArray());
                            expectedPayloads.add(HexFormat.of().formatHex(data));
                        }
                        uats.add(String.format(
                                "uat:esp_sa:\"%s\",\"%s\",\"%s\",\"0x%08x\",\"%s\",\"0x%s\",\"%s\",\"%s\"",
                                v6 ? "IPv6" : "IPv4",
                                ha,
                                hb,
                                spi,
                                a.tsharkEnc(),
                                hex(ek),
                                a.tsharkAuth(),
                                a.auth() == null ? "" : "0x" + hex(ak)));
                    }
                }
            }
        }
        Path pcap = dir.resolve("esp.pcap");
        Files.write(pcap, pcapRaw(packets));
        List<String> cmd = new ArrayList<>(List.of(
                "tshark",
                "-n",
                "-r",
                pcap.toString(),
                "-o",
                "esp.enable_encryption_decode:TRUE",
                "-o",
                "esp.enable_authentication_check:TRUE",
                "-o",
                "esp.enable_null_encryption_decode_heuristic:FALSE",
                "-T",
                "fields",
                "-E",
                "separator=|",
                "-e",
                "frame.number",
                "-e",
                "esp.spi",
                "-e",
                "esp.icv_good",
                "-e",
                "esp.icv_bad",
                "-e",
                "data.data",
                "-e",
                "udp.payload"));
        for (String u : uats) {
            cmd.add("-o");
            cmd.add(u);
        }
        String out = Peers.run(cmd, dir);
        String[] lines = out.lines().filter(l -> l.matches("\\d+\\|.*")).toArray(String[]::new);
        assertEquals(packets.size(), lines.length, "tshark printed one line per packet:\n" + out);
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < lines.length; i++) {
            String l = lines[i];
            String[] f = l.split("\\|", -1);
            if (!f[2].contains("1") || f[3].contains("1"))
                failures.add("packet " + (i + 1) + ": ICV not [correct]: " + l);
            if (!l.contains(expectedPayloads.get(i)))
                failures.add("packet " + (i + 1) + ": decrypted payload not found: " + l);
        }
        assertTrue(
                failures.isEmpty(),
                failures.size() + " of " + lines.length + " packets:\n" + String.join("\n", failures));
    }

    private static byte[] key(int n, int seed) {
        byte[] k = new byte[n];
        for (int i = 0; i < n; i++) k[i] = (byte) (seed * 13 + i * 5 + 3);
        return k;
    }

    private static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    /** A classic pcap file of LINKTYPE_RAW (101) records. */
    static byte[] pcapRaw(List<byte[]> packets) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        byte[] h = new byte[24];
        Bytes.put32(h, 0, 0xa1b2c3d4);
        Bytes.put16(h, 4, 2);
        Bytes.put16(h, 6, 4);
        Bytes.put32(h, 16, 65535);
        Bytes.put32(h, 20, 101);
        o.writeBytes(h);
        int t = 1_700_000_000;
        for (byte[] p : packets) {
            byte[] r = new byte[16];
            Bytes.put32(r, 0, t++);
            Bytes.put32(r, 8, p.length);
            Bytes.put32(r, 12, p.length);
            o.writeBytes(r);
            o.writeBytes(p);
        }
        return o.toByteArray();
    }
}
