package org.jipsec.core.ike.engine;

import java.util.List;
import java.util.Random;
import org.jipsec.core.ike.codec.IkeCodecMutations;
import org.junit.jupiter.api.Test;

/**
 * Hostile datagrams for an engine in each state of the initial exchanges (seeded, no jqwik): the real
 * messages of an exchange, mutated (bit flips, truncation, length rewrites), must never make the engine
 * throw — they are dropped or answered — whatever state it is in.
 */
class IkeSaEngineMutationTest {

    @Test
    void mutatedMessagesNeverThrow() throws Exception {
        IkeSaEngineTest.Link ref = IkeSaEngineTest.establish(
                "aes256-sha256-modp2048", "aes256-sha256-modp2048", "aes128-sha256", "aes128-sha256");
        List<byte[]> wire = ref.wire;
        Random rnd = new Random(7296);
        for (int i = 0; i < 150; i++) {
            // fresh pair, advanced to a random point of the exchange, then hit with a mutant of a real message
            IkeSaEngine ini = IkeSaEngineTest.engine(
                    IkeSaEngine.Role.INITIATOR,
                    IkeSaEngineTest.conf(
                            "10.98.0.1",
                            "10.98.0.2",
                            "aes256-sha256-modp2048",
                            "aes128-sha256",
                            "10.98.1.0/24",
                            "10.98.2.0/24",
                            "s3cret-lab"),
                    1);
            IkeSaEngine res = IkeSaEngineTest.engine(
                    IkeSaEngine.Role.RESPONDER,
                    IkeSaEngineTest.conf(
                            "10.98.0.2",
                            "10.98.0.1",
                            "aes256-sha256-modp2048",
                            "aes128-sha256",
                            "10.98.2.0/24",
                            "10.98.1.0/24",
                            "s3cret-lab"),
                    2);
            IkeSaEngineTest.Link l = new IkeSaEngineTest.Link(ini, res);
            l.dropNth = rnd.nextInt(4);
            l.run(new IkeEvent.Initiate(0));
            for (int k = 0; k < 20; k++) {
                byte[] m = IkeCodecMutations.mutate(wire.get(rnd.nextInt(wire.size())), rnd);
                IkeSaEngine target = rnd.nextBoolean() ? ini : res;
                try {
                    target.handle(new IkeEvent.Datagram(IkeSaEngineTest.R, IkeSaEngineTest.I, m, 1_000));
                    target.handle(new IkeEvent.Timer(100_000));
                } catch (RuntimeException e) {
                    throw new AssertionError("engine " + target + " threw on mutant " + i + "/" + k + ": " + e, e);
                }
            }
        }
    }
}
