package org.jipsec.io.pfkey;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.random.RandomGenerator;
import org.jipsec.core.ipsec.Endpoint;
import org.jipsec.core.pfkey.AlgorithmCatalog;
import org.jipsec.core.pfkey.Errno;
import org.jipsec.core.pfkey.Extension;
import org.jipsec.core.pfkey.KeyEngine;
import org.jipsec.core.pfkey.KeySettings;
import org.jipsec.core.pfkey.ListPolicyStore;
import org.jipsec.core.pfkey.PfkeyCodec;
import org.jipsec.core.pfkey.PfkeyException;
import org.jipsec.core.pfkey.PfkeyMessage;
import org.jipsec.core.pfkey.Sadb;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #12 items 6 and 7 through the PF_KEY socket: success replies and broadcasts carry {@code sadb_msg_errno = 0}
 * whatever the request's errno; a GETSPI draws its candidates without holding the engine lock (the lock the data
 * plane takes), checked by a probe in the engine's random source, not by timing; a request's bytes are zeroed once
 * handled.
 */
class PfkeyServerHygieneTest {

    @TempDir
    Path dir;

    final AtomicLong clock = new AtomicLong(1_700_000_000L);
    final List<AutoCloseable> open = new ArrayList<>();
    final AtomicReference<PfkeyServer> server = new AtomicReference<>();
    final KeySettings settings = new KeySettings();

    /** The engine's random source, which notes whether the drawing thread holds the engine lock. */
    final class LockProbe implements RandomGenerator {
        final SplittableRandom r = new SplittableRandom(7);
        final AtomicLong draws = new AtomicLong();
        final AtomicLong drawsUnderLock = new AtomicLong();

        @Override
        public long nextLong() {
            draws.incrementAndGet();
            PfkeyServer s = server.get();
            if (s != null && s.lock().isHeldByCurrentThread()) drawsUnderLock.incrementAndGet();
            synchronized (r) {
                return r.nextLong();
            }
        }
    }

    final LockProbe probe = new LockProbe();
    final List<byte[]> handled = new CopyOnWriteArrayList<>();

    PfkeyServer start() throws IOException {
        KeyEngine engine = new KeyEngine(
                settings,
                clock::get,
                probe,
                new ListPolicyStore(clock::get, () -> 1000),
                AlgorithmCatalog.of(PfkeyServerTest.ALGS));
        PfkeyServer s = PfkeyServer.start(
                engine,
                (id, raw) -> {
                    handled.add(raw);
                    return engine.handle(id, raw);
                },
                dir.resolve("run/pfkey"));
        server.set(s);
        open.add(s);
        return s;
    }

