package org.jipsec.core.ike.codec;

import java.util.ArrayList;
import java.util.List;

/**
 * Security Association payload (RFC 7296 §3.3): one or more {@link Proposal proposals}, each a list of
 * {@link Transform transforms}.
 *
 * <pre>
 *                      1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | Next Payload  |C|  RESERVED   |         Payload Length        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                                                               |
 * ~                       &lt;Proposals&gt;                       ~
 * |                                                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
public record SaPayload(List<Proposal> proposals) implements Payload {

    public SaPayload {
        proposals = List.copyOf(proposals);
        if (proposals.isEmpty()) throw new IllegalArgumentException("an SA payload has at least one proposal");
    }

    @Override
    public int type() {
        return PayloadType.SA;
    }

    static SaPayload decode(WireReader r) throws InvalidSyntaxException {
        List<Proposal> proposals = new ArrayList<>();
        // §3.3.1 Last Substruc: 0 for the last proposal, 2 if more follow.
        int last = 2;
        while (last == 2) {
            if (r.remaining() == 0) throw new InvalidSyntaxException("SA: proposal says more follow, none does");
            last = r.u8("proposal last substruc");
            if (last != 0 && last != 2) throw new InvalidSyntaxException("SA: proposal last substruc " + last);
            r.skip(1, "proposal reserved");
            int length = r.u16("proposal length");
            if (length < 8) throw new InvalidSyntaxException("SA: proposal length " + length + " < 8");
            proposals.add(Proposal.decode(r.slice(length - 4, "proposal body")));
        }
        if (r.remaining() != 0) {
            throw new InvalidSyntaxException("SA: " + r.remaining() + " bytes after the last proposal");
        }
        return new SaPayload(proposals);
    }

    void encode(WireWriter w) {
        for (int i = 0; i < proposals.size(); i++) {
            proposals.get(i).encode(w, i == proposals.size() - 1);
        }
    }
}
