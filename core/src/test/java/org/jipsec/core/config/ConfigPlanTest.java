package org.jipsec.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.jipsec.core.ipsec.PolicyDirection;
import org.jipsec.core.ipsec.SaType;
import org.jipsec.core.pfkey.AlgorithmCatalog;
import org.jipsec.core.setkey.HostResolver;
import org.junit.jupiter.api.Test;

/** A configuration file read and validated whole, before anything is applied. */
class ConfigPlanTest {

    static final String KEY = "0x0123456789abcdef0123456789abcdef01020304"; // aes-gcm-16: 128-bit key + salt

    static ConfigPlan plan(String text) throws ConfigException {
        return ConfigPlan.parse(text, HostResolver.NUMERIC, AlgorithmCatalog.TABLE);
    }

    static String refusal(String text) {
        return assertThrows(ConfigException.class, () -> plan(text)).getMessage();
    }

    @Test
    void addsAndPoliciesInFileOrder() throws Exception {
        ConfigPlan p = plan("""
                flush;
                spdflush;
                add 10.0.0.1 10.0.0.2 esp 0x1001 -m transport -E aes-gcm-16 %s ;
                add 10.0.0.2 10.0.0.1 esp 0x1002 -E aes-gcm-16 %s ;
                spdadd 10.0.0.1 10.0.0.2 any -P out ipsec esp/transport//require ;
                spdadd 10.0.0.2 10.0.0.1 any -P in ipsec esp/transport//require ;
                dump;
                """.formatted(KEY, KEY));
        assertEquals(
                List.of(0x1001, 0x1002), p.sas().stream().map(PlannedSa::spi).toList());
        assertEquals(List.of(3, 4), p.sas().stream().map(PlannedSa::line).toList());
        assertEquals(
                List.of(PolicyDirection.OUTBOUND, PolicyDirection.INBOUND),
                p.policies().stream().map(x -> x.selector().direction()).toList());
        assertTrue(p.flushes(SaType.ESP) && p.flushes(SaType.AH));
        assertTrue(p.spdFlush());
        p.wipe();
    }

    @Test
    void theFilesOwnFlushSpdupdateAndExitAreTakenIntoAccount() throws Exception {
        ConfigPlan p = plan("""
                add 10.0.0.1 10.0.0.2 esp 0x1001 -E aes-gcm-16 %s ;
                add 10.0.0.1 10.0.0.2 ah 0x1001 -A hmac-sha256 0x00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff ;
                flush esp;
                add 10.0.0.1 10.0.0.2 esp 0x1003 -E aes-gcm-16 %s ;
                spdadd 10.0.0.1 10.0.0.2 any -P out ipsec esp/transport//require ;
                spdupdate 10.0.0.1 10.0.0.2 any -P out ipsec esp/transport//use ;
                exit;
                add 10.0.0.1 10.0.0.2 esp 0x1004 -E aes-gcm-16 %s ;
                """.formatted(KEY, KEY, KEY));
        assertEquals(
                List.of(0x1001, 0x1003), p.sas().stream().map(PlannedSa::spi).toList());
        assertEquals(
                List.of(SaType.AH, SaType.ESP),
                p.sas().stream().map(s -> s.index().saType()).toList());
        assertEquals(Set.of(SaType.ESP), p.flushes());
        assertFalse(p.flushes(SaType.AH));
        assertEquals(1, p.policies().size());
        assertTrue(p.policies().get(0).update());
    }

    @Test
    void aKeyTheEngineWouldRefuseRefusesTheFileWithoutShowingIt() {
        String m = refusal("""
                add 10.0.0.1 10.0.0.2 esp 0x1001 -E aes-gcm-16 %s ;
                add 10.0.0.1 10.0.0.2 esp 0x1002 -E aes-gcm-16 0x00112233445566778899aabbccddeeff0011 ;
                """.formatted(KEY));
        assertEquals("line 2: Invalid key length (aes-gcm-16, 144-bit key)", m);
        String a = refusal("add 10.0.0.1 10.0.0.2 esp 0x1002 -E aes-cbc 0x00112233445566778899aabbccddeeff "
                + "-A hmac-sha256 0x00112233445566778899aabbccddeeff ;\n");
        assertEquals("line 1: Invalid key length (hmac-sha256, 128-bit key)", a);
    }

    @Test
    void aSyntaxErrorNamesTheLineAndHidesKeyLikeTokens() {
        String m = refusal("add 10.0.0.1 10.0.0.2 esp 0x1001 -E 0x00112233445566778899aabbccddeeff ;\n");
        assertTrue(m.startsWith("line 1: syntax error"), m);
        assertFalse(m.contains("8899"), m);
        assertTrue(
                refusal("add 10.0.0.1 10.0.0.2 esp 0x1001 -E nosuch 0x00 ;\n").startsWith("line 1: "));
        assertTrue(refusal("spdadd 10.0.0.1 10.0.0.2 any -P sideways ipsec esp/transport//require ;\n")
                .startsWith("line 1: "));
    }

    @Test
    void whatTheKeyEngineRefusesRefusesTheFile() {
        assertEquals(
                "line 1: the key engine refuses add 10.0.0.1 10.0.0.2 esp 255 -m any aes-gcm-16 (line 1): "
                        + "Invalid argument",
                refusal("add 10.0.0.1 10.0.0.2 esp 255 -E aes-gcm-16 %s ;\n".formatted(KEY)));
        String dup = refusal("""
                add 10.0.0.1 10.0.0.2 esp 0x1001 -E aes-gcm-16 %s ;
                add 10.0.0.1 10.0.0.2 esp 0x1001 -E aes-gcm-16 %s ;
                """.formatted(KEY, KEY));
        assertTrue(dup.startsWith("line 2: the key engine refuses add") && dup.endsWith("File exists"), dup);
        String sp = refusal("""
                spdadd 10.0.0.1 10.0.0.2 any -P out ipsec esp/transport//require ;
                spdadd 10.0.0.1 10.0.0.2 any -P out none ;
                """);
        assertTrue(sp.startsWith("line 2: the key engine refuses spdadd") && sp.endsWith("File exists"), sp);
    }

    @Test
    void statementsOnTheRunningStateHaveNoPlaceInTheFile() {
        assertTrue(
                refusal("delete 10.0.0.1 10.0.0.2 esp 0x1001 ;\n").startsWith("line 1: 'delete' acts on the running"));
        assertTrue(refusal("\nget 10.0.0.1 10.0.0.2 esp 0x1001 ;\n").startsWith("line 2: 'get'"));
        assertTrue(refusal("deleteall 10.0.0.1 10.0.0.2 esp ;\n").startsWith("line 1: 'deleteall'"));
        assertTrue(refusal("spddelete 10.0.0.1 10.0.0.2 any -P out ;\n").startsWith("line 1: 'spddelete'"));
    }
}
