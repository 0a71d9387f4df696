package org.jipsec.core.ike.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.jipsec.core.ike.control.IkeControlCodec.Op;
import org.jipsec.core.ike.control.IkeControlCodec.Request;
import org.jipsec.core.ike.control.IkeControlCodec.Response;
import org.junit.jupiter.api.Test;

/** The control-socket frames: exact bytes, round trips, and every malformed input a clear ControlFrameException. */
class IkeControlCodecTest {
    private static final HexFormat HEX = HexFormat.of();

    @Test
    void requestBytesAreTheDocumentedLayout() {
        assertEquals("0101000000000000", HEX.formatHex(IkeControlCodec.encode(Request.status())));
        // version 1, INITIATE, reserved, body 6: u16 length 4, "home"
        assertEquals(
                "01020000000000060004686f6d65",
                HEX.formatHex(IkeControlCodec.encode(new Request(Op.INITIATE, "home"))));
    }

    @Test
    void requestsRoundTrip() throws Exception {
        for (Request r : List.of(
                Request.status(),
                new Request(Op.INITIATE, "home"),
                new Request(Op.TERMINATE, "net"),
                new Request(Op.REKEY, "ünïcode-conn"))) {
            assertEquals(r, IkeControlCodec.decodeRequest(IkeControlCodec.encode(r)));
        }
    }

    @Test
    void responsesRoundTrip() throws Exception {
        IkeStatus s = StatusSamples.sample();
        assertEquals(
                new Response.Status(s), IkeControlCodec.decodeResponse(IkeControlCodec.encode(new Response.Status(s))));
        Response ok = new Response.Result(AdminResult.ok("IKE SA home[3] initiated"));
        assertEquals(ok, IkeControlCodec.decodeResponse(IkeControlCodec.encode(ok)));
        Response no = new Response.Result(AdminResult.refused("no connection or child named 'x'"));
        assertEquals(no, IkeControlCodec.decodeResponse(IkeControlCodec.encode(no)));
        Response err = new Response.ProtocolError("bad name");
        assertEquals(err, IkeControlCodec.decodeResponse(IkeControlCodec.encode(err)));
    }

    @Test
    void messagesWithControlCharactersAreMadePrintable() throws Exception {
        Response r = new Response.Result(AdminResult.refused("line1\nline2\u001b[31m"));
        assertEquals(
                new Response.Result(AdminResult.refused("line1 line2 [31m")),
                IkeControlCodec.decodeResponse(IkeControlCodec.encode(r)));
    }

    /** An identity is the peer's choice (ID payload): it must not break the status or the operator's terminal. */
    @Test
    void statusTextIsMadePrintableAndFit() throws Exception {
        IkeStatus.IkeSaStatus sa = StatusSamples.sample().sas().getFirst();
        IkeStatus.IkeSaStatus evil = new IkeStatus.IkeSaStatus(
                sa.connection(),
                1,
                "ESTABLISHED",
                false,
                sa.local(),
                sa.remote(),
                sa.localId(),
                "evil\u001b[2J\nid" + "é".repeat(600),
                sa.spiI(),
                sa.spiR(),
                "",
                false,
                false,
                -1,
                -1,
                List.of());
        IkeStatus got = ((Response.Status) IkeControlCodec.decodeResponse(
                        IkeControlCodec.encode(new Response.Status(new IkeStatus(List.of("c"), List.of(evil))))))
                .status();
        String id = got.sas().getFirst().remoteId();
        assertTrue(id.startsWith("evil [2J idéé"), id);
        assertEquals(
                IkeControlCodec.MAX_STRING - 1,
                id.getBytes(java.nio.charset.StandardCharsets.UTF_8).length,
                "cut at a character boundary below the limit");
    }

    @Test
    void badNamesAreRefusedByTheEncoder() {
        for (String n : new String[] {"", "a b", "tab\t", "x".repeat(256), "nl\n"}) {
            assertThrows(IllegalArgumentException.class, () -> new Request(Op.INITIATE, n), n);
        }
        assertThrows(IllegalArgumentException.class, () -> new Request(Op.STATUS, "x"));
    }

    private static String refusal(String hex) {
        return assertThrows(ControlFrameException.class, () -> IkeControlCodec.decodeRequest(HEX.parseHex(hex)))
                .getMessage();
    }

