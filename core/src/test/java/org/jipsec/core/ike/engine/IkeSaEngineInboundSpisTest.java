package org.jipsec.core.ike.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import org.jipsec.core.ike.config.ConfigSource;
import org.jipsec.core.ike.config.IkeConfig;
import org.jipsec.core.ike.config.SwanctlConfig;
import org.junit.jupiter.api.Test;

/**
 * The daemon's SPI source (PF_KEY GETSPI) gives the inbound ESP SPIs, on both sides, for the first CHILD_SA and for
 * a rekeyed one; the peer's outbound SPI is what our source gave. (Before: always drawn from the random source.)
 */
class IkeSaEngineInboundSpisTest {

    static IkeSaEngine engine(IkeSaEngine.Role role, String text, InboundSpis spis) throws Exception {
        ConfigSource src = new ConfigSource() {
            @Override
            public String read(String path) {
                return path.equals("/c.conf") ? text : null;
            }

            @Override
            public List<String> glob(String pattern, String directory) {
                return List.of();
            }
        };
        IkeConfig cfg = SwanctlConfig.load("/c.conf", src);
        IkeConfig.Connection c = cfg.connections().getFirst();
        boolean initiator = role == IkeSaEngine.Role.INITIATOR;
        return new IkeSaEngine(
                role,
                IkeSaConfig.of(
                        c, c.local().getFirst().id(), cfg.secrets().getFirst().secret()),
                new SecureRandom(),
                initiator ? IkeSaEngineTest.I : IkeSaEngineTest.R,
                initiator ? IkeSaEngineTest.R : IkeSaEngineTest.I,
                spis);
    }

    @Test
    void inboundSpisComeFromTheInjectedSource() throws Exception {
        List<Boolean> iAsked = new ArrayList<>();
        List<Boolean> rAsked = new ArrayList<>();
        int[] next = {0x1000, 0x2000};
        IkeSaEngine i = engine(
                IkeSaEngine.Role.INITIATOR,
                IkeSaEngineTest.conf(
                        "10.98.0.1",
                        "10.98.0.2",
                        "aes128gcm16-prfsha256-x25519",
                        "aes128gcm16",
                        "10.98.1.0/24",
                        "10.98.2.0/24",
                        "k"),
                encap -> {
                    iAsked.add(encap);
                    return ++next[0];
                });
        IkeSaEngine r = engine(
                IkeSaEngine.Role.RESPONDER,
                IkeSaEngineTest.conf(
                        "10.98.0.2",
                        "10.98.0.1",
                        "aes128gcm16-prfsha256-x25519",
                        "aes128gcm16",
                        "10.98.2.0/24",
                        "10.98.1.0/24",
                        "k"),
                encap -> {
                    rAsked.add(encap);
                    return ++next[1];
                });
        IkeSaEngineTest.Link l = new IkeSaEngineTest.Link(i, r);
        l.run(new IkeEvent.Initiate(0));
        IkeAction.InstallChild ci = l.only(l.iActions, IkeAction.InstallChild.class);
        IkeAction.InstallChild cr = l.only(l.rActions, IkeAction.InstallChild.class);
        assertEquals(0x1001, ci.spiIn());
        assertEquals(0x2001, cr.spiIn());
        assertEquals(0x2001, ci.spiOut());
        assertEquals(List.of(false), iAsked, "one SPI, no NAT between the two");
        assertEquals(List.of(false), rAsked);

        // a child rekey (§1.3.3) takes the new inbound SPI from the source as well, on both sides
        l.iActions.clear();
        l.rActions.clear();
        l.run(new IkeEvent.RekeyChild(0x1001, 1000));
        List<IkeAction.InstallChild> installs = l.iActions.stream()
                .filter(IkeAction.InstallChild.class::isInstance)
                .map(IkeAction.InstallChild.class::cast)
                .toList();
        assertEquals(1, installs.size(), l.iActions.toString());
        assertEquals(0x1002, installs.getFirst().spiIn());
        assertEquals(0x2002, installs.getFirst().spiOut());
    }
}
