package org.jipsec.core.ike.control;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jipsec.core.ike.control.IkeStatus.ChildSaStatus;
import org.jipsec.core.ike.control.IkeStatus.IkeSaStatus;

/**
 * The frames of {@code jipsec iked}'s control socket (issue #14 item 5) between {@code jipsec ike …} and the daemon's
 * {@link IkeAdmin}. One request, one response, on a Unix stream socket; every frame is
 * <pre>
 *  0 version (1) | 1 type (1) | 2 reserved u16 (0) | 4 body length u32 | 8 body
 * </pre>
 * network byte order. Requests: {@code STATUS} (empty body), {@code INITIATE}, {@code TERMINATE}, {@code REKEY}
 * (body: one name). Responses: {@code RESULT} (ok flag, message), {@code STATUS} (an {@link IkeStatus}),
 * {@code ERROR} (the server could not understand the request: message). Field encodings: {@link ControlWire}.
 *
 * <p>Decoding is strict: an unknown version or type, a non-zero reserved field, a body over the limit of its
 * direction ({@link #MAX_REQUEST_BODY}, {@link #MAX_RESPONSE_BODY}), a short or over-long field, a string over
 * {@link #MAX_STRING} bytes or not UTF-8 or with control characters, a boolean other than 0/1, a list that cannot fit
 * or trailing bytes are each a {@link ControlFrameException} naming the rule. Nothing else is thrown. Pure: no I/O.
 *
 * <p>The encoder makes every text of a response printable and fit ({@link ControlWire.Writer#text}): messages and
 * identities (from the peer's ID payload) must neither break the status nor reach the operator's terminal as escape
 * sequences.
 */
public final class IkeControlCodec {
    private IkeControlCodec() {}

    public static final int VERSION = 1;
    public static final int HEADER_BYTES = 8;
    /** A request carries at most one name. */
    public static final int MAX_REQUEST_BODY = 1024;
    /** A status of a few thousand SAs fits; more is refused by the encoder (the server answers ERROR). */
    public static final int MAX_RESPONSE_BODY = 4 << 20;

    public static final int MAX_STRING = 1000;
    public static final int MAX_ITEMS = 0xffff;
    /** A connection or child name (swanctl section names are short). */
    public static final int MAX_NAME = 255;

    static final int T_STATUS = 1;
    static final int T_INITIATE = 2;
    static final int T_TERMINATE = 3;
    static final int T_REKEY = 4;
    static final int T_RESULT = 0x81;
    static final int T_STATUS_REPLY = 0x82;
    static final int T_ERROR = 0x83;

    /** What {@code jipsec ike} asks. */
    public enum Op {
        STATUS,
        INITIATE,
        TERMINATE,
        REKEY
    }

    /** A request: {@code name} is empty for STATUS and a connection or child name otherwise. */
    public record Request(Op op, String name) {
        public Request {
            Objects.requireNonNull(op);
            Objects.requireNonNull(name);
            if (op == Op.STATUS ? !name.isEmpty() : !validName(name)) {
                throw new IllegalArgumentException(op == Op.STATUS ? "status takes no name" : "bad name: " + name);
            }
        }

        public static Request status() {
            return new Request(Op.STATUS, "");
        }
    }

    /** True for a name that may be sent: 1..255 bytes of UTF-8, no whitespace or control characters. */
    public static boolean validName(String name) {
        if (name.isEmpty() || name.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_NAME) return false;
        return name.codePoints().noneMatch(c -> c <= ' ' || c == 0x7f || Character.isWhitespace(c));
    }

    /** A response. */
    public sealed interface Response {
        record Result(AdminResult result) implements Response {
            public Result {
                Objects.requireNonNull(result);
            }
        }

        record Status(IkeStatus status) implements Response {
            public Status {
                Objects.requireNonNull(status);
            }
        }
        /** The request could not be read: a protocol error of the client, counted by the server. */
        record ProtocolError(String message) implements Response {
            public ProtocolError {
                Objects.requireNonNull(message);
            }
        }
    }

    // ---------------------------------------------------------------- framing

    /** The type byte and the body length of a header, checked against the limit of the direction. */
    public record Header(int type, int bodyLength) {}

