package org.jipsec.core.pfkey;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** {@code setkey -x} style output (libipsec key_debug.c kdebug_sadb; spec §3.5). */
class KeyDebugTest {

    @Test
    void addAsKdebugPrintsIt() throws Exception {
        PfkeyMessage m = PfkeyCodec.decode(PfkeyCodecTest.ADD_ESP);
        String hidden = KeyDebug.format(m, false).replace(System.lineSeparator(), "\n");
        assertTrue(hidden.startsWith("""
                sadb_msg{ version=2 type=3 errno=0 satype=3
                  len=17 reserved=0 seq=0 pid=4711
                sadb_ext{ len=2 type=9 }
                sadb_key{ bits=64 reserved=0
                  key=(hidden) }
                sadb_ext{ len=3 type=8 }
                """), hidden);
        assertTrue(hidden.contains("""
                sadb_sa{ spi=65537 replay=0 state=0
                  auth=2 encrypt=2 flags=0x00000040 }
                """), hidden);
        assertTrue(hidden.contains("""
                sadb_address{ proto=255 prefixlen=32 reserved=0x0000 }
                sockaddr{ len=16 family=2 port=0
                 0a000b29
                  }
                """), hidden);
        assertFalse(hidden.contains("3ffe0501"));
        String shown = KeyDebug.format(m, true);
        assertTrue(shown.contains("key= 3ffe0501 4819ffff }"), shown);
        assertEquals(6, hidden.lines().filter(l -> l.startsWith("sadb_ext{")).count());
    }
}
