package org.jipsec.core.pfkey;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.util.List;
import java.util.SplittableRandom;
import org.jipsec.core.crypto.AlgorithmTable;
import org.junit.jupiter.api.Test;

/**
 * REGISTER against jipsec's one algorithm table: the SUPPORTED lists carry NetBSD's rows as spec §1.13 lists them
 * (ivlen = block size, bits = key bits). Skipped while the table is still empty (before the crypto issue lands).
 */
class RegisterWithAlgorithmTableTest {

    @Test
    void supportedListsComeFromTheTable() {
        assumeFalse(AlgorithmTable.all().isEmpty(), "algorithm table not filled yet");
        KeyEngine e = new KeyEngine(
                new KeySettings(),
                () -> 1_700_000_000L,
                new SplittableRandom(1),
                new ListPolicyStore(() -> 1_700_000_000L, () -> 1000),
                AlgorithmCatalog.TABLE);
        long s = e.openSocket();
        PfkeyMessage r = Fixture.only(e.handle(s, Fixture.bare(Sadb.SADB_REGISTER, Sadb.SADB_SATYPE_ESP)), s);
        List<Extension.Alg> auth =
                ((Extension.Supported) r.ext(Sadb.SADB_EXT_SUPPORTED_AUTH).orElseThrow()).algs();
        List<Extension.Alg> enc =
                ((Extension.Supported) r.ext(Sadb.SADB_EXT_SUPPORTED_ENCRYPT).orElseThrow()).algs();
        for (Extension.Alg a : List.of(
                new Extension.Alg(2, 0, 128, 128),
                new Extension.Alg(3, 0, 160, 160),
                new Extension.Alg(5, 0, 256, 256),
                new Extension.Alg(6, 0, 384, 384),
                new Extension.Alg(7, 0, 512, 512))) {
            assertTrue(auth.contains(a), () -> a + " missing from " + auth);
        }
        for (Extension.Alg a : List.of(
                new Extension.Alg(2, 8, 64, 64),
                new Extension.Alg(3, 8, 192, 192),
                new Extension.Alg(12, 16, 128, 256))) {
            assertTrue(enc.contains(a), () -> a + " missing from " + enc);
        }
        // spec §1.13: GMAC auth numbers 11-13 and TCP-MD5 252 are not listed; ids stay within 1..251 / 1..250
        assertTrue(auth.stream().allMatch(a -> a.id() >= 1 && a.id() <= 251), auth::toString);
        assertTrue(enc.stream().allMatch(a -> a.id() >= 1 && a.id() <= 250), enc::toString);
    }

    @Test
    void ipcompWithAnUnimplementedAlgorithmIsRefused() {
        assumeFalse(AlgorithmTable.all().isEmpty(), "algorithm table not filled yet");
        KeyEngine e = new KeyEngine(
                new KeySettings(),
                () -> 1_700_000_000L,
                new SplittableRandom(1),
                new ListPolicyStore(() -> 1_700_000_000L, () -> 1000),
                AlgorithmCatalog.TABLE);
        long s = e.openSocket();
        for (int calg : new int[] {1, 2, 3}) {
            PfkeyMessage add = Fixture.msg(
                    Sadb.SADB_ADD,
                    Sadb.SADB_X_SATYPE_IPCOMP,
                    new Extension.Sa(0x1000 + calg, 0, 0, 0, calg, 0),
                    Fixture.src("10.0.0.1"),
                    Fixture.dst("10.0.0.2"));
            int errno = Fixture.only(e.handle(s, add), s).errno();
            org.junit.jupiter.api.Assertions.assertEquals(calg == 2 ? 0 : Errno.EINVAL.number(), errno, "calg " + calg);
        }
    }
}
