package org.jipsec.io.netns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.jipsec.io.ffm.LibC;
import org.jipsec.io.ffm.NativeException;
import org.jipsec.testkit.RequiresRoot;
import org.junit.jupiter.api.Test;

class NetnsLabTest {

    @Test
    void commandsAreBoundedInTime() {
        IOException e =
                assertThrows(IOException.class, () -> Commands.run(List.of("sleep", "5"), Duration.ofMillis(200)));
        assertTrue(e.getMessage().startsWith("timed out"), e.getMessage());
    }

    @Test
    void failingCommandReportsItsStderr() {
        IOException e = assertThrows(
                IOException.class, () -> Commands.check(List.of("ls", "/nonexistent/jipsec"), Duration.ofSeconds(5)));
        assertTrue(e.getMessage().contains("No such file"), e.getMessage());
    }

    @Test
    @RequiresRoot
    void namespacesVethsAndSetnsThreadsAreIsolatedAndCleanedUp() throws Exception {
        List<String> created;
        String vethA;
        try (NetnsLab lab = new NetnsLab()) {
            String a = lab.namespace();
            String b = lab.namespace();
            assertNotEquals(a, b);
            VethPair v = lab.veth(a, b);
            vethA = v.a();
            lab.address(a, v.a(), "10.66.0.1/24");
            created = lab.namespaces();
            String list = Commands.check(List.of("ip", "netns", "list"), Duration.ofSeconds(5));
            assertTrue(list.contains(a) && list.contains(b), list);
            // The setns(2) trick: only the helper thread moves; the veth is visible there and nowhere else.
            int index = NetnsThread.call(a, () -> LibC.ifNameToIndex(v.a()));
            assertTrue(index > 0);
            NativeException outside = assertThrows(NativeException.class, () -> LibC.ifNameToIndex(v.a()));
            assertEquals(19, outside.errno(), "ENODEV in the JVM's own namespace");
            assertThrows(NativeException.class, () -> NetnsThread.call(b, () -> LibC.ifNameToIndex(v.a())));
            CommandResult r = lab.exec(a, Duration.ofSeconds(5), "ip", "-o", "addr", "show", "dev", v.a());
            assertTrue(r.ok() && r.stdout().contains("10.66.0.1/24"), r.toString());
        }
        String after = Commands.check(List.of("ip", "netns", "list"), Duration.ofSeconds(5));
        for (String ns : created) {
            assertFalse(after.contains(ns), "namespace " + ns + " must be deleted on close");
        }
        assertThrows(NativeException.class, () -> LibC.ifNameToIndex(vethA));
    }
}
