package org.jipsec.core.sad;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.jipsec.core.ipsec.Endpoint;
import org.jipsec.core.ipsec.IpsecMode;
import org.jipsec.core.ipsec.SaType;
import org.junit.jupiter.api.Test;

/** The open-addressing SPI table against a HashMap on random operations (few distinct keys: many collisions). */
class SpiIndexTest {

    @Test
    void behavesLikeAMap() throws Exception {
        SaHead head = new SaHead(new SaIndex(
                SaType.ESP,
                IpsecMode.ANY,
                0,
                new Endpoint(InetAddress.getByName("10.0.0.1")),
                new Endpoint(InetAddress.getByName("10.0.0.2"))));
        SplittableRandom r = new SplittableRandom(5);
        for (int run = 0; run < 50; run++) {
            SpiIndex index = new SpiIndex();
            Map<Integer, SecurityAssociation> model = new HashMap<>();
            int range = 1 + r.nextInt(2000);
            for (int step = 0; step < 5000; step++) {
                int spi = r.nextInt(range) * (r.nextBoolean() ? 1 : 65536);
                switch (r.nextInt(3)) {
                    case 0, 1 -> {
                        SecurityAssociation sa =
                                new SecurityAssociation(head, SaValues.larval(spi, 0, 0), SaState.MATURE, 0);
                        assertSame(model.put(spi, sa), index.put(spi, sa));
                    }
                    default -> {
                        model.remove(spi);
                        index.remove(spi);
                    }
                }
                int probe = r.nextInt(range) * (r.nextBoolean() ? 1 : 65536);
                assertSame(model.get(probe), index.get(probe));
                assertEquals(model.size(), index.size());
            }
            for (Map.Entry<Integer, SecurityAssociation> e : model.entrySet())
                assertSame(e.getValue(), index.get(e.getKey()));
        }
    }
}