    @Test
    void malformedRequestsSayWhichRuleTheyBreak() {
        assertEquals("short header", refusal("010100"));
        assertEquals("unsupported version 2", refusal("0201000000000000"));
        assertEquals("unknown request type 9", refusal("0109000000000000"));
        assertEquals("unknown request type 129", refusal("0181000000000000")); // a response type as request
        assertEquals("reserved field not zero", refusal("0101000100000000"));
        assertEquals("body of 1025 bytes, over the limit of 1024", refusal("0102000000000401"));
        assertEquals("body of 4294967295 bytes, over the limit of 1024", refusal("01020000ffffffff"));
        assertEquals("frame length does not match its header", refusal("010200000000000600046a6b"));
        assertEquals("truncated name", refusal("01020000000000040004686f"));
        assertEquals("1 trailing bytes after the request", refusal("0101000000000001" + "00"));
        assertEquals("1 trailing bytes after the request", refusal("0102000000000005" + "0002686f" + "00"));
        assertEquals("name: not UTF-8", refusal("0102000000000004" + "0002c328"));
        assertEquals("name: control character", refusal("0102000000000004" + "0002610a"));
        assertEquals("name: 1001 bytes, over 1000", refusal("0102000000000002" + "03e9"));
        assertTrue(refusal("0102000000000004" + "00026120").startsWith("bad name"));
    }

    @Test
    void malformedResponsesAreClearErrors() {
        byte[] good = IkeControlCodec.encode(new Response.Status(StatusSamples.sample()));
        // a boolean that is neither 0 nor 1
        byte[] badBool = IkeControlCodec.encode(new Response.Result(AdminResult.ok("x")));
        badBool[8] = 2;
        assertEquals(
                "ok: boolean must be 0 or 1, not 2",
                assertThrows(ControlFrameException.class, () -> IkeControlCodec.decodeResponse(badBool))
                        .getMessage());
        // a list count that cannot fit what is left
        byte[] manySas = HEX.parseHex("0182000000000006" + "0000" + "ffff" + "0000");
        assertEquals(
                "IKE SAs: 65535 items cannot fit",
                assertThrows(ControlFrameException.class, () -> IkeControlCodec.decodeResponse(manySas))
                        .getMessage());
        // every truncation of a valid status is refused, never an exception of another kind
        for (int cut = 0; cut < good.length; cut++) {
            byte[] t = java.util.Arrays.copyOf(good, cut);
            assertThrows(ControlFrameException.class, () -> IkeControlCodec.decodeResponse(t));
        }
    }

    /** Random mutations of valid frames: decoding either succeeds or throws ControlFrameException, nothing else. */
    @Test
    void mutatedFramesNeverThrowAnythingElse() {
        Random rnd = new Random(14);
        List<byte[]> seeds = List.of(
                IkeControlCodec.encode(new Response.Status(StatusSamples.sample())),
                IkeControlCodec.encode(new Response.Result(AdminResult.ok("fine"))),
                IkeControlCodec.encode(new Request(Op.REKEY, "home")),
                IkeControlCodec.encode(Request.status()));
        int decoded = 0;
        for (int i = 0; i < 20_000; i++) {
            byte[] f = seeds.get(rnd.nextInt(seeds.size())).clone();
            int flips = 1 + rnd.nextInt(4);
            for (int k = 0; k < flips; k++) f[rnd.nextInt(f.length)] = (byte) rnd.nextInt(256);
            for (boolean req : new boolean[] {true, false}) {
                try {
                    if (req) IkeControlCodec.decodeRequest(f);
                    else IkeControlCodec.decodeResponse(f);
                    decoded++;
                } catch (ControlFrameException expected) {
                    // fine
                }
            }
        }
        assertTrue(decoded > 0, "some mutations still decode");
    }

    @Test
    void statusTooLargeForAFrameIsRefusedByTheEncoder() {
        IkeStatus.IkeSaStatus sa = StatusSamples.sample().sas().getFirst();
        List<IkeStatus.IkeSaStatus> many = java.util.Collections.nCopies(20_000, sa);
        assertThrows(
                IllegalArgumentException.class,
                () -> IkeControlCodec.encode(new Response.Status(new IkeStatus(List.of(), many))));
    }
}
