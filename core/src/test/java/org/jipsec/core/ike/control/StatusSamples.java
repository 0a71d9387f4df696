package org.jipsec.core.ike.control;

import java.util.List;
import org.jipsec.core.ike.control.IkeStatus.ChildSaStatus;
import org.jipsec.core.ike.control.IkeStatus.IkeSaStatus;

/** A snapshot with one established SA (NAT, two children) and one being negotiated, for the codec and formatter tests. */
final class StatusSamples {
    private StatusSamples() {}

    static IkeStatus sample() {
        ChildSaStatus net = new ChildSaStatus(
                "net",
                1,
                "INSTALLED",
                "tunnel",
                true,
                "c2ebd00c",
                "c7e54c46",
                "AES_GCM_16-128/NO_EXT_SEQ",
                List.of("10.1.0.0/16"),
                List.of("10.2.0.0/16", "10.3.0.0/16"),
                123456,
                1024,
                654321,
                2048,
                300,
                3000);
        ChildSaStatus host = new ChildSaStatus(
                "host",
                2,
                "REKEYING",
                "transport",
                false,
                "00000101",
                "00000202",
                "CHACHA20_POLY1305",
                List.of("192.0.2.1/32[udp/53]"),
                List.of(),
                -1,
                -1,
                -1,
                -1,
                5,
                -1);
        IkeSaStatus home = new IkeSaStatus(
                "home",
                1,
                "ESTABLISHED",
                true,
                "192.0.2.1[4500]",
                "198.51.100.7[4500]",
                "moon.example.org",
                "sun.example.org",
                "8a3e9f2c1b4d5e6f",
                "1122334455667788",
                "AES_GCM_16-128/PRF_HMAC_SHA2_256/CURVE_25519",
                true,
                false,
                300,
                13965,
                List.of(net, host));
        IkeSaStatus office = new IkeSaStatus(
                "office",
                2,
                "CONNECTING",
                false,
                "192.0.2.1[500]",
                "203.0.113.9[500]",
                "moon.example.org",
                "%any",
                "0000000000000abc",
                "0000000000000000",
                "",
                false,
                false,
                -1,
                -1,
                List.of());
        return new IkeStatus(List.of("home", "office", "road"), List.of(home, office));
    }
}
