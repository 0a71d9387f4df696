package org.jipsec.core.sysctl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.jipsec.core.sysctl.SysctlException.Errno;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SysctlTest {

    private final Sysctl sysctl = Sysctl.withNetbsdDefaults();

    /** Defaults of spec §5. */
    @ParameterizedTest
    @CsvSource({
        "net.inet.ipsec.def_policy,1",
        "net.inet.ipsec.esp_trans_deflev,1",
        "net.inet.ipsec.esp_net_deflev,1",
        "net.inet.ipsec.ah_trans_deflev,1",
        "net.inet.ipsec.ah_net_deflev,1",
        "net.inet.ipsec.ah_cleartos,1",
        "net.inet.ipsec.ah_offsetmask,0",
        "net.inet.ipsec.dfbit,2",
        "net.inet.ipsec.ecn,0",
        "net.inet.ipsec.debug,0",
        "net.inet.ipsec.enabled,1",
        "net.inet.ipsec.used,0",
        "net.inet.ipsec.ah_enable,1",
        "net.inet.ipsec.esp_enable,1",
        "net.inet.ipsec.ipcomp_enable,1",
        "net.inet.ipsec.crypto_support,0",
        "net.inet6.ipsec6.def_policy,1",
        "net.inet6.ipsec6.esp_trans_deflev,1",
        "net.inet6.ipsec6.ah_net_deflev,1",
        "net.inet6.ipsec6.ecn,0",
        "net.key.debug,0",
        "net.key.spi_try,1000",
        "net.key.spi_min_value,256",
        "net.key.spi_max_value,268435455",
        "net.key.random_int,60",
        "net.key.larval_lifetime,30",
        "net.key.blockacq_count,10",
        "net.key.blockacq_lifetime,20",
        "net.key.esp_keymin,256",
        "net.key.esp_auth,0",
        "net.key.ah_keymin,128",
        "net.key.prefered_oldsa,0",
    })
    void defaults(String name, int value) throws Exception {
        assertEquals(value, sysctl.read(name));
        assertEquals(value, sysctl.intValue(name));
    }

    /** Validation table: out-of-range values refused with EINVAL, read-only → EPERM. */
    @ParameterizedTest
    @CsvSource({
        "net.inet.ipsec.def_policy,0,",
        "net.inet.ipsec.def_policy,1,",
        "net.inet.ipsec.def_policy,2,EINVAL",
        "net.inet.ipsec.def_policy,-1,EINVAL",
        "net.inet6.ipsec6.def_policy,3,EINVAL",
        "net.inet.ipsec.esp_trans_deflev,2,",
        "net.inet.ipsec.esp_trans_deflev,3,EINVAL",
        "net.inet.ipsec.esp_net_deflev,0,EINVAL",
        "net.inet.ipsec.ah_trans_deflev,1,",
        "net.inet.ipsec.ah_net_deflev,4,EINVAL",
        "net.inet6.ipsec6.esp_trans_deflev,3,EINVAL",
        "net.inet6.ipsec6.ah_net_deflev,2,",
        "net.inet.ipsec.enabled,2,",
        "net.inet.ipsec.enabled,3,EINVAL",
        "net.inet.ipsec.test_replay,2,EINVAL",
        "net.inet.ipsec.test_integrity,1,",
        "net.inet.ipsec.dfbit,7,EINVAL",
        "net.inet.ipsec.ecn,-1,",
        "net.inet.ipsec.ah_offsetmask,65535,",
        "net.key.spi_try,-5,EINVAL",
        "net.key.larval_lifetime,0,EINVAL",
        "net.inet.ipsec.crypto_support,-7,",
        "net.inet.ipsec.used,1,EPERM",
        "net.inet6.ipsec6.used,1,EPERM",
        "net.inet.ipsec.ipsecstats,1,EPERM",
        "net.inet.ipsec.nosuch,1,ENOENT",
        "net.inet.ipsec,1,ENOTDIR",
    })
    void validation(String name, int value, String errno) throws Exception {
        if (errno == null) {
            sysctl.write(name, value);
            assertEquals(value, sysctl.read(name));
        } else {
            SysctlException e = assertThrows(SysctlException.class, () -> sysctl.write(name, value));
            assertEquals(Errno.valueOf(errno), e.errno());
            assertTrue(e.getMessage().startsWith(name + ": "), e.getMessage());
        }
    }

    /**
     * Issue #12: every variable NetBSD stores without a handler still has a range of meaning; the first value past
     * each end is refused with EINVAL and the variable keeps its value ({@code name,lowest,highest}; empty: no end).
     */
    @ParameterizedTest
    @CsvSource({
        "net.inet.ipsec.dfbit,0,2",
        "net.inet.ipsec.ecn,-1,1",
        "net.inet6.ipsec6.ecn,-1,1",
        "net.inet.ipsec.debug,0,1",
        "net.inet6.ipsec6.debug,0,1",
        "net.inet.ipsec.ah_cleartos,0,1",
        "net.inet.ipsec.ah_offsetmask,0,65535",
        "net.inet.ipsec.ipip_spoofcheck,0,1",
        "net.inet.ipsec.ah_enable,0,1",
        "net.inet.ipsec.esp_enable,0,1",
        "net.inet.ipsec.ipcomp_enable,0,1",
        "net.inet.ipsec.def_policy,0,1",
        "net.inet.ipsec.esp_trans_deflev,1,2",
        "net.inet6.ipsec6.ah_net_deflev,1,2",
        "net.key.debug,0,",
        "net.key.spi_try,1,100000",
        "net.key.random_int,0,",
        "net.key.larval_lifetime,1,",
        "net.key.blockacq_count,0,",
        "net.key.blockacq_lifetime,0,",
        "net.key.esp_keymin,0,65535",
        "net.key.ah_keymin,0,65535",
        "net.key.esp_auth,0,1",
        "net.key.prefered_oldsa,0,1",
    })
    void outOfRangeIsEinvalAndTheValueStays(String name, Integer lowest, Integer highest) throws Exception {
        int before = sysctl.read(name);
        if (lowest != null && lowest != Integer.MIN_VALUE) {
            assertEquals(
                    Errno.EINVAL,
                    assertThrows(SysctlException.class, () -> sysctl.write(name, lowest - 1))
                            .errno());
            assertEquals(before, sysctl.read(name));
            sysctl.write(name, lowest);
            assertEquals(lowest, sysctl.read(name));
        }
        if (highest != null) {
            assertEquals(
                    Errno.EINVAL,
                    assertThrows(SysctlException.class, () -> sysctl.write(name, highest + 1))
                            .errno());
            sysctl.write(name, highest);
            assertEquals(highest, sysctl.read(name));
        }
    }

    @Test
    void theGetspiRangeIsNeverEmptyNorReserved() throws Exception {
        String min = "net.key.spi_min_value", max = "net.key.spi_max_value";
        SysctlException e = assertThrows(SysctlException.class, () -> sysctl.write(min, 0x10000000));
        assertEquals(Errno.EINVAL, e.errno());
        assertEquals(min + ": invalid value 268435456 (above net.key.spi_max_value 268435455)", e.getMessage());
        assertEquals(
                Errno.EINVAL,
                assertThrows(SysctlException.class, () -> sysctl.write(max, 255))
                        .errno());
        assertEquals(
                Errno.EINVAL,
                assertThrows(SysctlException.class, () -> sysctl.write(min, 255))
                        .errno());
        assertEquals(
                Errno.EINVAL,
                assertThrows(SysctlException.class, () -> sysctl.write(min, 0)).errno());
        assertEquals(256, sysctl.read(min));
        assertEquals(0x0fffffff, sysctl.read(max));
        sysctl.write(max, 0xffffffff); // unsigned: 4294967295 is the top
        sysctl.write(min, 0x80000000);
        assertEquals(
                Errno.EINVAL,
                assertThrows(SysctlException.class, () -> sysctl.write(max, 0x7fffffff))
                        .errno());
        sysctl.write(min, 256);
        sysctl.write(max, 256); // a one-SPI range is a range
        assertEquals(256, sysctl.read(max));
    }

    @Test
    void refusedWriteKeepsTheOldValueAndSaysWhy() throws Exception {
        SysctlException e =
                assertThrows(SysctlException.class, () -> sysctl.write("net.inet.ipsec.esp_trans_deflev", 3));
        assertEquals("net.inet.ipsec.esp_trans_deflev: invalid value 3 (allowed: 1 2)", e.getMessage());
        assertEquals(1, sysctl.read("net.inet.ipsec.esp_trans_deflev"));
    }

    @Test
    void enabledZeroIsBusyWhilePoliciesExistAndTwoForcesUsed() throws Exception {
        sysctl.setPoliciesExist(() -> true);
        assertEquals(
                Errno.EBUSY,
                assertThrows(SysctlException.class, () -> sysctl.write("net.inet.ipsec.enabled", 0))
                        .errno());
        sysctl.setPoliciesExist(() -> false);
        sysctl.write("net.inet.ipsec.enabled", 0);
        assertEquals(0, sysctl.read("net.inet6.ipsec6.enabled"));
        sysctl.write("net.inet.ipsec.enabled", 2);
        assertEquals(1, sysctl.read("net.inet.ipsec.used"));
    }

    @Test
    void sharedIpv6VariablesAndListenersFireForEveryName() throws Exception {
        List<String> seen = new ArrayList<>();
        sysctl.addListener("net.inet6.ipsec6.debug", (n, o, v) -> seen.add(n + ":" + o + "->" + v));
        sysctl.addListener("net.inet.ipsec.debug", (n, o, v) -> seen.add(n + ":" + o + "->" + v));
        sysctl.write("net.inet.ipsec.debug", 1);
        assertEquals(1, sysctl.read("net.inet6.ipsec6.debug"));
        assertEquals(List.of("net.inet.ipsec.debug:0->1", "net.inet6.ipsec6.debug:0->1"), seen);
        sysctl.write("net.inet.ipsec.debug", 1); // unchanged: no event
        assertEquals(2, seen.size());
        assertEquals(1, sysctl.handle("net.inet6.ipsec6.debug").get());
    }

    @Test
    void listingIsInSysctlAOrder() {
        List<String> l = sysctl.listing();
        assertEquals("net.inet.ipsec.def_policy = 1", l.getFirst());
        assertEquals("net.key.prefered_oldsa = 0", l.getLast());
        int ipsec = l.indexOf("net.inet.ipsec.crypto_support = 0");
        int ipsec6 = l.indexOf("net.inet6.ipsec6.def_policy = 1");
        int key = l.indexOf("net.key.debug = 0");
        assertTrue(ipsec >= 0 && ipsec < ipsec6 && ipsec6 < key);
        List<String> names = sysctl.nodes().stream().map(SysctlNode::name).toList();
        assertEquals("net.inet.ipip.ipip_stats", names.getFirst());
        assertTrue(names.indexOf("net.inet.ipcomp.ipcomp_stats") < names.indexOf("net.inet.ipsec.def_policy"));
        assertEquals(4 + 20 + 10 + 15, names.size());
    }

    @Test
    void structNodesReadFromTheirSuppliers() throws Exception {
        sysctl.bindStruct("net.inet.ipsec.ipsecstats", () -> Sysctl.counters(new long[] {1, 0x0102}));
        assertArrayEquals(
                new byte[] {1, 0, 0, 0, 0, 0, 0, 0, 2, 1, 0, 0, 0, 0, 0, 0},
                sysctl.readStruct("net.inet.ipsec.ipsecstats"));
        sysctl.bindDumpSa(satype -> new byte[] {(byte) satype});
        assertArrayEquals(new byte[] {3}, sysctl.readStruct("net.key.dumpsa.3"));
        assertEquals(
                Errno.EINVAL,
                assertThrows(SysctlException.class, () -> sysctl.readStruct("net.key.dumpsa"))
                        .errno());
        assertEquals(
                Errno.EINVAL,
                assertThrows(SysctlException.class, () -> sysctl.readStruct("net.key.dumpsa.x"))
                        .errno());
        sysctl.bindStruct("net.key.dumpsp", () -> new byte[0]);
        assertEquals(0, sysctl.readStruct("net.key.dumpsp").length); // bound and empty: no policies
    }

    @Test
    void unboundStructNodesAreRefusedNotEmpty() {
        // a tree no engine serves: NetBSD has no such node (ENOENT), it does not answer with zero bytes
        for (String name : List.of(
                "net.inet.esp.esp_stats",
                "net.inet.ah.ah_stats",
                "net.inet.ipcomp.ipcomp_stats",
                "net.inet.ipip.ipip_stats",
                "net.inet.ipsec.ipsecstats",
                "net.key.stats",
                "net.key.dumpsp",
                "net.key.dumpsa.3")) {
            SysctlException e = assertThrows(SysctlException.class, () -> sysctl.readStruct(name));
            assertEquals(Errno.ENOENT, e.errno(), name);
            assertTrue(e.getMessage().contains("not served here"), e.getMessage());
        }
    }
}