    /**
     * Reads the 8-byte header at {@code a[offset]}; {@code request} chooses which types and which body limit apply.
     */
    public static Header header(byte[] a, int offset, boolean request) throws ControlFrameException {
        if (a.length - offset < HEADER_BYTES) throw new ControlFrameException("short header");
        int version = a[offset] & 0xff;
        if (version != VERSION) throw new ControlFrameException("unsupported version " + version);
        int type = a[offset + 1] & 0xff;
        boolean known = request ? type >= T_STATUS && type <= T_REKEY : type >= T_RESULT && type <= T_ERROR;
        if (!known) throw new ControlFrameException("unknown " + (request ? "request" : "response") + " type " + type);
        if (a[offset + 2] != 0 || a[offset + 3] != 0) throw new ControlFrameException("reserved field not zero");
        long len = ((a[offset + 4] & 0xffL) << 24)
                | ((a[offset + 5] & 0xff) << 16)
                | ((a[offset + 6] & 0xff) << 8)
                | (a[offset + 7] & 0xff);
        long max = request ? MAX_REQUEST_BODY : MAX_RESPONSE_BODY;
        if (len > max) throw new ControlFrameException("body of " + len + " bytes, over the limit of " + max);
        return new Header(type, (int) len);
    }

    private static byte[] frame(int type, byte[] body, int max) {
        if (body.length > max) throw new IllegalArgumentException("body of " + body.length + " bytes, over " + max);
        byte[] out = new byte[HEADER_BYTES + body.length];
        out[0] = VERSION;
        out[1] = (byte) type;
        out[4] = (byte) (body.length >>> 24);
        out[5] = (byte) (body.length >>> 16);
        out[6] = (byte) (body.length >>> 8);
        out[7] = (byte) body.length;
        System.arraycopy(body, 0, out, HEADER_BYTES, body.length);
        return out;
    }

    // ---------------------------------------------------------------- requests

    public static byte[] encode(Request r) {
        int type = switch (r.op()) {
            case STATUS -> T_STATUS;
            case INITIATE -> T_INITIATE;
            case TERMINATE -> T_TERMINATE;
            case REKEY -> T_REKEY;
        };
        byte[] body = r.op() == Op.STATUS
                ? new byte[0]
                : new ControlWire.Writer().string(r.name()).bytes();
        return frame(type, body, MAX_REQUEST_BODY);
    }

    /** Decodes the whole frame {@code a} (header and body, nothing more). */
    public static Request decodeRequest(byte[] a) throws ControlFrameException {
        Header h = header(a, 0, true);
        if (a.length != HEADER_BYTES + h.bodyLength())
            throw new ControlFrameException("frame length does not match its header");
        ControlWire.Reader r = new ControlWire.Reader(a, HEADER_BYTES, h.bodyLength());
        Op op = switch (h.type()) {
            case T_STATUS -> Op.STATUS;
            case T_INITIATE -> Op.INITIATE;
            case T_TERMINATE -> Op.TERMINATE;
            default -> Op.REKEY;
        };
        String name = op == Op.STATUS ? "" : r.string("name");
        r.end("the request");
        if (op != Op.STATUS && !validName(name))
            throw new ControlFrameException("bad name (1.." + MAX_NAME + " bytes, no spaces or control characters)");
        return new Request(op, name);
    }

    // ---------------------------------------------------------------- responses

    /**
     * Encodes a response frame.
     *
     * @throws IllegalArgumentException when the status does not fit a frame (the server then answers ERROR)
     */
    public static byte[] encode(Response r) {
        ControlWire.Writer w = new ControlWire.Writer();
        int type = switch (r) {
            case Response.Result(AdminResult a) -> {
                w.bool(a.ok()).text(a.message());
                yield T_RESULT;
            }
            case Response.Status(IkeStatus s) -> {
                writeStatus(w, s);
                yield T_STATUS_REPLY;
            }
            case Response.ProtocolError(String m) -> {
                w.text(m);
                yield T_ERROR;
            }
        };
        return frame(type, w.bytes(), MAX_RESPONSE_BODY);
    }

    public static Response decodeResponse(byte[] a) throws ControlFrameException {
        Header h = header(a, 0, false);
        if (a.length != HEADER_BYTES + h.bodyLength())
            throw new ControlFrameException("frame length does not match its header");
        ControlWire.Reader r = new ControlWire.Reader(a, HEADER_BYTES, h.bodyLength());
        Response out = switch (h.type()) {
            case T_RESULT -> {
                boolean ok = r.bool("ok");
                yield new Response.Result(new AdminResult(ok, r.string("message")));
            }
            case T_STATUS_REPLY -> new Response.Status(readStatus(r));
            default -> new Response.ProtocolError(r.string("message"));
        };
        r.end("the response");
        return out;
    }

