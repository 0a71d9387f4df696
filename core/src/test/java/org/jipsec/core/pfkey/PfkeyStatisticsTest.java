package org.jipsec.core.pfkey;

import static org.jipsec.core.pfkey.Fixture.addEsp;
import static org.jipsec.core.pfkey.Fixture.bare;
import static org.jipsec.core.pfkey.Fixture.dst;
import static org.jipsec.core.pfkey.Fixture.msg;
import static org.jipsec.core.pfkey.Fixture.src;
import static org.jipsec.core.pfkey.PfkeyStatistics.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.jipsec.core.sysctl.Sysctl;
import org.junit.jupiter.api.Test;

/**
 * {@code net.key.stats} (NetBSD {@code pfkeystat}, keysock.h 1.13 indices): malformed and valid requests through the
 * key engine, then the counters NetBSD's key_output / key_parse / key_align / key_sendup_mbuf would have.
 */
class PfkeyStatisticsTest {

    final Fixture f = new Fixture();
    final KeyEngine e = f.engine;
    final long a = e.openSocket();
    final long b = e.openSocket();

    private long[] s() {
        return e.pfkeyStatistics();
    }

    /** As a socket does it: the request's bytes (key_output counts them). */
    private Outcome send(long socket, PfkeyMessage m) {
        return e.handle(socket, PfkeyCodec.encode(m));
    }

    private static byte[] header(int version, int type, int satype, int lenUnits, int totalBytes) {
        ByteBuffer bb = ByteBuffer.allocate(totalBytes).order(ByteOrder.LITTLE_ENDIAN);
        bb.put((byte) version).put((byte) type).put((byte) 0).put((byte) satype).putShort((short) lenUnits);
        return bb.array();
    }

    @Test
    void layoutIsKeysockH() {
        assertEquals(530, PFKEY_NSTATS);
        assertEquals(258, PFKEY_STAT_OUT_INVLEN);
        assertEquals(267, PFKEY_STAT_IN_TOTAL);
        assertEquals(525, PFKEY_STAT_IN_MSGTARGET);
        assertEquals(529, PFKEY_STAT_SOCKERR);
        assertEquals(PFKEY_NSTATS, s().length);
    }

    @Test
    void malformedRequestsFeedTheirCounters() {
        e.handle(a, new byte[8]); // shorter than sadb_msg
        e.handle(a, header(2, Sadb.SADB_FLUSH, 3, 3, 16)); // msg_len*8 = 24 != 16
        e.handle(a, header(1, Sadb.SADB_FLUSH, 3, 2, 16)); // version 1
        e.handle(a, header(2, 40, 3, 2, 16)); // type > SADB_MAX
        byte[] badExt = header(2, Sadb.SADB_FLUSH, 3, 3, 24); // extension type 0
        badExt[16] = 1;
        e.handle(a, badExt);
        byte[] dup = header(2, Sadb.SADB_GET, 3, 6, 48); // two SA extensions
        for (int off : new int[] {16, 32}) {
            dup[off] = 2;
            dup[off + 2] = (byte) Sadb.SADB_EXT_SA;
        }
        e.handle(a, dup);
        byte[] extLen = header(2, Sadb.SADB_FLUSH, 3, 3, 24); // SA extension of 8 bytes (min 16)
        extLen[16] = 1;
        extLen[18] = (byte) Sadb.SADB_EXT_SA;
        e.handle(a, extLen);

        long[] v = s();
        assertEquals(7, v[PFKEY_STAT_OUT_TOTAL]);
        assertEquals(8 + 16 + 16 + 16 + 24 + 48 + 24, v[PFKEY_STAT_OUT_BYTES]);
        assertEquals(1, v[PFKEY_STAT_OUT_TOOSHORT]);
        assertEquals(2, v[PFKEY_STAT_OUT_INVLEN], "msg_len mismatch + key_validate_ext");
        assertEquals(1, v[PFKEY_STAT_OUT_INVVER]);
        assertEquals(1, v[PFKEY_STAT_OUT_INVMSGTYPE]);
        assertEquals(1, v[PFKEY_STAT_OUT_INVEXTTYPE]);
        assertEquals(1, v[PFKEY_STAT_OUT_DUPEXT]);
        assertEquals(2, v[PFKEY_STAT_OUT_INVADDR], "key_parse's senderror label counts every refusal it makes");
        assertEquals(4, v[PFKEY_STAT_OUT_MSGTYPE + Sadb.SADB_FLUSH], "the too-short one has no type");
        assertEquals(1, v[PFKEY_STAT_OUT_MSGTYPE + 40]);
        assertEquals(1, v[PFKEY_STAT_OUT_MSGTYPE + Sadb.SADB_GET]);
    }

