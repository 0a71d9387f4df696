package org.jipsec.core.spd;

/**
 * {@code key_newreqid} (spec §1.12): automatic reqids for {@code unique} requests without a manual
 * one. A counter starting at 0x4000; each call returns counter + 1 (0x4001, 0x4002, …); after 0xffff
 * the next value is 0x4000. No uniqueness check, as NetBSD. Thread-safe.
 */
public final class ReqidAllocator {

    private int counter = 0x4000;

    public synchronized int next() {
        counter = counter == 0xffff ? 0x4000 : counter + 1;
        return counter;
    }
}
