package org.jipsec.core.seqstate;

import java.util.Objects;

/**
 * One SA's line in the state file: every sequence number up to {@code outMark} may have been sent, every one up to
 * {@code inMark} may have been accepted (both unsigned, 64-bit: the sender's counter continues past 2^32 with ESN
 * or CYCSEQ). A restart continues the sender above {@code outMark} and starts the receiver's window above
 * {@code inMark}.
 *
 * @param savedAt epoch seconds of the last write that carried the SA while it was present (for pruning)
 */
public record SequenceRecord(SaIdentity id, long outMark, long inMark, long savedAt) {

    public SequenceRecord {
        Objects.requireNonNull(id);
    }
}
