package org.jipsec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.jipsec.core.ike.crypto.IkeTransforms;
import org.jipsec.core.ikekernel.ChildSaInstall;
import org.jipsec.core.ikekernel.DeleteSa;
import org.jipsec.core.ikekernel.GetSpi;
import org.jipsec.core.ikekernel.KernelEvent;
import org.jipsec.core.ikekernel.Lifetimes;
import org.jipsec.core.ikekernel.NatT;
import org.jipsec.core.ikekernel.SpdAdd;
import org.jipsec.core.ipsec.Endpoint;
import org.jipsec.core.ipsec.IpsecMode;
import org.jipsec.core.ipsec.PolicyDirection;
import org.jipsec.core.ipsec.SaType;
import org.jipsec.core.pfkey.PolicySelector;
import org.jipsec.io.ike.PfkeyKernel;
import org.jipsec.io.netns.NetnsLab;
import org.jipsec.io.netns.VethPair;
import org.jipsec.testkit.RequiresRoot;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The IKE daemon's kernel interface ({@link PfkeyKernel}) against the real jipsecd: the gateway as a child process
 * with a TUN in a namespace. A trap (unique) policy via X_SPDADD; a ping into the TUN matching it without an SA makes
 * the data plane send SADB_ACQUIRE, which arrives with the policy id and resolves (X_SPDGET) to the selector and
 * reqid; GETSPI with the ACQUIRE's seq → UPDATE with lifetimes and NAT-T, ADD of the outbound SA: `jipsec setkey -D`
 * (another process) shows both with their algorithms, lifetimes and ports; traffic on the outbound SA with a
 * 2-second soft lifetime brings a soft SADB_EXPIRE; DELETE removes it. Root only.
 */
@RequiresRoot
class IkedKernelAgainstGatewayTest {

    @TempDir
    Path dir;

    @BeforeAll
    static void needRoot() {
        if (!NetnsLab.available() && "true".equals(System.getenv("CI")))
            throw new AssertionError("CI needs root and iproute2");
        org.junit.jupiter.api.Assumptions.assumeTrue(
                NetnsLab.available(), "needs root and iproute2 (network namespaces)");
    }

    static Endpoint ep(String a) throws Exception {
        return new Endpoint(InetAddress.getByName(a));
    }

    static String java() {
        return ProcessHandle.current().info().command().orElse("java");
    }

    String setkeyDump(Path pfkey) throws Exception {
        Process s = new ProcessBuilder(
                        java(),
                        "--enable-native-access=ALL-UNNAMED",
                        "-cp",
                        System.getProperty("java.class.path"),
                        "org.jipsec.cli.Main",
                        "setkey",
                        "--pfkey",
                        pfkey.toString(),
                        "-D")
                .redirectErrorStream(true)
                .start();
        String out = new String(s.getInputStream().readAllBytes());
        assertTrue(s.waitFor(60, TimeUnit.SECONDS));
        return out;
    }

