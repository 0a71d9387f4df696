package org.jipsec.core.pfkey;

import java.util.Arrays;

/**
 * The key engine's counters (after NetBSD's {@code struct pfkeystat}, keysock.h): requests by message type,
 * refusals by reason (the errno sent back), malformed requests, messages sent by target. A snapshot: the engine keeps
 * the live counters.
 *
 * @param requests           requests received (all, well-formed or not)
 * @param requestBytes       their total size
 * @param requestsByType     per {@code sadb_msg_type} (index = type, 0..255)
 * @param malformed          requests refused by the codec (length, version, type, extensions: spec §1.9 steps 1–4)
 * @param refusedByErrno     requests answered with an errno, per errno number (index 0..255)
 * @param sentOne            messages sent to the requester only
 * @param sentAll            messages sent to every socket
 * @param sentRegistered     messages sent to registered sockets
 * @param promiscCopies      wrapped copies sent to promiscuous sockets
 */
public record KeyStatistics(
        long requests,
        long requestBytes,
        long[] requestsByType,
        long malformed,
        long[] refusedByErrno,
        long sentOne,
        long sentAll,
        long sentRegistered,
        long promiscCopies) {

    public KeyStatistics {
        requestsByType = requestsByType.clone();
        refusedByErrno = refusedByErrno.clone();
    }

    @Override
    public long[] requestsByType() {
        return requestsByType.clone();
    }

    @Override
    public long[] refusedByErrno() {
        return refusedByErrno.clone();
    }

    /** Requests refused with {@code errno}. */
    public long refused(Errno errno) {
        return refusedByErrno[errno.number()];
    }

    @Override
    public String toString() {
        return "KeyStatistics[requests=" + requests + ", malformed=" + malformed + ", refused="
                + Arrays.stream(refusedByErrno).sum() + ", sent=" + (sentOne + sentAll + sentRegistered) + "]";
    }

    /** The live counters. Not thread-safe: updated under the engine's lock. */
    static final class Counters {
        long requests;
        long requestBytes;
        final long[] requestsByType = new long[256];
        long malformed;
        final long[] refusedByErrno = new long[256];
        long sentOne;
        long sentAll;
        long sentRegistered;
        long promiscCopies;

        KeyStatistics snapshot() {
            return new KeyStatistics(
                    requests,
                    requestBytes,
                    requestsByType,
                    malformed,
                    refusedByErrno,
                    sentOne,
                    sentAll,
                    sentRegistered,
                    promiscCopies);
        }
    }
}