    PfkeyClient client() throws IOException {
        PfkeyClient c = PfkeyClient.connect(server.get().path());
        open.add(c);
        return c;
    }

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : open.reversed()) c.close();
    }

    static Extension.Address src(String a) throws IOException {
        return Extension.Address.of(Sadb.SADB_EXT_ADDRESS_SRC, new Endpoint(PfkeyServerTest.ip(a)));
    }

    static Extension.Address dst(String a) throws IOException {
        return Extension.Address.of(Sadb.SADB_EXT_ADDRESS_DST, new Endpoint(PfkeyServerTest.ip(a)));
    }

    @Test
    void successRepliesAndBroadcastsCarryErrnoZero() throws Exception {
        start();
        PfkeyClient a = client();
        PfkeyClient listener = client();
        PfkeyClient promisc = client();
        promisc.promisc(true);
        List<PfkeyMessage> requests = List.of(
                PfkeyServerTest.add(a, 0x1000, "10.0.0.1", "10.0.0.2"),
                PfkeyMessage.of(
                        Sadb.SADB_DELETE,
                        Sadb.SADB_SATYPE_ESP,
                        a.nextSeq(),
                        a.pid(),
                        List.of(new Extension.Sa(0x1000, 0, 0, 0, 0, 0), src("10.0.0.1"), dst("10.0.0.2"))),
                PfkeyMessage.of(Sadb.SADB_FLUSH, 0, a.nextSeq(), a.pid(), List.of()),
                PfkeyMessage.of(Sadb.SADB_X_SPDFLUSH, 0, a.nextSeq(), a.pid(), List.of()));
        for (PfkeyMessage r : requests) {
            PfkeyMessage withErrno = r.withErrno(5);
            PfkeyMessage reply = a.request(withErrno); // throws if the reply's errno is not 0
            assertEquals(0, reply.errno());
            assertEquals(0, next(listener, r.type(), false)[2], "broadcast of " + Sadb.messageName(r.type()));
            assertEquals(0, next(promisc, r.type(), true)[2], "promiscuous copy of " + Sadb.messageName(r.type()));
        }
    }

    /** The next message of {@code type} the client gets (a promiscuous copy, unwrapped, when {@code wrapped}). */
    private static byte[] next(PfkeyClient c, int type, boolean wrapped) throws IOException {
        for (int i = 0; i < 20; i++) {
            byte[] raw = c.receiveRaw();
            if (raw == null) break;
            java.util.Optional<byte[]> inner = PfkeyCodec.unwrapPromisc(raw);
            if (inner.isPresent() != wrapped) continue;
            byte[] m = inner.orElse(raw);
            if ((m[1] & 0xff) == type) return m;
        }
        throw new AssertionError("no " + Sadb.messageName(type) + (wrapped ? " promiscuous copy" : ""));
    }

    @Test
    void getspiDrawsItsCandidatesWithoutTheEngineLock() throws Exception {
        start();
        PfkeyClient c = client();
        c.request(PfkeyServerTest.add(c, 0x1000, "10.0.0.1", "10.0.0.2"));
        c.request(PfkeyServerTest.add(c, 0x1001, "10.0.0.1", "10.0.0.2"));
        settings.spiTry = org.jipsec.core.sysctl.Sysctl.SPI_TRY_MAX;
        probe.draws.set(0);
        // a full range: every one of spi_try candidates is drawn, and none is free
        PfkeyException full = assertThrows(
                PfkeyException.class,
                () -> c.request(PfkeyMessage.of(
                        Sadb.SADB_GETSPI,
                        Sadb.SADB_SATYPE_ESP,
                        c.nextSeq(),
                        c.pid(),
                        List.of(src("10.0.0.1"), dst("10.0.0.3"), new Extension.SpiRange(0x1000, 0x1001)))));
        assertEquals(Errno.EINVAL, full.errno());
        assertEquals(org.jipsec.core.sysctl.Sysctl.SPI_TRY_MAX, probe.draws.get());
        // the widest range: found at once
        PfkeyMessage ok = c.request(PfkeyMessage.of(
                Sadb.SADB_GETSPI,
                Sadb.SADB_SATYPE_ESP,
                c.nextSeq(),
                c.pid(),
                List.of(src("10.0.0.1"), dst("10.0.0.3"), new Extension.SpiRange(0x100, 0xffffffff))));
        assertTrue(Integer.toUnsignedLong(ok.sa().orElseThrow().spi()) >= 0x100);
        assertEquals(0, probe.drawsUnderLock.get(), "no GETSPI candidate was drawn under the engine lock");
    }

    @Test
    void aRequestsBytesAreZeroedOnceHandled() throws Exception {
        start();
        PfkeyClient c = client();
        PfkeyMessage add = PfkeyServerTest.add(c, 0x2000, "10.0.0.1", "10.0.0.2");
        c.request(add);
        assertEquals(1, handled.size());
        byte[] raw = handled.getFirst();
        assertEquals(PfkeyCodec.encode(add).length, raw.length);
        for (int i = 0; i < 500 && !allZero(raw); i++) Thread.sleep(10); // zeroed by the reader after the reply
        assertArrayEquals(new byte[raw.length], raw);
    }

    private static boolean allZero(byte[] b) {
        for (byte x : b) if (x != 0) return false;
        return true;
    }
}