    @Test
    void trapAcquireGetspiUpdateAddExpireDelete() throws Exception {
        try (GatewayLab g = new GatewayLab(dir)) {
            String a = g.lab.namespace(), b = g.lab.namespace();
            VethPair v = g.lab.veth(a, b);
            g.lab.address(a, v.a(), "10.88.0.1/24");
            g.lab.address(b, v.b(), "10.88.0.2/24");
            Path pfkey = dir.resolve("run/pfkey");
            Path err = dir.resolve("gw.err");
            Process p = new ProcessBuilder(
                            "ip",
                            "netns",
                            "exec",
                            a,
                            java(),
                            "--enable-native-access=ALL-UNNAMED",
                            "-cp",
                            System.getProperty("java.class.path"),
                            "org.jipsec.cli.Main",
                            "gateway",
                            "--pfkey",
                            pfkey.toString(),
                            "--tun",
                            "jiptest15",
                            "--state-dir",
                            dir.resolve("state").toString())
                    .redirectOutput(dir.resolve("gw.out").toFile())
                    .redirectError(err.toFile())
                    .start();
            try {
                GatewayIkeHandoffTest.waitFor(
                        () -> GatewayIkeHandoffTest.read(dir.resolve("gw.out")).contains("running on jiptest15"),
                        p,
                        err);
                g.exec(a, 10, "ip", "addr", "add", "10.99.1.1/32", "dev", "lo");
                g.exec(a, 10, "ip", "route", "add", "10.99.2.0/24", "dev", "jiptest15", "src", "10.99.1.1");
                try (PfkeyKernel k = PfkeyKernel.open(pfkey, Duration.ofSeconds(10))) {
                    assertTrue(
                            k.supportedEncryption().stream().anyMatch(x -> x.id() == 20), "REGISTER lists aes-gcm-16");
                    PolicySelector sel =
                            new PolicySelector(PolicyDirection.OUTBOUND, ep("10.99.1.0"), 24, ep("10.99.2.0"), 24, 255);
                    int id = k.spdAdd(SpdAdd.trap(
                            sel, IpsecMode.TUNNEL, 9, Optional.of(ep("10.88.0.1")), Optional.of(ep("10.88.0.2"))));

                    g.exec(a, 10, "ping", "-c", "1", "-W", "1", "10.99.2.5");
                    KernelEvent ev = k.nextEvent(Duration.ofSeconds(10))
                            .orElseThrow(() -> new AssertionError("no ACQUIRE\n" + GatewayIkeHandoffTest.read(err)));
                    KernelEvent.Acquire acq = assertInstanceOf(KernelEvent.Acquire.class, ev);
                    assertEquals(ep("10.88.0.1"), acq.source());
                    assertEquals(ep("10.88.0.2"), acq.destination());
                    assertEquals(Optional.of(id), acq.policyId());
                    KernelEvent.Acquire r = k.resolve(acq);
                    assertEquals(sel, r.selector().orElseThrow());
                    assertEquals(9, r.reqid());

                    NatT nat = NatT.espInUdp(4500, 4500);
                    PfkeyKernel.Allocated larval = k.getSpi(
                            GetSpi.of(
                                    SaType.ESP,
                                    ep("10.88.0.2"),
                                    ep("10.88.0.1"),
                                    IpsecMode.TUNNEL,
                                    9,
                                    Optional.of(nat)),
                            acq.seq());
                    byte[] kin = new byte[20];
                    java.util.Arrays.fill(kin, (byte) 0x42);
                    k.update(
                            ChildSaInstall.esp(
                                    ep("10.88.0.2"),
                                    ep("10.88.0.1"),
                                    larval.spi(),
                                    IpsecMode.TUNNEL,
                                    9,
                                    IkeTransforms.encryption(20, 128).orElseThrow(),
                                    kin,
                                    null,
                                    new byte[0],
                                    64,
                                    new Lifetimes(0, 0, 2880, 3600),
                                    Optional.of(nat)),
                            larval);
                    byte[] ke = new byte[16];
                    byte[] ka = new byte[32];
                    ChildSaInstall out = ChildSaInstall.esp(
                            ep("10.88.0.1"),
                            ep("10.88.0.2"),
                            0x7e570001,
                            IpsecMode.TUNNEL,
                            9,
                            IkeTransforms.encryption(12, 128).orElseThrow(),
                            ke,
                            IkeTransforms.integrity(12).orElseThrow(),
                            ka,
                            64,
                            new Lifetimes(0, 0, 2, 60),
                            Optional.of(nat));
                    k.add(out);

                    String sad = setkeyDump(pfkey);
                    assertTrue(sad.contains("10.88.0.2[4500] 10.88.0.1[4500]"), sad);
                    assertTrue(sad.contains("spi=" + Integer.toUnsignedLong(larval.spi())), sad);
                    assertTrue(sad.contains("esp-udp mode=tunnel spi=" + Integer.toUnsignedLong(larval.spi())), sad);
                    assertTrue(
                            sad.contains("E: 20  42424242 42424242 42424242 42424242 42424242"),
                            "setkey -D shows the keys:\n" + sad);
                    assertTrue(sad.contains("hard: 3600(s)\tsoft: 2880(s)"), sad);
                    assertTrue(sad.contains("spi=2119630849(0x7e570001)"), sad);
                    assertTrue(sad.contains("hmac-sha256") && sad.contains("aes-cbc"), sad);
                    assertTrue(sad.contains("reqid=9"), sad);

                    // traffic on the outbound SA, then its 2-s soft lifetime runs out
                    g.exec(a, 10, "ping", "-c", "2", "-i", "0.2", "-W", "1", "10.99.2.5");
                    KernelEvent.Expire x = null;
                    for (int i = 0; i < 20 && x == null; i++) {
                        Optional<KernelEvent> e = k.nextEvent(Duration.ofSeconds(1));
                        if (e.isPresent() && e.get() instanceof KernelEvent.Expire ex) x = ex;
                    }
                    if (x == null) throw new AssertionError("no soft EXPIRE\n" + setkeyDump(pfkey));
                    assertFalse(x.hard());
                    assertEquals(0x7e570001, x.sa().spi());
                    assertEquals(9, x.reqid());
                    assertTrue(x.bytes() > 0, "current bytes " + x.bytes());

                    assertTrue(k.delete(new DeleteSa(out.sa())));
                    assertFalse(setkeyDump(pfkey).contains("0x7e570001"));
                    k.spdDelete(id);
                    assertTrue(k.spdDump().isEmpty());
                    assertFalse(GatewayIkeHandoffTest.read(err).contains("42424242"), "no key in the gateway log");
                }
                p.destroy();
                assertTrue(p.waitFor(20, TimeUnit.SECONDS));
            } finally {
                p.destroyForcibly();
            }
        }
    }
}
