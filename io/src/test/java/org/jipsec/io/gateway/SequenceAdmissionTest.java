package org.jipsec.io.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jipsec.core.ipsec.Endpoint;
import org.jipsec.core.ipsec.IpsecMode;
import org.jipsec.core.ipsec.SaType;
import org.jipsec.core.sad.SaIndex;
import org.jipsec.core.sad.SaValues;
import org.jipsec.core.seqstate.SaIdentity;
import org.jipsec.core.seqstate.SequenceStateTable;
import org.jipsec.io.state.SequenceStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway's sequence-state admission for negotiated SAs (those a key-management daemon installed: {@code manual}
 * false from the key engine): no warning, never refused by {@code --strict-keys}, never written to the state
 * directory (their keys die with the SAD), and never continuing a manual SA's saved state unless it has that SA's
 * very keys.
 */
class SequenceAdmissionTest {

    static final int AES_GCM_16 = 20; // SADB_X_EALG_AESGCM16
    static final SequenceStateTable.Settings SMALL = new SequenceStateTable.Settings(16, 8, 64, 8, 8, 64, 1000);

    @TempDir
    Path dir;

    final List<String> log = new CopyOnWriteArrayList<>();

    static SaIndex index() throws Exception {
        return new SaIndex(
                SaType.ESP,
                IpsecMode.ANY,
                0,
                new Endpoint(InetAddress.getByName("10.0.0.1")),
                new Endpoint(InetAddress.getByName("10.0.0.2")));
    }

    /** An AES-GCM-16 (160-bit key with salt) SA whose key bytes are all {@code k}. */
    static SaValues gcm(int spi, int k) {
        byte[] key = new byte[20];
        Arrays.fill(key, (byte) k);
        return new SaValues(spi, 0, null, 0, AES_GCM_16, key, 160, 0, 0, 0, 0xffff, null, null, null, null, 0, 0);
    }

    SaIdentity id(SequenceStore s, int spi, int k) throws Exception {
        SaValues v = gcm(spi, k);
        return s.table()
                .identity(
                        SaType.ESP.number(),
                        spi,
                        index().source().address(),
                        index().destination().address(),
                        AES_GCM_16,
                        v.encryptKey(),
                        0,
                        null);
    }

    @Test
    void strictKeysAdmitANegotiatedCounterModeSaSilentlyAndRefuseTheSameSaKeyedByHand() throws Exception {
        try (SequenceStore store = SequenceStore.open(dir, SMALL, log::add)) {
            SequenceAdmission strict = new SequenceAdmission(store, true, log::add);
            assertNull(strict.refusal(SaType.ESP, index(), gcm(0x1000, 1), false));
            assertEquals(List.of(), log, "a negotiated SA is neither warned about nor refused");
            String r = strict.refusal(SaType.ESP, index(), gcm(0x1001, 2), true);
            assertNotNull(r);
            assertTrue(r.startsWith("refused (--strict-keys): esp SA spi 0x1001 10.0.0.1->10.0.0.2 (aes-gcm-16)"), r);
        }
        try (SequenceStore store = SequenceStore.open(dir, SMALL, log::add)) {
            SequenceAdmission warn = new SequenceAdmission(store, false, log::add);
            log.clear();
            assertNull(warn.refusal(SaType.ESP, index(), gcm(0x1002, 3), false));
            assertEquals(List.of(), log);
            assertNull(warn.refusal(SaType.ESP, index(), gcm(0x1003, 4), true));
            assertEquals(1, log.size(), log.toString());
            assertTrue(log.getFirst().contains("WARNING: esp SA spi 0x1003"), log.toString());
        }
        try (SequenceStore noState = null) {
            SequenceAdmission strict = new SequenceAdmission(noState, true, log::add);
            assertNull(strict.refusal(SaType.ESP, index(), gcm(0x1004, 5), false), "--no-state: negotiated SAs pass");
            assertNotNull(strict.refusal(SaType.ESP, index(), gcm(0x1005, 6), true));
        }
    }

    @Test
    void negotiatedSasLeaveNoStateBehindAndDoNotInheritAManualSasState() throws Exception {
        try (SequenceStore store = SequenceStore.open(dir, SMALL, log::add)) {
            SequenceAdmission a = new SequenceAdmission(store, false, log::add);
            assertNull(a.refusal(SaType.ESP, index(), gcm(0x2000, 7), true)); // manual, saved
            assertNull(a.refusal(SaType.ESP, index(), gcm(0x2001, 8), false)); // negotiated, live at the stop
            store.flush();
        }
        log.clear();
        try (SequenceStore store = SequenceStore.open(dir, SMALL, log::add)) {
            assertTrue(store.table().knows(id(store, 0x2000, 7)), "the manual SA's marks are kept");
            assertFalse(store.table().knows(id(store, 0x2001, 8)), "the negotiated SA is not written, even live");
            SequenceAdmission strict = new SequenceAdmission(store, true, log::add);
            // an IKE daemon that happens to pick the manual SA's SPI: fresh keys, fresh state, not refused
            assertNull(strict.refusal(SaType.ESP, index(), gcm(0x2000, 9), false));
            SequenceStateTable.Attached fresh = store.table().attach(id(store, 0x2000, 9), false);
            assertEquals(0, fresh.state().outStart(), "no manual marks for other keys");
            assertEquals(List.of(), log);
            // the very keys of the manual SA, whoever installs them, continue above its marks (never reuse nonces)
            assertNull(strict.refusal(SaType.ESP, index(), gcm(0x2000, 7), false));
            assertTrue(
                    log.getFirst().startsWith("sequence state: esp SA spi 0x2000 10.0.0.1->10.0.0.2 continues above"),
                    log.toString());
            store.flush();
        }
        try (SequenceStore store = SequenceStore.open(dir, SMALL, log::add)) {
            assertTrue(store.table().knows(id(store, 0x2000, 7)), "still a manual record");
            assertFalse(store.table().knows(id(store, 0x2000, 9)));
        }
    }
}
