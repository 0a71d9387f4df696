package org.jipsec.core.ike.engine;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.sun.management.ThreadMXBean;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.List;

/**
 * Jazzer fuzzing of the IKE engine fed arbitrary datagrams (issue #14 Proof: "the IKE parser fuzzed ... no
 * exception escapes, no allocation beyond the datagram's size"). Each input goes, as it is, to a fresh responder
 * (what the daemon creates for an unknown IKE_SA_INIT) and to both engines of an established pair; and, with the
 * established SA's SPIs, version and length spliced into its header as request and as response, so that it gets
 * past the header checks into the message-ID window, the response cache and SK verification (§2.1, §2.21). No
 * exception may escape {@link IkeSaEngine#handle}; a datagram the engine drops (no action) may not allocate more
 * than a bounded multiple of its size, whatever its length fields say. Regression mode over strongSwan's recorded
 * messages (src/test/resources/.../IkeEngineFuzzTestInputs/, all four recorded runs) under surefire; with
 * JAZZER_FUZZ=1 it fuzzes.
 */
class IkeEngineFuzzTest {

    /** Fixed overhead a dropped datagram may allocate (cipher state, exceptions' messages), and the factor. */
    private static final long ALLOCATION_BASE = 64 * 1024;

    private static final long ALLOCATION_PER_BYTE = 16;

    private static IkeSimulation pair;
    private static IkeSaConfig responderConfig;
    private static long seed;

    private static synchronized IkeSimulation pair() throws Exception {
        if (pair == null) {
            pair = IkeInformationalTest.established("0s", 77, 0, 0, 0);
            responderConfig = IkeSaConfig.of(
                    org.jipsec.core.ike.config.SwanctlConfig.load(
                                    "/c.conf", new org.jipsec.core.ike.config.ConfigSource() {
                                        @Override
                                        public String read(String path) {
                                            return IkeInformationalTest.conf(
                                                    "10.98.0.2",
                                                    "10.98.0.1",
                                                    "10.98.2.0/24",
                                                    "10.98.1.0/24",
                                                    "0s",
                                                    "clear");
                                        }

                                        @Override
                                        public List<String> glob(String pattern, String directory) {
                                            return List.of();
                                        }
                                    })
                            .connections()
                            .getFirst(),
                    null,
                    "s3cret-lab".getBytes());
        }
        return pair;
    }

    @FuzzTest(maxDuration = "30s")
    void engineDropsOrAnswersAnyDatagram(byte[] data) throws Exception {
        IkeSimulation s = pair();
        SecureRandom rnd = SecureRandom.getInstance("SHA1PRNG");
        rnd.setSeed(seed++);
        IkeSaEngine fresh =
                new IkeSaEngine(IkeSaEngine.Role.RESPONDER, responderConfig, rnd, IkeSaEngineTest.R, IkeSaEngineTest.I);
        feed(fresh, data);
        feed(s.a, data);
        feed(s.b, data);
        if (data.length >= 28) {
            for (IkeSaEngine e : List.of(s.a, s.b)) {
                for (boolean response : new boolean[] {false, true}) feed(e, splice(data, e, response));
            }
        }
    }

    private static byte[] splice(byte[] data, IkeSaEngine e, boolean response) {
        byte[] b = data.clone();
        ByteBuffer h = ByteBuffer.wrap(b);
        h.putLong(0, e.spiI()).putLong(8, e.spiR());
        b[17] = 0x20; // version 2.0
        b[19] = (byte) ((b[19] & ~0x28) | (e.role() == IkeSaEngine.Role.INITIATOR ? 0x08 : 0) | (response ? 0x20 : 0));
        h.putInt(24, b.length);
        return b;
    }

    private static void feed(IkeSaEngine e, byte[] bytes) {
        // any exception other than the test's own fails the fuzz target: handle() must never throw
        long allocated = handle(e, bytes);
        if (allocated > ALLOCATION_BASE + ALLOCATION_PER_BYTE * bytes.length) {
            // the first use of a cipher or a code path initialises classes; a dropped datagram leaves the engine
            // as it was, so the same datagram again shows what it costs itself
            allocated = handle(e, bytes);
            assertTrue(
                    allocated <= ALLOCATION_BASE + ALLOCATION_PER_BYTE * bytes.length,
                    "a dropped " + bytes.length + "-byte datagram allocated " + allocated + " bytes");
        }
    }

    /** Bytes allocated handling the datagram if the engine dropped it, else 0. */
    private static long handle(IkeSaEngine e, byte[] bytes) {
        ThreadMXBean mx = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().threadId();
        long before = mx.getThreadAllocatedBytes(tid);
        List<IkeAction> actions = e.handle(new IkeEvent.Datagram(IkeSaEngineTest.I, IkeSaEngineTest.R, bytes, 1_000));
        long allocated = mx.getThreadAllocatedBytes(tid) - before;
        return actions.isEmpty() ? allocated : 0;
    }
}
