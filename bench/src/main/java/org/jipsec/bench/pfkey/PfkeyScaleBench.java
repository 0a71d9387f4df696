package org.jipsec.bench.pfkey;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.jipsec.core.crypto.Algorithm;
import org.jipsec.core.crypto.AlgorithmKind;
import org.jipsec.core.crypto.AlgorithmTable;
import org.jipsec.core.crypto.KeyLengths;
import org.jipsec.core.ipsec.Endpoint;
import org.jipsec.core.ipsec.SaType;
import org.jipsec.core.pfkey.AlgorithmCatalog;
import org.jipsec.core.pfkey.Extension;
import org.jipsec.core.pfkey.KeyEngine;
import org.jipsec.core.pfkey.KeySettings;
import org.jipsec.core.pfkey.ListPolicyStore;
import org.jipsec.core.pfkey.PfkeyCodec;
import org.jipsec.core.pfkey.PfkeyMessage;
import org.jipsec.core.pfkey.Sadb;
import org.jipsec.io.pfkey.PfkeyClient;
import org.jipsec.io.pfkey.PfkeyServer;

/**
 * Scale of the key engine through jipsecd's PF_KEY socket: N ESP SAs (AES-CBC + HMAC-SHA1 keys) added by one
 * client (pipelined: a writer thread sends, the main thread reads the replies), then dumped completely; heap per
 * SA; inbound SPI lookup time at 1,000 SAs and at N SAs. Prints the figures.
 *
 * <pre>java -Xmx3g -cp bench/target/benchmarks.jar org.jipsec.bench.pfkey.PfkeyScaleBench [N]</pre>
 */
public final class PfkeyScaleBench {

    /** Until the algorithm table is filled (crypto issue): the two rows the benchmark's SAs use. */
    private static List<Algorithm> fallback() {
        return List.of(
                row(AlgorithmKind.ENCRYPTION, 12, "aes-cbc", KeyLengths.of(128, 192, 256), 16),
                row(AlgorithmKind.AUTHENTICATION, 3, "hmac-sha1", KeyLengths.of(160), 0));
    }

    private static Algorithm row(AlgorithmKind kind, int number, String name, KeyLengths bits, int blockBytes) {
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
            throw new LinkageError("Algorithm constructor changed", e);
        }
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        AlgorithmCatalog catalog =
                AlgorithmTable.all().isEmpty() ? AlgorithmCatalog.of(fallback()) : AlgorithmCatalog.TABLE;
        System.out.printf(
                "PF_KEY scale benchmark: %,d SAs, %s algorithm table%n",
                n, AlgorithmTable.all().isEmpty() ? "fallback" : "jipsec");

        for (int size : new int[] {1_000, 10_000, 100_000}) if (size < n) lookupAt(size, catalog);

