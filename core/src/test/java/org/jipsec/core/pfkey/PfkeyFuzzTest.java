package org.jipsec.core.pfkey;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.List;

/**
 * Jazzer fuzzing of the PF_KEY decoder and of the key engine fed message sequences (spec §1.9: only the declared
 * exception; the databases stay consistent). Runs in regression mode under surefire; seeds in
 * src/test/resources/org/jipsec/core/pfkey/PfkeyFuzzTestInputs/.
 */
class PfkeyFuzzTest {

    /** Decoding arbitrary bytes throws only PfkeyException; what decodes re-encodes to a message that decodes equal. */
    @FuzzTest(maxDuration = "30s")
    void decoder(byte[] data) {
        PfkeyMessage m;
        try {
            m = PfkeyCodec.decode(data, 0, data.length, Sadb.MAX_MESSAGE_BYTES);
        } catch (PfkeyException e) {
            return;
        }
        byte[] again = PfkeyCodec.encode(m);
        try {
            assertEquals(m, PfkeyCodec.decode(again, 0, again.length, Sadb.MAX_MESSAGE_BYTES));
        } catch (PfkeyException e) {
            throw new AssertionError("our own encoding does not decode: " + e.getMessage(), e);
        }
        assertArrayEquals(again, PfkeyCodec.encode(m));
        KeyDebug.format(m, true); // the monitor prints whatever decodes
    }

    /**
     * The engine fed a sequence of requests from a few sockets, as raw bytes (mutated seeds) or stitched from the
     * hand-built messages, with clock advances and ticks: no exception escapes and the invariants hold throughout.
     */
    @FuzzTest(maxDuration = "30s")
    void engine(FuzzedDataProvider data) {
        Fixture f = new Fixture(data.consumeLong(), data.consumeBoolean());
        KeyEngine e = f.engine;
        long[] sockets = {e.openSocket(), e.openSocket(), e.openSocket()};
        List<byte[]> seeds = EngineSequences.SEEDS;
        int steps = data.consumeInt(1, 64);
        for (int i = 0; i < steps && data.remainingBytes() > 0; i++) {
            long sock = sockets[data.consumeInt(0, sockets.length - 1)];
            switch (data.consumeInt(0, 5)) {
                case 0 -> e.handle(sock, data.consumeBytes(data.consumeInt(0, 600)));
                case 1, 2 ->
                    e.handle(
                            sock,
                            EngineSequences.mutate(
                                    seeds.get(data.consumeInt(0, seeds.size() - 1)),
                                    data.consumeInt(),
                                    data.consumeInt(0, 3)));
                case 3 -> e.handle(sock, seeds.get(data.consumeInt(0, seeds.size() - 1)));
                case 4 -> {
                    f.clock.addAndGet(data.consumeInt(0, 40));
                    e.tick();
                }
                default -> {
                    Outcome o = e.handle(sock, PfkeyCodec.encode(Fixture.bare(Sadb.SADB_DUMP, 0)));
                    o.dump().ifPresent(d -> {
                        while (d.stream().hasNext()) d.stream().next();
                    });
                }
            }
            List<String> problems = e.checkInvariants();
            if (!problems.isEmpty()) throw new AssertionError(problems.toString());
        }
    }
}
