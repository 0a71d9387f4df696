package org.jipsec.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.jipsec.core.ipsec.SaType;
import org.jipsec.core.pfkey.AlgorithmCatalog;
import org.jipsec.core.pfkey.Delivery;
import org.jipsec.core.pfkey.KeyEngine;
import org.jipsec.core.pfkey.KeySettings;
import org.jipsec.core.pfkey.ListPolicyStore;
import org.jipsec.core.pfkey.Outcome;
import org.jipsec.core.pfkey.Sadb;
import org.jipsec.core.pfkey.StoredPolicy;
import org.jipsec.core.sad.SecurityAssociation;
import org.jipsec.core.setkey.EmbeddedKeyChannel;
import org.jipsec.core.setkey.HostResolver;
import org.jipsec.core.setkey.SetkeyMessages;
import org.jipsec.core.setkey.SetkeyParser;
import org.jipsec.core.setkey.SetkeyStatement;
import org.junit.jupiter.api.Test;

/** The reload diff over a key engine: unchanged entries stay (the same objects), only what changed moves. */
class ConfigDiffTest {

    static final String K1 = ConfigPlanTest.KEY;
    static final String K2 = "0xfedcba9876543210fedcba9876543210a1a2a3a4";

    static final String BASE = """
            add 10.0.0.1 10.0.0.2 esp 0x1001 -m transport -E aes-gcm-16 %s ;
            add 10.0.0.2 10.0.0.1 esp 0x1002 -m transport -E aes-gcm-16 %s ;
            spdadd 10.0.0.1 10.0.0.2 any -P out ipsec esp/transport//require ;
            spdadd 10.0.0.2 10.0.0.1 any -P in ipsec esp/transport//unique ;
            """.formatted(K1, K2);

    final KeyEngine engine = new KeyEngine(
            new KeySettings(),
            () -> 1_700_000_000L,
            new SplittableRandom(1),
            new ListPolicyStore(() -> 1_700_000_000L, () -> 1000),
            AlgorithmCatalog.TABLE);
    /** A PF_KEY listener: what it is told of each change. */
    final long listener = engine.openSocket();

    final List<Integer> heard = new ArrayList<>();
    Installed installed = Installed.NONE;

    ConfigDiff load(String text) throws ConfigException {
        ConfigPlan plan = ConfigPlan.parse(text, HostResolver.NUMERIC, AlgorithmCatalog.TABLE);
        ConfigDiff d = ConfigDiff.compute(plan, installed, engine);
        ConfigDiff.Applied a = d.apply(engine, 77, this::hear);
        assertEquals(List.of(), a.failedLines());
        installed = a.installed();
        plan.wipe();
        assertEquals(List.of(), engine.checkInvariants());
        return d;
    }

    void hear(Outcome o) {
        for (Delivery d : o.deliveries())
            if (d.socketId() == listener && !d.promiscCopy())
                heard.add(d.message().type());
    }

    SecurityAssociation sa(int spi) {
        return engine.sad().snapshot(SaType.ESP).stream()
                .filter(s -> s.spi() == spi)
                .findFirst()
                .orElseThrow();
    }

    List<Integer> policyIds() {
        return engine.policies().snapshot().stream().map(StoredPolicy::id).toList();
    }

    /** setkey -c on the engine: SAs and policies added over PF_KEY, not by the configuration. */
    void pfkey(String text) throws Exception {
        try (EmbeddedKeyChannel ch = new EmbeddedKeyChannel(engine)) {
            for (SetkeyStatement s : SetkeyParser.parse(text)) {
                assertEquals(0, ch.exchange(SetkeyMessages.build(s, 5)).get(0).errno(), s::toString);
            }
        }
    }

    @Test
    void anUnchangedFileKeepsEverySaAndPolicyWithItsState() throws Exception {
        ConfigDiff first = load(BASE);
        assertEquals(2, first.addedSas().size());
        assertEquals(List.of(Sadb.SADB_ADD, Sadb.SADB_ADD, Sadb.SADB_X_SPDADD, Sadb.SADB_X_SPDADD), heard);
        SecurityAssociation out = sa(0x1001), in = sa(0x1002);
        out.setSequence(1234);
        out.recordUse(1500, 1_700_000_000L);
        List<Integer> ids = policyIds();
        heard.clear();

        ConfigDiff again = load(BASE);
        assertTrue(again.empty(), again.summary());
        assertEquals(
                "kept 2 SAs and 2 policies, removed 0 SAs and 0 policies, added 0 SAs and 0 policies", again.summary());
        assertSame(out, sa(0x1001), "the same SA object: its transform state stays");
        assertSame(in, sa(0x1002));
        assertEquals(1234, sa(0x1001).sequence());
        assertEquals(1500, sa(0x1001).bytes());
        assertEquals(ids, policyIds(), "policy ids unchanged (the unique one too)");
        assertEquals(List.of(), heard, "nothing to tell PF_KEY listeners");
    }