    private static void writeStatus(ControlWire.Writer w, IkeStatus s) {
        w.count(s.connections().size());
        for (String c : s.connections()) w.text(c);
        w.count(s.sas().size());
        for (IkeSaStatus sa : s.sas()) {
            w.text(sa.connection())
                    .i64(sa.uniqueId())
                    .text(sa.state())
                    .bool(sa.initiator())
                    .text(sa.local())
                    .text(sa.remote())
                    .text(sa.localId())
                    .text(sa.remoteId())
                    .text(sa.spiI())
                    .text(sa.spiR())
                    .text(sa.algorithms())
                    .bool(sa.natLocal())
                    .bool(sa.natRemote())
                    .i64(sa.establishedAgo())
                    .i64(sa.rekeyIn());
            w.count(sa.children().size());
            for (ChildSaStatus c : sa.children()) {
                w.text(c.name())
                        .i64(c.uniqueId())
                        .text(c.state())
                        .text(c.mode())
                        .bool(c.udpEncap())
                        .text(c.spiIn())
                        .text(c.spiOut())
                        .text(c.algorithms());
                w.count(c.localTs().size());
                for (String t : c.localTs()) w.text(t);
                w.count(c.remoteTs().size());
                for (String t : c.remoteTs()) w.text(t);
                w.i64(c.bytesIn())
                        .i64(c.packetsIn())
                        .i64(c.bytesOut())
                        .i64(c.packetsOut())
                        .i64(c.installedAgo())
                        .i64(c.rekeyIn());
            }
        }
        w.count(s.counters().size());
        for (IkeStatus.Counter c : s.counters()) w.text(c.name()).i64(c.value());
    }

    /** The fewest bytes an encoded IKE SA / CHILD SA can take: its fixed fields and empty strings and lists. */
    private static final int MIN_IKE_SA = 9 * 2 + 8 + 3 + 8 + 8 + 2;

    private static final int MIN_CHILD_SA = 6 * 2 + 8 + 1 + 2 + 2 + 6 * 8;

    private static IkeStatus readStatus(ControlWire.Reader r) throws ControlFrameException {
        int nc = r.count("connections", 2);
        List<String> conns = new ArrayList<>(nc);
        for (int i = 0; i < nc; i++) conns.add(r.string("connection"));
        int ns = r.count("IKE SAs", MIN_IKE_SA);
        List<IkeSaStatus> sas = new ArrayList<>(ns);
        for (int i = 0; i < ns; i++) {
            String conn = r.string("connection");
            long id = r.i64("unique id");
            String state = r.string("state");
            boolean initiator = r.bool("initiator");
            String local = r.string("local");
            String remote = r.string("remote");
            String localId = r.string("local id");
            String remoteId = r.string("remote id");
            String spiI = r.string("SPIi");
            String spiR = r.string("SPIr");
            String alg = r.string("algorithms");
            boolean natL = r.bool("nat local");
            boolean natR = r.bool("nat remote");
            long est = r.i64("established");
            long rekey = r.i64("rekey");
            int nch = r.count("CHILD SAs", MIN_CHILD_SA);
            List<ChildSaStatus> children = new ArrayList<>(nch);
            for (int j = 0; j < nch; j++) {
                String name = r.string("child name");
                long cid = r.i64("child id");
                String cstate = r.string("child state");
                String mode = r.string("mode");
                boolean encap = r.bool("udp encap");
                String in = r.string("SPI in");
                String out = r.string("SPI out");
                String calg = r.string("child algorithms");
                int nl = r.count("local TS", 2);
                List<String> lts = new ArrayList<>(nl);
                for (int k = 0; k < nl; k++) lts.add(r.string("local TS"));
                int nr = r.count("remote TS", 2);
                List<String> rts = new ArrayList<>(nr);
                for (int k = 0; k < nr; k++) rts.add(r.string("remote TS"));
                children.add(new ChildSaStatus(
                        name,
                        cid,
                        cstate,
                        mode,
                        encap,
                        in,
                        out,
                        calg,
                        lts,
                        rts,
                        r.i64("bytes in"),
                        r.i64("packets in"),
                        r.i64("bytes out"),
                        r.i64("packets out"),
                        r.i64("installed"),
                        r.i64("child rekey")));
            }
            sas.add(new IkeSaStatus(
                    conn, id, state, initiator, local, remote, localId, remoteId, spiI, spiR, alg, natL, natR, est,
                    rekey, children));
        }
        int nk = r.count("counters", 2 + 8);
        List<IkeStatus.Counter> counters = new ArrayList<>(nk);
        for (int i = 0; i < nk; i++) counters.add(new IkeStatus.Counter(r.string("counter"), r.i64("counter value")));
        return new IkeStatus(conns, sas, counters);
    }
}
