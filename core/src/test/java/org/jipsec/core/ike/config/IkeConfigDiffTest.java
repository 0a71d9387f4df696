package org.jipsec.core.ike.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Reload diff (issue #14 item 5): by connection name; a changed PSK is a change; identical files diff empty. */
class IkeConfigDiffTest {

    static String conn(String name, String ts, String start) {
        return """
                    %s {
                        remote_addrs = 10.0.0.2
                        local { auth = psk }
                        remote { auth = psk
                            id = 10.0.0.2 }
                        children { net { remote_ts = %s
                            start_action = %s } }
                    }
                """.formatted(name, ts, start);
    }

    static IkeConfig cfg(String secret, String... conns) throws Exception {
        String text = "connections {\n" + String.join("", conns) + "}\nsecrets { ike-x { id = 10.0.0.2\n secret = \""
                + secret + "\" } }\n";
        return SwanctlConfig.load("/i.conf", new MemorySource(Map.of("/i.conf", text)));
    }

    @Test
    void sameFileIsEmpty() throws Exception {
        IkeConfigDiff d = IkeConfigDiff.between(
                cfg("k", conn("a", "10.2.0.0/24", "trap")), cfg("k", conn("a", "10.2.0.0/24", "trap")));
        assertTrue(d.isEmpty(), d.toString());
        assertEquals(List.of("a"), d.unchanged());
    }

    @Test
    void addedRemovedChangedByName() throws Exception {
        IkeConfigDiff d = IkeConfigDiff.between(
                cfg(
                        "k",
                        conn("keep", "10.2.0.0/24", "trap"),
                        conn("gone", "10.3.0.0/24", "none"),
                        conn("moved", "10.4.0.0/24", "start")),
                cfg(
                        "k",
                        conn("keep", "10.2.0.0/24", "trap"),
                        conn("moved", "10.4.0.0/25", "start"),
                        conn("new", "10.5.0.0/24", "trap")));
        assertEquals(List.of("keep"), d.unchanged());
        assertEquals(List.of("gone"), d.removed());
        assertEquals(List.of("moved"), d.changed());
        assertEquals(List.of("new"), d.added());
    }

    @Test
    void aNewPreSharedKeyChangesTheConnectionsThatUseIt() throws Exception {
        IkeConfigDiff d = IkeConfigDiff.between(
                cfg("s3cr3t-one", conn("a", "10.2.0.0/24", "trap")),
                cfg("s3cr3t-two", conn("a", "10.2.0.0/24", "trap")));
        assertEquals(List.of("a"), d.changed());
        assertTrue(!d.toString().contains("s3cr3t"), "no secret in the text: " + d);
    }
}
