package org.jipsec.io.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.locks.ReentrantLock;
import org.jipsec.core.config.ConfigException;
import org.jipsec.core.config.ConfigPlan;
import org.jipsec.core.ipsec.SaType;
import org.jipsec.core.pfkey.AlgorithmCatalog;
import org.jipsec.core.pfkey.KeyEngine;
import org.jipsec.core.pfkey.KeySettings;
import org.jipsec.core.pfkey.ListPolicyStore;
import org.jipsec.core.pfkey.Outcome;
import org.jipsec.core.setkey.HostResolver;
import org.junit.jupiter.api.Test;

/** The reload sequence: read outside the lock, apply under it, one log line, nothing changed on a refusal. */
class ConfigReloaderTest {

    static final String KEY = "0x0123456789abcdef0123456789abcdef01020304";
    static final String CONF = "add 10.0.0.1 10.0.0.2 esp 0x1001 -E aes-gcm-16 " + KEY + " ;\n"
            + "spdadd 10.0.0.1 10.0.0.2 any -P out ipsec esp/transport//require ;\n";

    final KeyEngine keys = new KeyEngine(
            new KeySettings(),
            () -> 1_700_000_000L,
            new SplittableRandom(1),
            new ListPolicyStore(() -> 1_700_000_000L, () -> 1000),
            AlgorithmCatalog.TABLE);
    final ReentrantLock lock = new ReentrantLock();
    final List<String> log = new ArrayList<>();
    String text = CONF;
    boolean lockedWhileReading;

    final ConfigReloader reloader = new ConfigReloader(
            () -> {
                lockedWhileReading |= lock.isLocked();
                if (text == null) throw new ConfigException("gw.conf: No such file or directory");
                return ConfigPlan.parse(text, HostResolver.NUMERIC, AlgorithmCatalog.TABLE);
            },
            keys,
            log::add);

    @Test
    void readsOutsideTheLockAppliesUnderItAndLogsOneLine() throws Exception {
        reloader.loadAtStart();
        var sa = keys.sad().snapshot(SaType.ESP).getFirst();
        List<Outcome> told = new ArrayList<>();
        boolean[] underLock = new boolean[1];
        text = CONF + "add 10.0.0.1 10.0.0.3 esp 0x1003 -E aes-gcm-16 " + KEY + " ;\n";
        assertTrue(reloader.reload(lock, told::add, () -> underLock[0] = lock.isHeldByCurrentThread()));
        assertFalse(lockedWhileReading, "the file is read before the lock is taken");
        assertTrue(underLock[0], "the sweep runs under the lock");
        assertFalse(lock.isLocked());
        assertSame(sa, keys.sad().snapshot(SaType.ESP).getFirst());
        assertEquals(1, told.size(), "one SADB_ADD");
        assertEquals(
                List.of("reload: configuration applied: kept 1 SAs and 1 policies, removed 0 SAs and 0 policies, "
                        + "added 1 SAs and 0 policies; now 2 SAs, 1 policies"),
                log);
    }

    @Test
    void aRefusedFileChangesNothingAndSaysSoOnce() throws Exception {
        reloader.loadAtStart();
        var before = keys.sad().snapshot(SaType.ESP);
        for (String bad : new String[] {
            null,
            "add 10.0.0.1 10.0.0.2 esp ;",
            "add 10.0.0.1 10.0.0.2 esp 0x1001 -E aes-gcm-16 0x00 ;",
            CONF + "add 10.0.0.1 10.0.0.2 esp 0x1001 -E aes-gcm-16 " + KEY + " ;\n"
        }) {
            log.clear();
            text = bad;
            assertFalse(reloader.reload(
                    lock,
                    o -> {
                        throw new AssertionError("nothing to announce");
                    },
                    () -> {}));
            assertEquals(1, log.size(), log.toString());
            assertTrue(log.getFirst().startsWith("reload: configuration refused, nothing changed: "), log.getFirst());
            assertFalse(log.getFirst().contains("0123456789abcdef"), log.getFirst());
            assertEquals(before, keys.sad().snapshot(SaType.ESP));
            assertEquals(1, keys.policies().size());
        }
    }

    @Test
    void aRefusedFileAtStartIsAnError() {
        text = "add 10.0.0.1 10.0.0.2 esp 0x1001 -E aes-gcm-16 0x00 ;\n";
        var e = assertThrows(java.io.IOException.class, reloader::loadAtStart);
        assertEquals("line 1: Invalid key length (aes-gcm-16, 8-bit key); configuration not applied", e.getMessage());
        assertEquals(0, keys.sad().size());
    }
}
