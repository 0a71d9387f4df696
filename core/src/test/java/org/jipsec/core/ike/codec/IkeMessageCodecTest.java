package org.jipsec.core.ike.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HexFormat;
import java.util.List;
import org.jipsec.core.ike.StrongSwanVectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class IkeMessageCodecTest {

    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replaceAll("\\s+", ""));
    }

    static List<String> runs() {
        return StrongSwanVectors.RUNS;
    }

    /** Every message strongSwan sent in the four recorded runs decodes and re-encodes to the same bytes. */
    @ParameterizedTest
    @MethodSource("runs")
    void strongSwanMessagesReencodeByteExact(String run) throws Exception {
        StrongSwanVectors v = StrongSwanVectors.load(run);
        assertEquals(14, v.messages().size());
        for (StrongSwanVectors.Message m : v.messages()) {
            IkeMessage msg = IkeMessageCodec.decode(m.bytes());
            assertArrayEquals(m.bytes(), IkeMessageCodec.encode(msg), run + ": " + msg.summary());
            assertEquals(
                    m.fromInitiator(),
                    msg.header().isFromOriginalInitiator()
                            || msg.header().messageId() == 0
                                    && msg.header().exchangeType() == ExchangeType.INFORMATIONAL
                                    && !msg.header().isResponse(),
                    run + ": " + msg.summary());
        }
    }

    /** strongSwan's IKE_SA_INIT request field by field, as tshark 4.0 dissects it (`tshark -V`). */
    @Test
    void ikeSaInitRequestAsTsharkDissectsIt() throws Exception {
        IkeMessage m = IkeMessageCodec.decode(StrongSwanVectors.load("gcm").message(0));
        IkeHeader h = m.header();
        assertEquals(0x7cb83cd0ac03dcf3L, h.spiI());
        assertEquals(0, h.spiR());
        assertEquals(ExchangeType.IKE_SA_INIT, h.exchangeType());
        assertEquals(IkeHeader.FLAG_INITIATOR, h.flags());
        assertEquals(0, h.messageId());
        assertEquals(
                "IKE_SA_INIT request 0 [ SA KE No N(NAT_DETECTION_SOURCE_IP) N(NAT_DETECTION_DESTINATION_IP)"
                        + " N(IKEV2_FRAGMENTATION_SUPPORTED) N(SIGNATURE_HASH_ALGORITHMS) N(REDIRECT_SUPPORTED) ]",
                m.summary());
        SaPayload sa = m.first(SaPayload.class).orElseThrow();
        Proposal p = sa.proposals().getFirst();
        assertEquals(1, p.number());
        assertEquals(Proposal.PROTOCOL_IKE, p.protocolId());
        assertEquals(0, p.spi().length);
        assertEquals(
                List.of(Transform.withKeyLength(1, 20, 128), new Transform(2, 5), new Transform(4, 31)),
                p.transforms());
        KePayload ke = m.first(KePayload.class).orElseThrow();
        assertEquals(31, ke.dhGroup());
        assertArrayEquals(hex("3e8adfda1babe0a062d580b8cee8686cfe7f512c163be3912cab97f594bd8d00"), ke.data());
        assertArrayEquals(
                hex("8b6dac0c1229f93ae0ed7968febb3812ed494acd6a2e7f2a4fc0664e79995246"),
                m.first(NoncePayload.class).orElseThrow().data());
        assertArrayEquals(
                hex("8f23fce077d88038431b7783b9476a5d6c766d45"),
                m.notify(NotifyType.NAT_DETECTION_SOURCE_IP).orElseThrow().data());
        assertArrayEquals(
                hex("0002000300040005"),
                m.notify(NotifyType.SIGNATURE_HASH_ALGORITHMS).orElseThrow().data());
    }

    /** IKE_AUTH and later: only the SK payload, opaque; its Next Payload is the first inner payload (IDi). */
    @Test
    void protectedMessagesEndWithOpaqueSk() throws Exception {
        IkeMessage m = IkeMessageCodec.decode(StrongSwanVectors.load("gcm").message(2));
        assertEquals(ExchangeType.IKE_AUTH, m.header().exchangeType());
        assertEquals(1, m.payloads().size());
        EncryptedPayload sk =
                assertInstanceOf(EncryptedPayload.class, m.payloads().getFirst());
        assertEquals(PayloadType.IDI, sk.firstInnerPayload());
    }

    @Test
    void encodesEveryPayloadKindAndDecodesItBack() throws Exception {
        List<Payload> payloads = List.of(
                new SaPayload(List.of(new Proposal(
                        1,
                        Proposal.PROTOCOL_ESP,
                        hex("01020304"),
                        List.of(Transform.withKeyLength(1, 20, 256), new Transform(5, 0))))),
                new KePayload(19, new byte[64]),
                IdPayload.ofFqdn(true, "left.ik.test"),
                new IdPayload(false, IdPayload.ID_DER_ASN1_DN, hex("3000")),
                new CertPayload(false, 4, hex("308201")),
                new CertPayload(true, 4, new byte[20]),
                new AuthPayload(AuthPayload.SHARED_KEY_MIC, new byte[32]),
                new NoncePayload(new byte[32]),
                new NotifyPayload(3, hex("c0ffee01"), NotifyType.REKEY_SA, new byte[0]),
                new DeletePayload(3, 4, List.of(hex("00000001"), hex("00000002"))),
                DeletePayload.ikeSa(),
                new VendorIdPayload(hex("882fe56d6fd20dbc2251613b2ebe5beb")),
                new TsPayload(
                        true,
                        List.of(TrafficSelector.ofRange(
                                java.net.InetAddress.getByName("10.0.0.0"),
                                java.net.InetAddress.getByName("10.0.0.255")))),
                new TsPayload(false, List.of(new TrafficSelector(8, 6, 443, 443, new byte[16], new byte[16]))),
                new CpPayload(1, List.of(new CpPayload.Attribute(1, new byte[0]))),
                new EapPayload(hex("0101000501")),
                new UnknownPayload(200, hex("abcd")),
                new EncryptedPayload(PayloadType.IDI, new byte[40]));
        IkeMessage m =
                new IkeMessage(new IkeHeader(1, 2, 0, ExchangeType.IKE_AUTH, IkeHeader.FLAG_INITIATOR, 1), payloads);
        byte[] wire = IkeMessageCodec.encode(m);
        IkeMessage back = IkeMessageCodec.decode(wire);
        assertEquals(m, back);
        assertArrayEquals(wire, IkeMessageCodec.encode(back));
        byte[] inner = IkeMessageCodec.encodeInner(payloads.subList(0, payloads.size() - 1));
        assertEquals(
                payloads.subList(0, payloads.size() - 1),
                IkeMessageCodec.decodeInner(PayloadType.SA, inner, 0, inner.length));
    }

    private static byte[] message(int firstPayload, String payloadsHex) {
        byte[] body = hex(payloadsHex);
        byte[] m = new byte[28 + body.length];
        m[7] = 1; // SPIi != 0
        m[16] = (byte) firstPayload;
        m[17] = 0x20;
        m[18] = (byte) ExchangeType.INFORMATIONAL;
        m[19] = IkeHeader.FLAG_INITIATOR;
        m[24] = (byte) (m.length >>> 24);
        m[25] = (byte) (m.length >>> 16);
        m[26] = (byte) (m.length >>> 8);
        m[27] = (byte) m.length;
        System.arraycopy(body, 0, m, 28, body.length);
        return m;
    }

    @Test
    void unknownPayloadIgnoredUnlessCritical() throws Exception {
        // §2.5: unknown and not critical → kept as UnknownPayload (ignored); critical → UNSUPPORTED_CRITICAL_PAYLOAD
        IkeMessage m = IkeMessageCodec.decode(message(200, "29000006abcd 00000008 00004000".replace(" ", "")));
        assertEquals(
                List.of(new UnknownPayload(200, hex("abcd")), NotifyPayload.of(NotifyType.INITIAL_CONTACT)),
                m.payloads());
        UnsupportedCriticalPayloadException e = assertThrows(
                UnsupportedCriticalPayloadException.class,
                () -> IkeMessageCodec.decode(message(200, "29800006abcd0000000800004000")));
        assertEquals(NotifyType.UNSUPPORTED_CRITICAL_PAYLOAD, e.notifyType());
        assertArrayEquals(new byte[] {(byte) 200}, e.notifyData());
        // a known payload with the critical bit set is just that payload (§2.5: the bit is ignored)
        assertEquals(
                List.of(NotifyPayload.of(NotifyType.INITIAL_CONTACT)),
                IkeMessageCodec.decode(message(41, "0080000800004000")).payloads());
    }

    /** One row per rule: what goes wrong and the error the decoder reports. */
    @Test
    void malformedMessagesAreInvalidSyntax() {
        record Case(String why, byte[] bytes) {}
        byte[] good = message(41, "0000000800004000");
        byte[] shortLength = good.clone();
        shortLength[27]--;
        byte[] truncated = java.util.Arrays.copyOf(good, good.length - 1);
        List<Case> cases = List.of(
                new Case("shorter than a header", new byte[27]),
                new Case("header length disagrees with datagram", shortLength),
                new Case("truncated payload", truncated),
                new Case("payload length < 4", message(41, "00000003")),
                new Case("payload length past the end", message(41, "0000000c00004000")),
                new Case("bytes after the last payload", message(41, "000000080000400000")),
                new Case("nonce of 15 bytes", message(40, "00000013" + "00".repeat(15))),
                new Case("nonce of 257 bytes", message(40, "00000105" + "00".repeat(257))),
                new Case("ID_IPV4_ADDR of 5 bytes", message(35, "0000000d01000000" + "0a00000100")),
                new Case("SK not last", message(46, "2900000800000000" + "0000000800004000")),
                new Case("SK inside ...", message(46, "2900000400")),
                new Case("notify SPI past the end", message(41, "0000000800084000")),
                new Case("delete count disagrees", message(42, "0000000c03040002" + "00000001")),
                new Case("TS type 9", message(44, "0000001401000000" + "0900000c0000ffff")),
                new Case("TS IPv4 of length 40", message(44, "0000001801000000" + "07000028" + "0000ffff00000000")),
                new Case(
                        "TS count 2, one present",
                        message(44, "0000001802000000" + "07000010" + "0000ffff" + "0000000000000000")),
                new Case("proposal says more follow", message(33, "0000000c" + "02000008" + "01010000")),
                new Case(
                        "proposal transform count 2, 1 present",
                        message(33, "00000014" + "00000010" + "01010002" + "00000008" + "01000014")),
                new Case("transform length < 8", message(33, "00000010" + "0000000c" + "01010001" + "00000004")),
                new Case(
                        "attribute TLV past the end",
                        message(33, "00000018" + "00000014" + "01010001" + "0000000c" + "01000014" + "000e0008")),
                new Case("SKF fragment 0", message(53, "0000000c00000001" + "00000000")),
                new Case("SKF number > total", message(53, "0000000c00030002" + "00000000")));
        for (Case c : cases) {
            IkeDecodeException e = assertThrows(IkeDecodeException.class, () -> IkeMessageCodec.decode(c.bytes), c.why);
            assertInstanceOf(InvalidSyntaxException.class, e, c.why + ": " + e.getMessage());
            assertEquals(NotifyType.INVALID_SYNTAX, e.notifyType(), c.why);
        }
    }

    @Test
    void majorVersionOtherThanTwo() {
        byte[] m = message(0, "");
        m[17] = 0x30;
        InvalidMajorVersionException e =
                assertThrows(InvalidMajorVersionException.class, () -> IkeMessageCodec.decode(m));
        assertEquals(3, e.majorVersion());
        assertEquals(NotifyType.INVALID_MAJOR_VERSION, e.notifyType());
        m[17] = 0x10; // IKEv1
        assertEquals(
                1,
                assertThrows(InvalidMajorVersionException.class, () -> IkeMessageCodec.decode(m))
                        .majorVersion());
    }

    @Test
    void reservedBitsAndUnknownFlagsAreIgnored() throws Exception {
        byte[] m = message(41, "007f000800004000");
        m[19] |= 0x47; // unknown flag bits
        IkeMessage d = IkeMessageCodec.decode(m);
        assertEquals(IkeHeader.FLAG_INITIATOR, d.header().flags());
        assertFalse(d.header().isResponse());
        assertTrue(d.notify(NotifyType.INITIAL_CONTACT).isPresent());
    }

    @Test
    void notifyNames() {
        assertEquals("NO_PROPOSAL_CHOSEN", NotifyType.name(14));
        assertEquals("IKEV2_FRAGMENTATION_SUPPORTED", NotifyType.name(16430));
        assertEquals("ERROR-99", NotifyType.name(99));
        assertEquals("STATUS-50000", NotifyType.name(50000));
    }
}