    @Test
    void aOneSidedAdditionOnlyAdds() throws Exception {
        load(BASE);
        SecurityAssociation out = sa(0x1001);
        List<Integer> ids = policyIds();
        heard.clear();
        ConfigDiff d = load(BASE + """
                add 10.0.0.1 10.0.0.9 esp 0x2001 -E aes-gcm-16 %s ;
                spdadd 10.0.0.1 10.0.0.9 any -P out ipsec esp/transport//require ;
                """.formatted(K1));
        assertEquals(
                "kept 2 SAs and 2 policies, removed 0 SAs and 0 policies, added 1 SAs and 1 policies", d.summary());
        assertSame(out, sa(0x1001));
        assertEquals(ids, policyIds().subList(0, 2));
        assertEquals(List.of(Sadb.SADB_ADD, Sadb.SADB_X_SPDADD), heard);
        assertEquals(3, engine.sad().size());
        assertEquals(3, installed.sas().size());
        // and taking it out again removes only it
        heard.clear();
        ConfigDiff back = load(BASE);
        assertEquals(
                "kept 2 SAs and 2 policies, removed 1 SAs and 1 policies, added 0 SAs and 0 policies", back.summary());
        assertEquals(List.of(Sadb.SADB_DELETE, Sadb.SADB_X_SPDDELETE2), heard);
        assertSame(out, sa(0x1001));
    }

    @Test
    void aChangedKeyOrPolicyIsReplacedAndOnlyThat() throws Exception {
        load(BASE);
        SecurityAssociation out = sa(0x1001), in = sa(0x1002);
        int outPolicy = policyIds().get(1);
        ConfigDiff d =
                load(BASE.replace("0x1001 -m transport -E aes-gcm-16 " + K1, "0x1001 -m transport -E aes-gcm-16 " + K2)
                        .replace("out ipsec esp/transport//require", "out ipsec esp/transport//use"));
        assertEquals(
                "kept 1 SAs and 1 policies, removed 1 SAs and 1 policies, added 1 SAs and 1 policies", d.summary());
        assertNotSame(out, sa(0x1001), "new keys: a new SA");
        assertTrue(out.keysZeroed(), "the old SA died, keys zeroed");
        assertSame(in, sa(0x1002));
        assertFalse(policyIds().contains(outPolicy));
        // reqid, mode, replay window, lifetimes count as configuration too
        for (String change : List.of(
                "0x1002 -m tunnel",
                "0x1002 -m transport -u 7",
                "0x1002 -m transport -r 4",
                "0x1002 -m transport -lh 100 -ls 50")) {
            SecurityAssociation before = sa(0x1002);
            load(BASE.replace("0x1002 -m transport", change));
            assertNotSame(before, sa(0x1002), change);
            SecurityAssociation changed = sa(0x1002);
            load(BASE.replace("0x1002 -m transport", change));
            assertSame(changed, sa(0x1002), "stable once changed: " + change);
        }
    }

    @Test
    void pfkeyAddedEntriesStayUnlessTheFileFlushesThem() throws Exception {
        load(BASE);
        pfkey("add 10.0.0.5 10.0.0.6 esp 0x3001 -E aes-gcm-16 %s ;\nspdadd 10.0.0.5 10.0.0.6 any -P out none ;\n"
                .formatted(K1));
        load(BASE);
        assertEquals(3, engine.sad().size());
        assertEquals(3, engine.policies().size());
        SecurityAssociation out = sa(0x1001);
        ConfigDiff flushed = load("flush;\nspdflush;\n" + BASE);
        assertEquals(
                "kept 2 SAs and 2 policies, removed 1 SAs and 1 policies, added 0 SAs and 0 policies",
                flushed.summary());
        assertSame(out, sa(0x1001), "flush; then the same add: kept");
        assertEquals(2, engine.sad().size());
    }

    @Test
    void anSaEqualToOneAddedOverPfkeyIsAdopted() throws Exception {
        pfkey("add 10.0.0.1 10.0.0.2 esp 0x1001 -m transport -E aes-gcm-16 %s ;\n".formatted(K1));
        SecurityAssociation byHand = sa(0x1001);
        ConfigDiff d = load(BASE);
        assertEquals(1, d.keptSas().size());
        assertSame(byHand, sa(0x1001));
        assertTrue(installed.contains(byHand));
    }