    @Test
    void satypeAndAddressRefusalsAndMissingHandlers() {
        send(a, bare(Sadb.SADB_GET, 0)); // satype UNSPEC for GET
        send(a, bare(Sadb.SADB_FLUSH, 5)); // RSVP: EOPNOTSUPP
        send(a, msg(Sadb.SADB_DELETE, 3, src("10.0.0.1"), dst("2001:db8::1"))); // family mismatch
        send(a, bare(Sadb.SADB_EXPIRE, 3)); // no handler
        long[] v = s();
        assertEquals(4, v[PFKEY_STAT_OUT_TOTAL]);
        assertEquals(2, v[PFKEY_STAT_OUT_INVSATYPE]);
        assertEquals(1, v[PFKEY_STAT_OUT_INVMSGTYPE]);
        assertEquals(4, v[PFKEY_STAT_OUT_INVADDR]);
        // the refusals went back to the sender only: KEY_SENDUP_ONE, counted for the one other socket
        assertEquals(4, v[PFKEY_STAT_IN_MSGTARGET + KEY_SENDUP_ONE]);
        assertEquals(4, v[PFKEY_STAT_IN_TOTAL]);
    }

    @Test
    void validRequestsCountRepliesByTypeAndTarget() {
        send(a, addEsp(Sadb.SADB_ADD, 0x1000, "10.0.0.1", "10.0.0.2", 7)); // reply to ALL
        send(b, bare(Sadb.SADB_REGISTER, 3)); // reply to REGISTERED
        send(a, bare(Sadb.SADB_X_PROMISC, 1)); // a promiscuous, reply to ALL
        send(b, bare(Sadb.SADB_FLUSH, 3)); // ALL, plus a promiscuous copy to a
        long[] v = s();
        assertEquals(1, v[PFKEY_STAT_IN_MSGTYPE + Sadb.SADB_ADD]);
        assertEquals(1, v[PFKEY_STAT_IN_MSGTYPE + Sadb.SADB_REGISTER]);
        assertEquals(1, v[PFKEY_STAT_IN_MSGTYPE + Sadb.SADB_FLUSH]);
        assertEquals(
                3, v[PFKEY_STAT_IN_MSGTYPE + Sadb.SADB_X_PROMISC], "the X_PROMISC reply + 2 promiscuous copies to a");
        assertEquals(4, v[PFKEY_STAT_IN_TOTAL]);
        assertEquals(3, v[PFKEY_STAT_IN_MSGTARGET + KEY_SENDUP_ALL], "one other socket per ALL message");
        assertEquals(1, v[PFKEY_STAT_IN_MSGTARGET + KEY_SENDUP_REGISTERED]);
        assertTrue(v[PFKEY_STAT_IN_BYTES] > 4 * 16);
        assertEquals(4, v[PFKEY_STAT_OUT_TOTAL]);
        assertEquals(0, v[PFKEY_STAT_OUT_INVADDR]);
    }

    @Test
    void dumpCountsOnceWithTheWholeChainsBytes() {
        send(a, addEsp(Sadb.SADB_ADD, 0x1000, "10.0.0.1", "10.0.0.2", 7));
        send(a, addEsp(Sadb.SADB_ADD, 0x1001, "10.0.0.1", "10.0.0.2", 7));
        long totalBefore = s()[PFKEY_STAT_IN_TOTAL];
        long bytesBefore = s()[PFKEY_STAT_IN_BYTES];
        Outcome o = send(a, bare(Sadb.SADB_DUMP, 3));
        DumpStream<?> d = o.dump().orElseThrow().stream();
        long bytes = 0;
        while (d.hasNext()) bytes += PfkeyCodec.encode(d.next()).length;
        assertEquals(totalBefore + 1, s()[PFKEY_STAT_IN_TOTAL]);
        assertEquals(bytesBefore + bytes, s()[PFKEY_STAT_IN_BYTES]);
    }

    @Test
    void socketLayerEventsAndTheSysctlBytes() {
        e.countDeliveryDropped();
        e.countSocketError();
        send(a, bare(Sadb.SADB_FLUSH, 3));
        byte[] raw = Sysctl.counters(s());
        assertEquals(PFKEY_NSTATS * 8, raw.length);
        ByteBuffer bb = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(1, bb.getLong(PFKEY_STAT_IN_NOMEM * 8));
        assertEquals(1, bb.getLong(PFKEY_STAT_SOCKERR * 8));
        assertEquals(1, bb.getLong((PFKEY_STAT_OUT_MSGTYPE + Sadb.SADB_FLUSH) * 8));
        List<String> lines = netstatLines(s());
        assertTrue(lines.contains("\t1 request sent from userland"), lines.toString());
        assertTrue(lines.contains("\t\tflush: 1"), lines.toString());
        assertTrue(lines.contains("\t1 message toward all sockets"), lines.toString());
    }
}
