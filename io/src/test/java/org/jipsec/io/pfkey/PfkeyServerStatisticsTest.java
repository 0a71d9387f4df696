package org.jipsec.io.pfkey;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.jipsec.core.pfkey.AlgorithmCatalog;
import org.jipsec.core.pfkey.KeyEngine;
import org.jipsec.core.pfkey.KeySettings;
import org.jipsec.core.pfkey.ListPolicyStore;
import org.jipsec.core.pfkey.PfkeyStatistics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What only the socket layer knows, in {@code net.key.stats}: a PF_KEY connection broken by a bad frame (SOCKERR). */
class PfkeyServerStatisticsTest {

    @TempDir
    Path dir;

    @Test
    void aFrameThatCannotBeResynchronisedIsASocketError() throws Exception {
        AtomicLong clock = new AtomicLong(1_700_000_000L);
        KeyEngine engine = new KeyEngine(
                new KeySettings(),
                clock::get,
                new SplittableRandom(1),
                new ListPolicyStore(clock::get, () -> 1000),
                AlgorithmCatalog.of(PfkeyServerTest.ALGS));
        try (PfkeyServer server = PfkeyServer.start(engine, dir.resolve("pfkey"), 1 << 20, false)) {
            try (PfkeyClient c = PfkeyClient.connect(server.path())) {
                byte[] bad = new byte[16];
                bad[0] = 2;
                bad[1] = 9;
                bad[4] = 1; // sadb_msg_len 1: shorter than its own header, the stream cannot be resynchronised
                c.sendRaw(bad);
                // the server's reader refuses the frame and closes the connection: bounded wait until it has counted
                for (int i = 0; i < 500 && sockerr(server) == 0; i++) Thread.sleep(10);
            }
            long[] s = server.withEngine(KeyEngine::pfkeyStatistics);
            assertEquals(1, s[PfkeyStatistics.PFKEY_STAT_SOCKERR]);
            assertEquals(0, s[PfkeyStatistics.PFKEY_STAT_OUT_TOTAL], "no request reached the key engine");
            assertTrue(s.length == PfkeyStatistics.PFKEY_NSTATS);
        }
    }

    private static long sockerr(PfkeyServer server) {
        return server.withEngine(KeyEngine::pfkeyStatistics)[PfkeyStatistics.PFKEY_STAT_SOCKERR];
    }
}
