package org.jipsec.io.gateway;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.jipsec.core.guard.GuardSnapshot;
import org.jipsec.core.guard.NftRuleset;
import org.junit.jupiter.api.Test;

/** The applier without a kernel: counter parsing and the behaviour when nft is missing (a warning, no crash). */
class PolicyGuardTest {

    @Test
    void countersAreReadFromNftJsonOutput() {
        // nftables 1.0.6, `nft -j list counters table inet jipsec_jipsec0`
        String json = "{\"nftables\": [{\"metainfo\": {\"version\": \"1.0.6\", \"release_name\": \"Lester Gooch #5\","
                + " \"json_schema_version\": 1}}, {\"counter\": {\"family\": \"inet\", \"name\": \"in_polvio\","
                + " \"table\": \"jipsec_jipsec0\", \"handle\": 3, \"packets\": 6, \"bytes\": 564}}, {\"counter\":"
                + " {\"family\": \"inet\", \"name\": \"out_polvio\", \"table\": \"jipsec_jipsec0\", \"handle\": 4,"
                + " \"packets\": 12345678901, \"bytes\": 0}}]}";
        assertArrayEquals(new long[] {6, 12345678901L}, PolicyGuard.parseCounters(json));
        assertArrayEquals(new long[] {0, 0}, PolicyGuard.parseCounters(""));
        assertArrayEquals(
                new long[] {0, 0}, PolicyGuard.parseCounters("{\"counter\": {\"name\": \"other\", \"packets\": 9}}"));
    }

    @Test
    void aMissingNftGivesOneWarningAndTheGuardStaysOff() {
        List<String> lines = new ArrayList<>();
        GuardSnapshot empty = new GuardSnapshot(1, List.of(), List.of(), false, false);
        PolicyGuard g = PolicyGuard.start(
                new NftRuleset.Config("jipsec9", 4500),
                () -> empty,
                () -> 1,
                line -> {
                    synchronized (lines) {
                        lines.add(line);
                    }
                },
                "/nonexistent/nft");
        try {
            assertFalse(g.installed());
            assertArrayEquals(new long[] {0, 0}, g.counters());
        } finally {
            g.close();
        }
        synchronized (lines) {
            // one warning while it runs, one at the stop: no table keeps cleartext blocked while stopped
            assertEquals(2, lines.size(), lines.toString());
            assertTrue(
                    lines.get(0).startsWith("policy guard: cannot run nft")
                            && lines.get(0).contains("NOT checked"),
                    lines.get(0));
            assertTrue(lines.get(1).contains("may NOT be blocked while the gateway is stopped"), lines.get(1));
        }
    }

    @Test
    void removalNeedsNftAndFindsTheTableInTheListing() {
        java.io.IOException e = org.junit.jupiter.api.Assertions.assertThrows(
                java.io.IOException.class,
                () -> PolicyGuard.remove(new NftRuleset.Config("jipsec9", 0), "/nonexistent/nft"));
        assertTrue(e.getMessage().startsWith("cannot run nft"), e.getMessage());
        // nftables 1.0.6, `nft list tables inet`
        String listing = "table inet filter\ntable inet jipsec_jipsec90\ntable inet jipsec_jipsec9\n";
        assertTrue(PolicyGuard.listsTable(listing, "jipsec_jipsec9"));
        assertFalse(PolicyGuard.listsTable(listing, "jipsec_jipsec"));
        assertFalse(PolicyGuard.listsTable("", "jipsec_jipsec9"));
    }
}
