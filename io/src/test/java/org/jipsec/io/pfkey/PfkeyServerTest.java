package org.jipsec.io.pfkey;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.jipsec.core.crypto.Algorithm;
import org.jipsec.core.crypto.AlgorithmKind;
import org.jipsec.core.crypto.KeyLengths;
import org.jipsec.core.ipsec.Endpoint;
import org.jipsec.core.ipsec.IpsecMode;
import org.jipsec.core.ipsec.SaType;
import org.jipsec.core.pfkey.AlgorithmCatalog;
import org.jipsec.core.pfkey.Errno;
import org.jipsec.core.pfkey.Extension;
import org.jipsec.core.pfkey.KeyEngine;
import org.jipsec.core.pfkey.KeySettings;
import org.jipsec.core.pfkey.ListPolicyStore;
import org.jipsec.core.pfkey.PfkeyException;
import org.jipsec.core.pfkey.PfkeyMessage;
import org.jipsec.core.pfkey.Sadb;
import org.jipsec.core.sad.SaIndex;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** jipsecd's PF_KEY socket end to end, on a socket in a temporary directory. */
class PfkeyServerTest {

    static final List<Algorithm> ALGS = List.of(
            row(AlgorithmKind.ENCRYPTION, 12, "aes-cbc", KeyLengths.of(128, 192, 256), 16),
            row(AlgorithmKind.AUTHENTICATION, 3, "hmac-sha1", KeyLengths.of(160), 0));

    /** An algorithm row through the record's canonical constructor by component name (fields the engine reads). */
    static Algorithm row(AlgorithmKind kind, int number, String name, KeyLengths bits, int blockBytes) {
        try {
            java.lang.reflect.RecordComponent[] rc = Algorithm.class.getRecordComponents();
            Class<?>[] types = new Class<?>[rc.length];
            Object[] args = new Object[rc.length];
            for (int i = 0; i < rc.length; i++) {
                types[i] = rc[i].getType();
                args[i] = switch (rc[i].getName()) {
                    case "kind" -> kind;
                    case "number" -> number;
                    case "name", "dumpName", "pfkeyName", "reference" -> name;
                    case "keyBits" -> bits;
                    case "blockBytes", "ivBytes" -> blockBytes;
                    case "factory" -> Algorithm.Factory.NONE;
                    default ->
                        types[i] == int.class
                                ? (Object) 0
                                : types[i] == boolean.class ? (Object) true : types[i] == List.class ? List.of() : null;
                };
            }
            return Algorithm.class.getDeclaredConstructor(types).newInstance(args);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    @TempDir
    Path dir;

    final AtomicLong clock = new AtomicLong(1_700_000_000L);
    final List<AutoCloseable> open = new ArrayList<>();
    KeyEngine engine;
    PfkeyServer server;

    PfkeyServer start(long queueBytes) throws IOException {
        engine = new KeyEngine(
                new KeySettings(),
                clock::get,
                new SplittableRandom(1),
                new ListPolicyStore(clock::get, () -> 1000),
                AlgorithmCatalog.of(ALGS));
        server = PfkeyServer.start(engine, dir.resolve("run/pfkey"), queueBytes, false);
        open.add(server);
        return server;
    }

    PfkeyClient client() throws IOException {
        PfkeyClient c = PfkeyClient.connect(server.path());
        open.add(c);
        return c;
    }

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : open.reversed()) c.close();
    }

    static InetAddress ip(String s) throws IOException {
        return InetAddress.getByName(s);
    }

    static PfkeyMessage add(PfkeyClient c, int spi, String src, String dst) throws IOException {
        byte[] enc = new byte[16];
        byte[] auth = new byte[20];
        return PfkeyMessage.of(
                Sadb.SADB_ADD,
                Sadb.SADB_SATYPE_ESP,
                c.nextSeq(),
                c.pid(),
                List.of(
                        new Extension.Key(Sadb.SADB_EXT_KEY_ENCRYPT, 128, enc),
                        new Extension.Key(Sadb.SADB_EXT_KEY_AUTH, 160, auth),
                        new Extension.Sa(spi, 4, 0, 3, 12, 0),
                        Extension.Address.of(Sadb.SADB_EXT_ADDRESS_SRC, new Endpoint(ip(src))),
                        Extension.Address.of(Sadb.SADB_EXT_ADDRESS_DST, new Endpoint(ip(dst)))));
    }

