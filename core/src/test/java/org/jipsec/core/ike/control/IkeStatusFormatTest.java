package org.jipsec.core.ike.control;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Golden output of {@code jipsec ike status} (swanctl --list-sas layout). */
class IkeStatusFormatTest {

    @Test
    void establishedAndConnectingSasAsSwanctlListsThem() {
        assertEquals("""
                home: #1, ESTABLISHED, IKEv2, 8a3e9f2c1b4d5e6f_i* 1122334455667788_r
                  local  'moon.example.org' @ 192.0.2.1[4500] [NAT]
                  remote 'sun.example.org' @ 198.51.100.7[4500]
                  AES_GCM_16-128/PRF_HMAC_SHA2_256/CURVE_25519
                  established 300s ago, rekeying in 13965s
                  net: #1, INSTALLED, TUNNEL-in-UDP, ESP:AES_GCM_16-128/NO_EXT_SEQ
                    installed 300s ago, rekeying in 3000s
                    in  c2ebd00c, 123456 bytes,  1024 packets
                    out c7e54c46, 654321 bytes,  2048 packets
                    local  10.1.0.0/16
                    remote 10.2.0.0/16 10.3.0.0/16
                  host: #2, REKEYING, TRANSPORT, ESP:CHACHA20_POLY1305
                    installed 5s ago
                    in  00000101
                    out 00000202
                    local  192.0.2.1/32[udp/53]
                    remote (none)
                office: #2, CONNECTING, IKEv2, 0000000000000abc_i 0000000000000000_r*
                  local  'moon.example.org' @ 192.0.2.1[500]
                  remote '%any' @ 203.0.113.9[500]
                loaded connections: home, office, road
                """, IkeStatusFormat.format(StatusSamples.sample()));
    }

    @Test
    void nothingLoaded() {
        assertEquals(
                "no IKE SAs\nloaded connections: none\n", IkeStatusFormat.format(new IkeStatus(List.of(), List.of())));
    }
}
