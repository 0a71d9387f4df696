package org.jipsec.core.ike.engine;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import org.jipsec.core.ike.crypto.SkCipher;

/**
 * Reassembly of one IKE message from Encrypted Fragment payloads (RFC 7383 §2.6), for one direction of one IKE SA:
 * one message at a time (window 1, §2.3), keyed by its Message ID and whether it is a response. Fragments arrive
 * here verified and decrypted (§2.6.1). Bounded: at most {@link #MAX_FRAGMENTS} fragments and {@link #MAX_BYTES}
 * octets of content, and a collection older than {@link #MAX_AGE_MILLIS} is dropped. A fragment whose Total
 * Fragments is larger than the collection's starts a new collection, a smaller one is dropped (§2.6.2);
 * duplicates are ignored. Drops are counted, never thrown. Not thread-safe.
 */
final class FragmentReassembly {

    static final int MAX_FRAGMENTS = 128;
    static final int MAX_BYTES = 64 * 1024;
    /** strongSwan's default half_open/fragment timeout order: a message not complete within 30 s is dropped. */
    static final long MAX_AGE_MILLIS = 30_000;

    /** A complete message: its first inner payload type, its content, and the datagram that was fragment 1. */
    record Complete(int firstInnerPayload, byte[] content, byte[] firstDatagram) {}

    private long messageId = -1;
    private boolean response;
    private byte[][] pieces;
    private byte[] firstDatagram;
    private int firstType;
    private int have;
    private int bytes;
    private long startedAt;
    private long dropped;

    /** Adds {@code f} (of {@code datagram}); the message when it is complete, else null. */
    Complete add(long mid, boolean isResponse, SkCipher.Fragment f, byte[] datagram, long now) {
        if (f.total() > MAX_FRAGMENTS) {
            dropped++;
            return null;
        }
        boolean current =
                pieces != null && mid == messageId && isResponse == response && now - startedAt <= MAX_AGE_MILLIS;
        if (current && f.total() < pieces.length) {
            dropped++; // §2.6.2: a smaller Total Fragments is dropped
            return null;
        }
        if (!current || f.total() > pieces.length) {
            if (pieces != null) dropped += have;
            start(mid, isResponse, f.total(), now);
        }
        int i = f.number() - 1;
        if (pieces[i] != null) return null; // a duplicate
        if (bytes + f.content().length > MAX_BYTES) {
            dropped += have + 1;
            clear();
            return null;
        }
        pieces[i] = f.content();
        bytes += f.content().length;
        have++;
        if (f.number() == 1) {
            firstType = f.firstInnerPayload();
            firstDatagram = datagram;
        }
        if (have < pieces.length) return null;
        ByteArrayOutputStream all = new ByteArrayOutputStream(bytes);
        for (byte[] p : pieces) all.writeBytes(p);
        Complete c = new Complete(firstType, all.toByteArray(), firstDatagram);
        clear();
        return c;
    }

    private void start(long mid, boolean isResponse, int total, long now) {
        clear();
        messageId = mid;
        response = isResponse;
        pieces = new byte[total][];
        startedAt = now;
    }

    void clear() {
        if (pieces != null) for (byte[] p : pieces) if (p != null) Arrays.fill(p, (byte) 0);
        pieces = null;
        firstDatagram = null;
        have = 0;
        bytes = 0;
        messageId = -1;
    }

    /** Fragments dropped: over the bounds, superseded, or of a smaller Total Fragments. */
    long dropped() {
        return dropped;
    }
}
