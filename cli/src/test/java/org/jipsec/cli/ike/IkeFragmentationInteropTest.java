package org.jipsec.cli.ike;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jipsec.io.netns.CommandResult;
import org.jipsec.testkit.RequiresRoot;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #15 item 3 from the outside (RFC 7383): a path that drops IP fragments (nftables in both namespaces drops
 * every IPv4 fragment before reassembly) and an IKE_AUTH larger than the veth's 1500-octet MTU (an ESP proposal
 * list of 45 proposals, about 2 kB). With the default fragmentation = yes and fragment_size 1280 on both sides the
 * IKE_AUTH crosses in Encrypted Fragment payloads — strongSwan 5.9.8 fragments towards jipsec iked and jipsec iked
 * towards strongSwan — and a ping flows; with fragmentation = no at jipsec the same IKE_AUTH never arrives.
 */
@RequiresRoot
class IkeFragmentationInteropTest {

    @TempDir
    Path dir;

    @BeforeAll
    static void tools() throws Exception {
        IkeLab.needStrongSwan();
    }

    /**
     * charon's long list: strongSwan sends ESP proposals without their DH groups in IKE_AUTH (and merges what
     * becomes equal), so its list differs by cipher and integrity: 43 proposals, aes128gcm16 first.
     */
    static String charonsEspProposals() {
        List<String> p = new ArrayList<>(List.of("aes128gcm16"));
        for (String e : List.of("aes128", "aes192", "aes256", "aes128ctr", "aes192ctr", "aes256ctr", "3des")) {
            for (String i : List.of("sha1", "sha256", "sha384", "sha512", "md5", "aesxcbc")) p.add(e + "-" + i);
        }
        return String.join(", ", p);
    }

    /** 45 ESP proposals (jipsec sends their DH groups too), the one both pick (aes128gcm16) first. */
    static String manyEspProposals() {
        List<String> p = new ArrayList<>();
        for (String e : List.of(
                "aes128gcm16",
                "aes256gcm16",
                "chacha20poly1305",
                "aes128-sha256",
                "aes256-sha256",
                "aes128-sha384",
                "aes256-sha384",
                "aes128-sha512",
                "aes256-sha512")) {
            p.add(e);
            for (String dh : List.of("modp2048", "ecp256", "ecp384", "x25519")) p.add(e + "-" + dh);
        }
        return String.join(", ", p);
    }

    /** Drops every IPv4 fragment entering {@code ns}, ahead of conntrack's defragmentation (priority -400). */
    static void dropFragments(IkeLab lab, String ns) throws Exception {
        Path rules = lab.dir.resolve("nofrag-" + ns + ".nft");
        Files.writeString(
                rules,
                String.join(
                        "\n",
                        "table ip nofrag {",
                        "  chain pre {",
                        "    type filter hook prerouting priority -450; policy accept;",
                        "    ip frag-off & 0x3fff != 0 counter drop",
                        "  }",
                        "}",
                        ""));
        IkeLab.check(lab.net.exec(ns, Duration.ofSeconds(10), "nft", "-f", rules.toString()));
    }

    SwanctlConf conf(IkeLab lab) {
        return SwanctlConf.of("ss", lab.leftAddr, lab.rightAddr, lab.leftInner + "/32", lab.rightInner + "/32")
                .withProposals("aes128gcm16-prfsha256-x25519", manyEspProposals());
    }

    static String charonLog(Charon c) {
        return JipsecIked.read(c.dir.resolve("charon.log"));
    }

    @Test
    void strongSwanFragmentsItsIkeAuthToJipsec() throws Exception {
        try (IkeLab lab = IkeLab.direct(dir)) {
            lab.run(() -> {
                dropFragments(lab, lab.left);
                dropFragments(lab, lab.right);
                SwanctlConf c = conf(lab).withProposals("aes128gcm16-prfsha256-x25519", "aes128gcm16");
                Charon right = Charon.start(lab, lab.right, "right");
                right.load(c.withProposals("aes128gcm16-prfsha256-x25519", charonsEspProposals())
                        .mirror("none"));
                JipsecIked left = JipsecIked.startGateway(lab, lab.left, "left", lab.leftInner, lab.rightInner);
                left.startIked(c.withStart("none"));
                CommandResult r = right.initiate("ss", 30);
                assertTrue(r.ok(), "swanctl --initiate: " + r.stdout() + r.stderr());
                SaList.IkeSa sa = right.awaitEstablished("ss", Duration.ofSeconds(5));
                StrongSwanInteropTest.awaitChildInJipsec(left, sa.children().get(0));
                assertTrue(charonLog(right).contains("fragments"), "charon split its IKE_AUTH:\n" + charonLog(right));
                Traffic.PingCount p = Traffic.ping(lab, lab.left, lab.leftInner, lab.rightInner, 5, 0.2);
                assertEquals(5, p.received(), "ping through the tunnel " + p);
            });
        }
    }

    @Test
    void jipsecFragmentsItsIkeAuthToStrongSwan() throws Exception {
        try (IkeLab lab = IkeLab.direct(dir)) {
            lab.run(() -> {
                dropFragments(lab, lab.left);
                dropFragments(lab, lab.right);
                SwanctlConf c = conf(lab);
                Charon right = Charon.start(lab, lab.right, "right");
                right.load(c.mirror("none"));
                JipsecIked left = JipsecIked.startGateway(lab, lab.left, "left", lab.leftInner, lab.rightInner);
                left.startIked(c.withStart("start"));
                SaList.IkeSa sa = right.awaitEstablished("ss", Duration.ofSeconds(30));
                StrongSwanInteropTest.awaitChildInJipsec(left, sa.children().get(0));
                assertTrue(
                        charonLog(right).contains("received fragment #"),
                        "charon reassembled jipsec's IKE_AUTH:\n" + charonLog(right));
                Traffic.PingCount p = Traffic.ping(lab, lab.left, lab.leftInner, lab.rightInner, 5, 0.2);
                assertEquals(5, p.received(), "ping through the tunnel " + p);
            });
        }
    }

    @Test
    void withFragmentationNoTheLargeIkeAuthNeverArrives() throws Exception {
        try (IkeLab lab = IkeLab.direct(dir)) {
            lab.run(() -> {
                dropFragments(lab, lab.left);
                dropFragments(lab, lab.right);
                SwanctlConf c = conf(lab).withProposals("aes128gcm16-prfsha256-x25519", "aes128gcm16");
                Charon right = Charon.start(lab, lab.right, "right", "retransmit_timeout = 1", "retransmit_tries = 1");
                right.load(c.withProposals("aes128gcm16-prfsha256-x25519", charonsEspProposals())
                        .mirror("none"));
                JipsecIked left = JipsecIked.startGateway(lab, lab.left, "left", lab.leftInner, lab.rightInner);
                Files.writeString(
                        left.config,
                        c.withStart("none")
                                .text(false)
                                .replace("    mobike = no\n", "    mobike = no\n    fragmentation = no\n"));
                left.startIked();
                CommandResult r = right.initiate("ss", 10);
                assertFalse(
                        r.ok(), "established although the IKE_AUTH could only cross in IP fragments: " + r.stdout());
                assertFalse(charonLog(right).contains("fragments"), charonLog(right));
            });
        }
    }
}