    @Test
    void roundTripAddGetDumpDelete() throws Exception {
        start(1 << 20);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(server.path())));
        PfkeyClient c = client();
        PfkeyMessage r = c.request(add(c, 0x1000, "10.0.0.1", "10.0.0.2"));
        assertEquals(0, r.errno());
        assertFalse(r.has(Sadb.SADB_EXT_KEY_ENCRYPT));
        PfkeyException dup =
                assertThrows(PfkeyException.class, () -> c.request(add(c, 0x1000, "10.0.0.1", "10.0.0.2")));
        assertEquals(Errno.EEXIST, dup.errno());
        PfkeyMessage got = c.request(PfkeyMessage.of(
                Sadb.SADB_GET,
                Sadb.SADB_SATYPE_ESP,
                c.nextSeq(),
                c.pid(),
                List.of(
                        new Extension.Sa(0x1000, 0, 0, 0, 0, 0),
                        Extension.Address.of(Sadb.SADB_EXT_ADDRESS_SRC, new Endpoint(ip("10.0.0.1"))),
                        Extension.Address.of(Sadb.SADB_EXT_ADDRESS_DST, new Endpoint(ip("10.0.0.2"))))));
        assertEquals(16, got.key(Sadb.SADB_EXT_KEY_ENCRYPT).orElseThrow().keyBytes());
        List<PfkeyMessage> dump = new ArrayList<>();
        c.dump(0).forEachRemaining(dump::add);
        assertEquals(1, dump.size());
        assertEquals(0, dump.getFirst().seq());
        c.request(PfkeyMessage.of(Sadb.SADB_FLUSH, 0, c.nextSeq(), c.pid(), List.of()));
        assertFalse(c.dump(0).hasNext(), "ENOENT: an empty dump");
        server.close();
        assertFalse(Files.exists(server.path()), "the socket file is removed on close");
    }

    @Test
    void malformedRequestIsAnsweredAndBrokenFramingClosesTheConnection() throws Exception {
        start(1 << 20);
        PfkeyClient c = client();
        // a KMPRIVATE extension: the header comes back with EINVAL
        c.sendRaw(new byte[] {2, 9, 0, 0, 3, 0, 0, 0, 7, 0, 0, 0, 1, 0, 0, 0, 1, 0, 17, 0, 0, 0, 0, 0});
        PfkeyMessage r = c.receive();
        assertEquals(Errno.EINVAL.number(), r.errno());
        assertEquals(7, r.seq());
        // sadb_msg_len 1: the stream cannot be resynchronised
        c.sendRaw(new byte[] {2, 9, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});
        assertNull(c.receiveRaw());
    }

    @Test
    void acquireGoesToTheRegisteredClientOnly() throws Exception {
        start(1 << 20);
        PfkeyClient ike = client();
        PfkeyClient other = client();
        PfkeyMessage reg = ike.register(Sadb.SADB_SATYPE_ESP);
        assertTrue(reg.has(Sadb.SADB_EXT_SUPPORTED_ENCRYPT));
        SaIndex saidx = new SaIndex(
                SaType.ESP, IpsecMode.TRANSPORT, 0, new Endpoint(ip("10.0.0.1")), new Endpoint(ip("10.0.0.9")));
        server.withEngine(e -> e.acquire(saidx, Optional.empty()), true);
        PfkeyMessage[] got = new PfkeyMessage[1];
        ike.listen(m -> {
            got[0] = m;
            return false;
        });
        PfkeyMessage acq = got[0];
        assertEquals(Sadb.SADB_ACQUIRE, acq.type());
        assertEquals(
                new Endpoint(ip("10.0.0.9")),
                acq.address(Sadb.SADB_EXT_ADDRESS_DST).orElseThrow().endpoint());
        // other sees the FLUSH broadcast first: it never got the ACQUIRE
        other.request(PfkeyMessage.of(Sadb.SADB_FLUSH, 0, other.nextSeq(), other.pid(), List.of()));
        PfkeyMessage flushSeenByIke = ike.receive();
        assertEquals(Sadb.SADB_FLUSH, flushSeenByIke.type());
    }

    @Test
    void aClientThatStopsReadingDoesNotStallOthers() throws Exception {
        start(64 << 10);
        PfkeyClient stuck = client();
        stuck.promisc(true); // gets a copy of everything, and never reads again
        PfkeyClient busy = client();
        int n = 20_000;
        for (int i = 0; i < n; i++) {
            assertEquals(
                    0,
                    busy.request(add(busy, 0x1000 + i, "10.0.0.1", "10.0.0.2")).errno());
        }
        assertTrue(server.droppedMessages() > 0, "the stuck client's overflow is dropped and counted");
        assertEquals(n, (int) server.<Integer>withEngine(e -> e.sad().size()));
    }

    @Test
    void largeDumpIsStreamedCompletely() throws Exception {
        start(64 << 10);
        int n = 30_000;
        PfkeyClient c = client();
        long loader = server.withEngine(KeyEngine::openSocket);
        for (int i = 0; i < n; i++) {
            byte[] raw = org.jipsec.core.pfkey.PfkeyCodec.encode(add(c, 0x10000 + i, "10.0.0.1", "10.0.0.2"));
            server.withEngine(e -> e.handle(loader, raw));
        }
        assertEquals(n, (int) server.<Integer>withEngine(e -> e.sad().size()));
        Iterator<PfkeyMessage> it = c.dump(Sadb.SADB_SATYPE_ESP);
        int count = 0;
        int expectSeq = n - 1;
        while (it.hasNext()) {
            PfkeyMessage m = it.next();
            assertEquals(expectSeq--, m.seq());
            count++;
        }
        assertEquals(n, count);
        assertEquals(0, server.droppedMessages(), "dumps are never dropped");
    }

    @Test
    void aClientVanishingMidDumpLeavesTheServerServing() throws Exception {
        start(64 << 10);
        PfkeyClient loaderClient = client();
        long loader = server.withEngine(KeyEngine::openSocket);
        for (int i = 0; i < 20_000; i++) {
            byte[] raw =
                    org.jipsec.core.pfkey.PfkeyCodec.encode(add(loaderClient, 0x10000 + i, "10.0.0.1", "10.0.0.3"));
            server.withEngine(e -> e.handle(loader, raw));
        }
        PfkeyClient quitter = PfkeyClient.connect(server.path());
        quitter.send(PfkeyMessage.of(Sadb.SADB_DUMP, 0, 1, quitter.pid(), List.of()));
        quitter.receiveRaw();
        quitter.close();
        PfkeyClient other = client();
        assertEquals(
                0, other.request(add(other, 0x9000, "10.0.0.1", "10.0.0.4")).errno());
        int count = 0;
        for (Iterator<PfkeyMessage> it = other.dump(0); it.hasNext(); it.next()) count++;
        assertEquals(20_001, count);
        assertEquals(List.of(), server.<List<String>>withEngine(KeyEngine::checkInvariants));
    }

    @Test
    void anOversizedRequestIsSkippedWithoutBufferingAndAnsweredWithEnobufs() throws Exception {
        start(1 << 20);
        PfkeyClient c = client();
        byte[] big = new byte[Sadb.MAX_MESSAGE_BYTES]; // sadb_msg_len 0xffff: 512 KB promised and sent
        big[0] = Sadb.PF_KEY_V2;
        big[1] = (byte) Sadb.SADB_FLUSH;
        big[4] = (byte) 0xff;
        big[5] = (byte) 0xff;
        big[8] = 9; // seq
        c.sendRaw(big);
        PfkeyMessage r = c.receive();
        assertEquals(Errno.ENOBUFS.number(), r.errno());
        assertEquals(Sadb.SADB_FLUSH, r.type());
        assertEquals(9, r.seq());
        assertEquals(1, server.oversizedRequests());
        // the stream is still in step: the next request is answered
        assertEquals(0, c.request(add(c, 0x1000, "10.0.0.1", "10.0.0.2")).errno());
    }

    @Test
    void dumpsOfAClientThatNeverReadsCountAgainstItsQueueBound() throws Exception {
        long bound = 64 << 10;
        start(bound);
        PfkeyClient loaderClient = client();
        long loader = server.withEngine(KeyEngine::openSocket);
        int sas = 2_000;
        for (int i = 0; i < sas; i++) {
            byte[] raw =
                    org.jipsec.core.pfkey.PfkeyCodec.encode(add(loaderClient, 0x10000 + i, "10.0.0.1", "10.0.0.2"));
            server.withEngine(e -> e.handle(loader, raw));
        }
        int requests = 5_000;
        try (java.nio.channels.SocketChannel ch =
                java.nio.channels.SocketChannel.open(java.net.UnixDomainSocketAddress.of(server.path()))) {
            java.nio.ByteBuffer dumps = java.nio.ByteBuffer.allocate(16 * requests);
            for (int i = 0; i < requests; i++) {
                dumps.put(org.jipsec.core.pfkey.PfkeyCodec.encode(
                        PfkeyMessage.of(Sadb.SADB_DUMP, 0, i + 1, 4242, List.of())));
            }
            dumps.flip();
            while (dumps.hasRemaining()) ch.write(dumps); // and never read a byte
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (handledDumps() + server.refusedDumps() < requests && System.nanoTime() < deadline) Thread.sleep(20);
            assertEquals(requests, handledDumps() + server.refusedDumps(), "every DUMP request was answered");
            assertTrue(
                    server.refusedDumps() > requests / 2,
                    "refused with ENOBUFS once the queue was full: " + server.refusedDumps());
            // the stated bound: the client's queue bound, plus one dump's snapshot, plus one message
            long snapshot = PfkeyServer.MESSAGE_OVERHEAD + sas * PfkeyServer.DUMP_ENTRY_BYTES;
            assertTrue(
                    server.queuedBytes() <= bound + snapshot + 256,
                    "queued " + server.queuedBytes() + " > " + (bound + snapshot));
        }
        // once the client is gone, everything it held is released
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (server.queuedBytes() != 0 && System.nanoTime() < deadline) Thread.sleep(20);
        assertEquals(0, server.queuedBytes());
        PfkeyClient other = client();
        int count = 0;
        for (Iterator<PfkeyMessage> it = other.dump(0); it.hasNext(); it.next()) count++;
        assertEquals(sas, count);
    }

    private long handledDumps() {
        return server.<Long>withEngine(e -> e.statistics().requestsByType()[Sadb.SADB_DUMP]);
    }
}