        Path dir = Files.createTempDirectory("jipsec-bench");
        AtomicLong clock = new AtomicLong(1_700_000_000L);
        KeyEngine engine = new KeyEngine(
                new KeySettings(),
                clock::get,
                new SplittableRandom(1),
                new ListPolicyStore(() -> 1_700_000_000L, () -> 1000),
                catalog);
        long heapBefore = usedHeap();
        try (PfkeyServer server = PfkeyServer.start(engine, dir.resolve("pfkey"), 512L << 20, false);
                PfkeyClient client = PfkeyClient.connect(server.path())) {
            long t0 = System.nanoTime();
            Thread writer = Thread.ofPlatform().start(() -> {
                try {
                    for (int i = 0; i < n; i++) client.sendRaw(PfkeyCodec.encode(add(i, client.pid())));
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            int errors = 0;
            for (int i = 0; i < n; i++) {
                PfkeyMessage r = client.receive();
                if (r.errno() != 0) errors++;
            }
            writer.join();
            long addNanos = System.nanoTime() - t0;
            int size = server.withEngine(e -> e.sad().size());
            System.out.printf(
                    "add:    %,d SAs through the socket in %.1f s (%,.0f SAs/s), %d errors, SAD size %,d%n",
                    n, addNanos / 1e9, n / (addNanos / 1e9), errors, size);

            long heapAfter = usedHeap();
            System.out.printf(
                    "heap:   %,.0f bytes per SA (used heap after GC %,d MB -> %,d MB)%n",
                    (heapAfter - heapBefore) / (double) n, heapBefore >> 20, heapAfter >> 20);

            long t1 = System.nanoTime();
            Iterator<PfkeyMessage> dump = client.dump(Sadb.SADB_SATYPE_UNSPEC);
            long count = 0;
            long bytes = 0;
            int lastSeq = -1;
            while (dump.hasNext()) {
                PfkeyMessage m = dump.next();
                count++;
                bytes += PfkeyCodec.encodedLength(m);
                lastSeq = m.seq();
            }
            long dumpNanos = System.nanoTime() - t1;
            System.out.printf(
                    "dump:   %,d messages (%,d MB) in %.1f s (%,.0f msgs/s), last seq %d, dropped %d%n",
                    count, bytes >> 20, dumpNanos / 1e9, count / (dumpNanos / 1e9), lastSeq, server.droppedMessages());

            server.withEngine(e -> {
                lookupBench(e, n, "at " + String.format("%,d", n) + " SAs");
                return null;
            });
            long t2 = System.nanoTime();
            server.withEngine(e -> e.tick());
            System.out.printf(
                    "tick:   %.1f ms for one key_timehandler pass over %,d SAs%n", (System.nanoTime() - t2) / 1e6, n);
        }
        Files.deleteIfExists(dir);
    }

    private static void lookupAt(int n, AlgorithmCatalog catalog) {
        KeyEngine e = new KeyEngine(
                new KeySettings(),
                () -> 1_700_000_000L,
                new SplittableRandom(1),
                new ListPolicyStore(() -> 1_700_000_000L, () -> 1000),
                catalog);
        long s = e.openSocket();
        for (int i = 0; i < n; i++) e.handle(s, add(i, 1));
        lookupBench(e, n, "at " + String.format("%,d", n) + " SAs");
    }

    /**
     * Inbound lookups by (dst, ESP, SPI): of random SAs from the whole SAD (each lookup a cold miss: memory-bound), and
     * of a hot set of 64 SAs (packets of a few busy flows); best of 5 rounds of 2M lookups.
     */
    private static void lookupBench(KeyEngine e, int n, String label) {
        lookupPattern(e, label + ", random SA each time", 4096, n);
        lookupPattern(e, label + ", 64 hot SAs", 64, n);
    }

    private static void lookupPattern(KeyEngine e, String label, int distinct, int range) {
        SplittableRandom r = new SplittableRandom(7);
        int rounds = 2_000_000;
        int[] spis = new int[4096];
        InetAddress[] dsts = new InetAddress[4096];
        int[] pick = new int[distinct];
        for (int i = 0; i < distinct; i++) pick[i] = r.nextInt(range);
        for (int i = 0; i < spis.length; i++) {
            int k = pick[i % distinct];
            spis[i] = 0x1000 + k;
            dsts[i] = dst(k);
        }
        double best = Double.MAX_VALUE;
        long found = 0;
        for (int round = 0; round < 5; round++) {
            long t = System.nanoTime();
            for (int i = 0; i < rounds; i++) {
                int j = i & 4095;
                if (e.lookupInbound(dsts[j], SaType.ESP, spis[j]).isPresent()) found++;
            }
            best = Math.min(best, (System.nanoTime() - t) / (double) rounds);
        }
        System.out.printf("lookup: %.1f ns per inbound SPI lookup %s (%,d hits)%n", best, label, found);
    }

    private static final byte[] ENC = new byte[16];
    private static final byte[] AUTH = new byte[20];

    /** SAs spread over 256 destination addresses (256 SA heads), SPIs 0x1000 + i. */
    private static InetAddress dst(int i) {
        try {
            return InetAddress.getByAddress(new byte[] {10, 1, 0, (byte) (i & 0xff)});
        } catch (IOException ex) {
            throw new AssertionError(ex);
        }
    }

    private static PfkeyMessage add(int i, int pid) {
        try {
            return PfkeyMessage.of(
                    Sadb.SADB_ADD,
                    Sadb.SADB_SATYPE_ESP,
                    i,
                    pid,
                    List.of(
                            new Extension.Key(Sadb.SADB_EXT_KEY_ENCRYPT, 128, ENC),
                            new Extension.Key(Sadb.SADB_EXT_KEY_AUTH, 160, AUTH),
                            new Extension.Sa(0x1000 + i, 4, 0, 3, 12, Sadb.SADB_X_EXT_CYCSEQ),
                            Extension.Address.of(
                                    Sadb.SADB_EXT_ADDRESS_SRC,
                                    new Endpoint(InetAddress.getByAddress(new byte[] {10, 0, 0, 1}))),
                            Extension.Address.of(Sadb.SADB_EXT_ADDRESS_DST, new Endpoint(dst(i)))));
        } catch (IOException ex) {
            throw new AssertionError(ex);
        }
    }

    private static long usedHeap() throws InterruptedException {
        Runtime rt = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return rt.totalMemory() - rt.freeMemory();
    }
}