    @Test
    void aConflictWithWhatTheFileDidNotInstallIsRefusedAndChangesNothing() throws Exception {
        load(BASE);
        pfkey("add 10.0.0.1 10.0.0.2 esp 0x4001 -E aes-gcm-16 %s ;\nspdadd 10.0.0.7 10.0.0.8 any -P out none ;\n"
                .formatted(K2));
        List<SecurityAssociation> before = new ArrayList<>(engine.sad().snapshot(SaType.ESP));
        List<Integer> ids = policyIds();
        heard.clear();
        String sa = assertThrows(ConfigException.class, () -> load("""
                add 10.0.0.1 10.0.0.2 esp 0x4001 -E aes-gcm-16 %s ;
                """.formatted(K1)))
                .getMessage();
        assertEquals(
                "line 1: SPI 0x4001 is in use by an SA this configuration did not install (esp 10.0.0.1 -> "
                        + "10.0.0.2 reqid 0)",
                sa);
        String sp = assertThrows(
                        ConfigException.class,
                        () -> load(BASE + "spdadd 10.0.0.7 10.0.0.8 any -P out ipsec esp/transport//require ;\n"))
                .getMessage();
        assertTrue(
                sp.startsWith("line 5: a policy with this selector exists that this configuration did not install"),
                sp);
        assertEquals(before, engine.sad().snapshot(SaType.ESP));
        assertEquals(ids, policyIds());
        assertEquals(List.of(), heard);
        // spdupdate replaces it, as setkey would
        ConfigDiff u = load(BASE + "spdupdate 10.0.0.7 10.0.0.8 any -P out ipsec esp/transport//require ;\n");
        assertEquals(1, u.removedPolicies().size());
        assertEquals(1, u.addedPolicies().size());
    }

    /**
     * ESP with lifetimes, null encryption, NAT-T, AH, IPComp, TCP-MD5, ChaCha20; policies with ports, a bundle, a
     * manual unique reqid. The SAs of mode any and reqid 0 join the tunnel head of 0x5001 (key_api_add, CMP_REQID),
     * whose mode and reqid they then report: compared by what their add asked for.
     */
    @Test
    void everyKindOfSaIsRecognisedAsUnchanged() throws Exception {
        String all = """
                add 10.0.0.1 10.0.0.2 esp 0x5001 -m tunnel -u 9 -r 4 -E aes-cbc 0x00112233445566778899aabbccddeeff -A hmac-sha256 0x00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff -lh 3600 -ls 3000 -bh 100000 -bs 90000 ;
                add 10.0.0.1 10.0.0.2 esp 0x5002 -E null -A hmac-sha1 0x00112233445566778899aabbccddeeff00112233 ;
                add 10.0.0.1[4500] 10.0.0.2[4500] esp-udp 0x5003 -E aes-gcm-16 %s ;
                add 10.0.0.1 10.0.0.2 ah 0x5004 -A hmac-sha512 0x00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff ;
                add 10.0.0.1 10.0.0.2 ipcomp 0x5005 -C deflate ;
                add 10.0.0.1 10.0.0.2 tcp 0x5006 -A tcp-md5 "secret" ;
                add 10.0.0.1 10.0.0.2 esp 0x5007 -E chacha20-poly1305 0x00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff00112233 ;
                spdadd 10.0.0.0/24[80] 10.0.1.0/24 tcp -P out ipsec ipcomp/transport//use esp/tunnel/10.0.0.1-10.0.0.2/unique:9 ;
                spdadd 10.0.1.0/24 10.0.0.0/24 any -P in discard ;
                """.formatted(K1);
        ConfigDiff first = load(all);
        assertEquals(7, first.addedSas().size());
        List<SecurityAssociation> before = new ArrayList<>();
        for (SaType t : SaType.values())
            if (t != SaType.UNSPEC) before.addAll(engine.sad().snapshot(t));
        List<Integer> ids = policyIds();
        ConfigDiff again = load(all);
        assertTrue(again.empty(), again.summary() + " " + again.removedSas());
        List<SecurityAssociation> after = new ArrayList<>();
        for (SaType t : SaType.values())
            if (t != SaType.UNSPEC) after.addAll(engine.sad().snapshot(t));
        assertEquals(before.size(), after.size());
        for (int i = 0; i < before.size(); i++) assertSame(before.get(i), after.get(i), before.get(i)::toString);
        assertEquals(ids, policyIds());
    }
}
