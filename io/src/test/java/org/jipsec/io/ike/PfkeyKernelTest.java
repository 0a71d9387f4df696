package org.jipsec.io.ike;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.jipsec.core.crypto.AlgorithmTable;
import org.jipsec.core.ike.crypto.IkeTransforms;
import org.jipsec.core.ikekernel.ChildSaInstall;
import org.jipsec.core.ikekernel.DeleteSa;
import org.jipsec.core.ikekernel.GetSpi;
import org.jipsec.core.ikekernel.KernelEvent;
import org.jipsec.core.ikekernel.Lifetimes;
import org.jipsec.core.ikekernel.NatT;
import org.jipsec.core.ikekernel.SaId;
import org.jipsec.core.ikekernel.SpdAdd;
import org.jipsec.core.ipsec.Endpoint;
import org.jipsec.core.ipsec.IpsecMode;
import org.jipsec.core.ipsec.PolicyDirection;
import org.jipsec.core.ipsec.SaType;
import org.jipsec.core.pfkey.AlgorithmCatalog;
import org.jipsec.core.pfkey.Errno;
import org.jipsec.core.pfkey.KeyEngine;
import org.jipsec.core.pfkey.KeySettings;
import org.jipsec.core.pfkey.ListPolicyStore;
import org.jipsec.core.pfkey.PfkeyMessage;
import org.jipsec.core.pfkey.PolicySelector;
import org.jipsec.core.pfkey.Sadb;
import org.jipsec.core.sad.SaIndex;
import org.jipsec.io.pfkey.PfkeyClient;
import org.jipsec.io.pfkey.PfkeyServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link PfkeyKernel} against jipsecd's PF_KEY server (in-process, on a socket in a temporary directory). */
class PfkeyKernelTest {

    @TempDir
    Path dir;

    final AtomicLong clock = new AtomicLong(1_700_000_000L);
    final List<AutoCloseable> open = new ArrayList<>();
    PfkeyServer server;
    KeyEngine engine;

    static Endpoint ep(String a) throws Exception {
        return new Endpoint(InetAddress.getByName(a));
    }

    static byte[] key(int n, int v) {
        byte[] b = new byte[n];
        java.util.Arrays.fill(b, (byte) v);
        return b;
    }

