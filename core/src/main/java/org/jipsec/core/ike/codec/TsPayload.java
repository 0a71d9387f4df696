package org.jipsec.core.ike.codec;

import java.util.ArrayList;
import java.util.List;

/**
 * Traffic Selector payloads TSi and TSr (RFC 7296 §3.13); each selector is a {@link TrafficSelector}.
 *
 * <pre>
 *                      1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | Next Payload  |C|  RESERVED   |         Payload Length        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | Number of TSs |                 RESERVED                      |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                                                               |
 * ~                    &lt;Traffic Selectors&gt;                  ~
 * |                                                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * The count must match the selectors present and the last must end the payload (INVALID_SYNTAX otherwise).
 *
 * @param initiator true for TSi, false for TSr
 */
public record TsPayload(boolean initiator, List<TrafficSelector> selectors) implements Payload {

    public TsPayload {
        selectors = List.copyOf(selectors);
        if (selectors.size() > 255) throw new IllegalArgumentException(selectors.size() + " selectors");
    }

    @Override
    public int type() {
        return initiator ? PayloadType.TSI : PayloadType.TSR;
    }

    static TsPayload decode(boolean initiator, WireReader r) throws InvalidSyntaxException {
        int count = r.u8("TS count");
        r.skip(3, "TS reserved");
        List<TrafficSelector> selectors = new ArrayList<>();
        for (int i = 0; i < count; i++) selectors.add(TrafficSelector.decode(r));
        if (r.remaining() != 0) throw new InvalidSyntaxException("TS: " + r.remaining() + " bytes after selectors");
        return new TsPayload(initiator, selectors);
    }

    void encode(WireWriter w) {
        w.u8(selectors.size()).u8(0).u16(0);
        for (TrafficSelector t : selectors) t.encode(w);
    }

    @Override
    public String toString() {
        return (initiator ? "TSi" : "TSr") + selectors;
    }
}
