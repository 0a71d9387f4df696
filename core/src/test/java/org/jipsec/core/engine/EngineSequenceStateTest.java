package org.jipsec.core.engine;

import static org.jipsec.core.engine.EngineNet.A4;
import static org.jipsec.core.engine.EngineNet.B4;
import static org.jipsec.core.engine.EngineNet.sock;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.jipsec.core.engine.socket.JipsecDatagramSocket;
import org.jipsec.core.ipsec.IpsecMode;
import org.jipsec.core.ipsec.SaType;
import org.jipsec.core.net.Bytes;
import org.jipsec.core.net.PacketBuffer;
import org.jipsec.core.pfkey.Sadb;
import org.jipsec.core.seqstate.SequenceRecord;
import org.jipsec.core.seqstate.SequenceStateTable;
import org.jipsec.core.seqstate.StateFileCodec;
import org.jipsec.core.xform.DropReason;
import org.junit.jupiter.api.Test;

/**
 * Saved sequence state through the engine (issue #12), restarts simulated in memory: a new pair of engines whose
 * tables read what the old ones wrote. The sender continues above its saved mark (after a clean stop exactly, after
 * a crash above its reserved block); the receiver refuses a packet it accepted before its restart; nothing is sent
 * before a block is on disk.
 */
class EngineSequenceStateTest {

    static final int SPI = 0x5001;
    static final SequenceStateTable.Settings SMALL =
            new SequenceStateTable.Settings(16, 8, 1 << 10, 8, 8, 1 << 10, 1000);
    static final byte[] SALT = new byte[32];

    /** Two nodes with tables over {@code savedA}/{@code savedB}, AES-GCM transport SA A -> B with a 64-packet window. */
    record Pair(EngineNet net, SequenceStateTable ta, SequenceStateTable tb) {}

    static Pair start(List<SequenceRecord> savedA, List<SequenceRecord> savedB) {
        EngineNet net = new EngineNet();
        SequenceStateTable ta = new SequenceStateTable(SALT, savedA, SMALL, System::nanoTime, () -> 1000, () -> {});
        SequenceStateTable tb = new SequenceStateTable(SALT, savedB, SMALL, System::nanoTime, () -> 1000, () -> {});
        net.a.engine.setSequenceGuards(ta::guardFor);
        net.b.engine.setSequenceGuards(tb::guardFor);
        for (EngineNet.Node n : List.of(net.a, net.b)) {
            n.add(
                    Sadb.SADB_SATYPE_ESP,
                    SPI,
                    A4,
                    B4,
                    IpsecMode.TRANSPORT,
                    0,
                    0,
                    20,
                    0,
                    8,
                    List.of(EngineNet.key(Sadb.SADB_EXT_KEY_ENCRYPT, 20, 9)));
        }
        // as the gateway's admission hook does when an SA is installed: its state exists before its first packet
        for (var sa : net.a.engine.keyEngine().sad().snapshot(SaType.ESP)) ta.guardFor(sa);
        for (var sa : net.b.engine.keyEngine().sad().snapshot(SaType.ESP)) tb.guardFor(sa);
        net.a.spdaddHosts(A4, B4, "out ipsec esp/transport//require");
        net.b.spdaddHosts(A4, B4, "in ipsec esp/transport//require");
        return new Pair(net, ta, tb);
    }

    /** What a writer thread does: every plan written at once. Returns the records on "disk". */
    static List<SequenceRecord> flush(SequenceStateTable t, List<SequenceRecord> disk) throws Exception {
        for (SequenceStateTable.Plan p; (p = t.plan()) != null; ) {
            disk = StateFileCodec.decode(StateFileCodec.encode(p.records()));
            t.written(p);
        }
        return disk;
    }

    static OutputDecision send(EngineNet net, String text) throws Exception {
        JipsecDatagramSocket s = net.a.host.openDatagramSocket(false);
        return s.send(text.getBytes(java.nio.charset.StandardCharsets.US_ASCII), sock(B4, 5000));
    }

    static byte[] wire(OutputDecision d) {
        return assertInstanceOf(OutputDecision.Send.class, d, d::toString)
                .packets()
                .getFirst()
                .packet();
    }

    static InputDecision receive(EngineNet net, byte[] esp) {
        return EngineCalls.input(net.b.engine, PacketBuffer.wrap(esp.clone()), new Encapsulation.RawIp(50));
    }

    @Test
    void restartsContinueAboveTheSavedMarksAndTheReceiverRefusesOldPackets() throws Exception {
        Pair p = start(List.of(), List.of());
        OutputDecision first = send(p.net(), "too early");
        OutputDecision.Drop early = assertInstanceOf(OutputDecision.Drop.class, first, first::toString);
        assertEquals(DropReason.SEQ_UNSAVED, early.xform(), "nothing is sent before its number is on disk");
        List<SequenceRecord> diskA = flush(p.ta(), List.of());
        List<SequenceRecord> diskB = flush(p.tb(), List.of());
        List<byte[]> sent = new ArrayList<>();
        List<Long> seqs = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            byte[] w = wire(send(p.net(), "run 1 packet " + i));
            sent.add(w);
            seqs.add(Bytes.u32(w, 24));
            assertInstanceOf(InputDecision.Deliver.class, receive(p.net(), w));
        }
        diskA = flush(p.ta(), diskA);
        diskB = flush(p.tb(), diskB);

        // kill -9 of both: no freeze, the marks written ahead stand
        Pair q = start(diskA, diskB);
        diskA = flush(q.ta(), diskA);
        diskB = flush(q.tb(), diskB);
        for (byte[] old : sent) {
            InputDecision d = receive(q.net(), old);
            assertEquals(
                    DropReason.REPLAY,
                    assertInstanceOf(InputDecision.Drop.class, d, d::toString).xform(),
                    "a packet accepted before the crash is refused after it");
        }
        long resumed = 0;
        for (int i = 0; i < 40 && resumed == 0; i++) { // the receiver may refuse up to one inbound block
            byte[] w = wire(send(q.net(), "run 2 packet " + i));
            seqs.add(Bytes.u32(w, 24));
            flush(q.ta(), diskA);
            InputDecision d = receive(q.net(), w);
            if (d instanceof InputDecision.Deliver) resumed = Bytes.u32(w, 24);
            diskB = flush(q.tb(), diskB);
        }
        assertTrue(resumed > 5, "traffic flows again after the crash, above the old numbers: " + seqs);
        assertTrue(seqs.get(5) > 16, "after a crash the sender skips its whole reserved block: " + seqs);

        // clean stop of both: the exact numbers, and the next run continues without a gap
        long lastSent = seqs.getLast();
        diskA = StateFileCodec.decode(StateFileCodec.encode(q.ta().freeze().records()));
        diskB = StateFileCodec.decode(StateFileCodec.encode(q.tb().freeze().records()));
        assertEquals(lastSent, diskA.getFirst().outMark());
        Pair r = start(diskA, diskB);
        flush(r.ta(), diskA);
        flush(r.tb(), diskB);
        byte[] w = wire(send(r.net(), "run 3"));
        assertEquals(lastSent + 1, Bytes.u32(w, 24), "continues exactly after a clean stop");
        assertInstanceOf(InputDecision.Deliver.class, receive(r.net(), w));
        seqs.add(Bytes.u32(w, 24));
        assertEquals(seqs.size(), seqs.stream().distinct().count(), "no sequence number twice: " + seqs);
        assertEquals(SaType.ESP.number(), diskA.getFirst().id().satype());
    }
}