    @BeforeEach
    void start() throws Exception {
        engine = new KeyEngine(
                new KeySettings(),
                clock::get,
                new SplittableRandom(1),
                new ListPolicyStore(clock::get, () -> 1000),
                AlgorithmCatalog.of(AlgorithmTable.all()));
        server = PfkeyServer.start(engine, dir.resolve("pfkey"), 1 << 20, false);
        open.add(server);
    }

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : open.reversed()) c.close();
    }

    PfkeyKernel kernel() throws Exception {
        PfkeyKernel k = PfkeyKernel.open(server.path(), Duration.ofSeconds(5));
        open.add(k);
        return k;
    }

    /** What setkey -D sees (SADB_DUMP through a second client). */
    List<PfkeyMessage> setkeyDump() throws Exception {
        try (PfkeyClient c = PfkeyClient.connect(server.path())) {
            List<PfkeyMessage> out = new ArrayList<>();
            Iterator<PfkeyMessage> it = c.dump(Sadb.SADB_SATYPE_ESP);
            while (it.hasNext()) out.add(it.next());
            return out;
        }
    }

    @Test
    void registerListsTheKernelsAlgorithms() throws Exception {
        PfkeyKernel k = kernel();
        assertTrue(k.supportedEncryption().stream().anyMatch(a -> a.id() == 20), "aes-gcm-16");
        assertTrue(k.supportedEncryption().stream().anyMatch(a -> a.id() == 12), "aes-cbc");
        assertTrue(k.supportedAuthentication().stream().anyMatch(a -> a.id() == 5), "hmac-sha256");
    }

    @Test
    void getSpiUpdateAddThenDumpShowsThem() throws Exception {
        PfkeyKernel k = kernel();
        NatT nat = NatT.espInUdp(4500, 4500);
        PfkeyKernel.Allocated larval = k.getSpi(
                GetSpi.of(SaType.ESP, ep("192.0.2.2"), ep("192.0.2.1"), IpsecMode.TUNNEL, 7, Optional.of(nat)), 0);
        assertTrue(Integer.compareUnsigned(larval.spi(), 256) >= 0);
        ChildSaInstall in = ChildSaInstall.esp(
                ep("192.0.2.2"),
                ep("192.0.2.1"),
                larval.spi(),
                IpsecMode.TUNNEL,
                7,
                IkeTransforms.encryption(20, 128).orElseThrow(),
                key(20, 0x11),
                null,
                new byte[0],
                64,
                new Lifetimes(1_000_000, 2_000_000, 2880, 3600),
                Optional.of(nat));
        k.update(in, larval);
        ChildSaInstall out = ChildSaInstall.esp(
                ep("192.0.2.1"),
                ep("192.0.2.2"),
                0xc0ffee01,
                IpsecMode.TUNNEL,
                7,
                IkeTransforms.encryption(12, 128).orElseThrow(),
                key(16, 0x22),
                IkeTransforms.integrity(12).orElseThrow(),
                key(32, 0x33),
                64,
                new Lifetimes(0, 0, 2880, 3600),
                Optional.of(nat));
        k.add(out);

        List<PfkeyMessage> sad = setkeyDump();
        assertEquals(2, sad.size());
        PfkeyMessage mIn = sad.stream()
                .filter(m -> m.sa().orElseThrow().spi() == larval.spi())
                .findFirst()
                .orElseThrow();
        assertEquals(Sadb.SADB_SASTATE_MATURE, mIn.sa().orElseThrow().state());
        assertEquals(20, mIn.sa().orElseThrow().encrypt());
        assertEquals(8, mIn.sa().orElseThrow().replay());
        assertEquals(7, mIn.sa2().orElseThrow().reqid());
        assertEquals(
                3600, mIn.lifetime(Sadb.SADB_EXT_LIFETIME_HARD).orElseThrow().addtime());
        assertEquals(
                2880, mIn.lifetime(Sadb.SADB_EXT_LIFETIME_SOFT).orElseThrow().addtime());
        assertEquals(
                2_000_000,
                mIn.lifetime(Sadb.SADB_EXT_LIFETIME_HARD).orElseThrow().bytes());
        assertEquals(
                4500,
                mIn.ext(Sadb.SADB_X_EXT_NAT_T_SPORT, org.jipsec.core.pfkey.Extension.NatTPort.class)
                        .orElseThrow()
                        .port());
        assertEquals(
                2,
                mIn.ext(Sadb.SADB_X_EXT_NAT_T_TYPE, org.jipsec.core.pfkey.Extension.NatTType.class)
                        .orElseThrow()
                        .natType());
        PfkeyMessage mOut = sad.stream()
                .filter(m -> m.sa().orElseThrow().spi() == 0xc0ffee01)
                .findFirst()
                .orElseThrow();
        assertEquals(12, mOut.sa().orElseThrow().encrypt());
        assertEquals(5, mOut.sa().orElseThrow().auth());
        if (mOut.key(Sadb.SADB_EXT_KEY_AUTH).isPresent()) { // the dump carries keys as setkey -D prints them
            assertArrayEquals(
                    key(32, 0x33),
                    mOut.key(Sadb.SADB_EXT_KEY_AUTH).orElseThrow().key());
            assertArrayEquals(
                    key(16, 0x22),
                    mOut.key(Sadb.SADB_EXT_KEY_ENCRYPT).orElseThrow().key());
        }

        // a second UPDATE of the now mature SA from another pid is refused with a named errno
        assertTrue(k.delete(new DeleteSa(out.sa())));
        assertFalse(k.delete(new DeleteSa(out.sa())), "already gone: ENOENT is false, not an exception");
        KernelException dup = assertThrows(
                KernelException.class,
                () -> k.add(ChildSaInstall.esp(
                        ep("192.0.2.2"),
                        ep("192.0.2.1"),
                        larval.spi(),
                        IpsecMode.TUNNEL,
                        7,
                        IkeTransforms.encryption(20, 128).orElseThrow(),
                        key(20, 1),
                        null,
                        new byte[0],
                        0,
                        Lifetimes.NONE,
                        Optional.of(nat))));
        assertEquals(Errno.EEXIST.number(), dup.errno());
        assertTrue(
                dup.getMessage().contains("SADB_ADD of esp SA 0x" + Integer.toHexString(larval.spi())),
                dup.getMessage());
        assertFalse(dup.getMessage().contains("0101"), "no key bytes in errors");
    }

    @Test
    void trapPolicyAcquireResolvedThenGetSpiWithItsSeq() throws Exception {
        PfkeyKernel k = kernel();
        PolicySelector sel = new PolicySelector(PolicyDirection.OUTBOUND, ep("10.1.0.0"), 16, ep("10.2.0.0"), 16, 255);
        int id = k.spdAdd(
                SpdAdd.trap(sel, IpsecMode.TUNNEL, 9, Optional.of(ep("192.0.2.1")), Optional.of(ep("192.0.2.2"))));
        assertEquals(1, k.spdDump().size());
        // the data path misses an SA for that policy
        SaIndex saidx = new SaIndex(SaType.ESP, IpsecMode.TUNNEL, 9, ep("192.0.2.1"), ep("192.0.2.2"));
        server.withEngine(e -> e.acquire(saidx, e.policies().byId(id)), true);
        KernelEvent ev = k.nextEvent(Duration.ofSeconds(5)).orElseThrow();
        KernelEvent.Acquire a = assertInstanceOf(KernelEvent.Acquire.class, ev);
        assertEquals(Optional.of(id), a.policyId());
        KernelEvent.Acquire r = k.resolve(a);
        assertEquals(sel, r.selector().orElseThrow());
        assertEquals(9, r.reqid());
        PfkeyKernel.Allocated larval = k.getSpi(
                GetSpi.of(SaType.ESP, ep("192.0.2.2"), ep("192.0.2.1"), IpsecMode.TUNNEL, 9, Optional.empty()),
                a.seq());
        assertEquals(a.seq(), larval.seq());
        k.spdDelete(id);
        assertEquals(0, k.spdDump().size());
    }

    @Test
    void softExpireAndForeignDeleteArriveAsEvents() throws Exception {
        PfkeyKernel k = kernel();
        ChildSaInstall out = ChildSaInstall.esp(
                ep("192.0.2.1"),
                ep("192.0.2.2"),
                0x4000,
                IpsecMode.TUNNEL,
                3,
                IkeTransforms.encryption(20, 128).orElseThrow(),
                key(20, 5),
                null,
                new byte[0],
                32,
                new Lifetimes(0, 0, 10, 20),
                Optional.empty());
        k.add(out);
        server.withEngine(e -> {
            e.lookupInbound(out.sa().destination().address(), SaType.ESP, 0x4000)
                    .orElseThrow()
                    .recordUse(100, clock.get());
            return null;
        });
        clock.addAndGet(11);
        server.withEngine(KeyEngine::tick, true);
        KernelEvent.Expire x = assertInstanceOf(
                KernelEvent.Expire.class, k.nextEvent(Duration.ofSeconds(5)).orElseThrow());
        assertFalse(x.hard());
        assertEquals(0x4000, x.sa().spi());
        assertEquals(3, x.reqid());
        assertEquals(100, x.bytes());
        // setkey -d (another socket) deletes it: the daemon hears of it
        try (PfkeyClient c = PfkeyClient.connect(server.path())) {
            c.request(new DeleteSa(out.sa()).toMessage(c.nextSeq(), c.pid() + 1)); // setkey is another process
        }
        KernelEvent.SaDeleted d = assertInstanceOf(
                KernelEvent.SaDeleted.class, k.nextEvent(Duration.ofSeconds(5)).orElseThrow());
        assertEquals(new SaId(SaType.ESP, 0x4000, ep("192.0.2.1"), ep("192.0.2.2")), d.sa());
    }

    @Test
    void refusedUpdateNamesTheErrnoAndLostServerFailsFast() throws Exception {
        PfkeyKernel k = kernel();
        ChildSaInstall in = ChildSaInstall.esp(
                ep("192.0.2.2"),
                ep("192.0.2.1"),
                0x5000,
                IpsecMode.TUNNEL,
                1,
                IkeTransforms.encryption(20, 128).orElseThrow(),
                key(20, 5),
                null,
                new byte[0],
                0,
                Lifetimes.NONE,
                Optional.empty());
        KernelException e =
                assertThrows(KernelException.class, () -> k.update(in, new PfkeyKernel.Allocated(0x5000, 1)));
        assertTrue(e.errno() == Errno.ENOENT.number() || e.errno() == Errno.EINVAL.number(), e.getMessage());
        assertTrue(e.getMessage().startsWith("SADB_UPDATE of esp SA 0x5000"), e.getMessage());
        server.close();
        KernelException gone = assertThrows(KernelException.class, () -> k.add(in));
        assertEquals(0, gone.errno());
    }
}
