package org.jipsec.core.sad;

/**
 * {@code struct secashead}: the SAs sharing one {@link SaIndex}, in one list per state, each list ordered by
 * creation (oldest first), linked through the SAs themselves so that insert/remove are O(1).
 */
final class SaHead {
    private final SaIndex index;
    private final SecurityAssociation[] first = new SecurityAssociation[4];
    private final SecurityAssociation[] last = new SecurityAssociation[4];
    private int count;

    SaHead(SaIndex index) {
        this.index = index;
    }

    SaIndex index() {
        return index;
    }

    int count() {
        return count;
    }

    SecurityAssociation first(SaState s) {
        return first[s.ordinal()];
    }

    SecurityAssociation last(SaState s) {
        return last[s.ordinal()];
    }

    void append(SecurityAssociation sa) {
        int i = sa.state.ordinal();
        sa.prev = last[i];
        sa.next = null;
        if (last[i] == null) first[i] = sa;
        else last[i].next = sa;
        last[i] = sa;
        count++;
    }

    void unlink(SecurityAssociation sa) {
        int i = sa.state.ordinal();
        if (sa.prev == null) first[i] = sa.next;
        else sa.prev.next = sa.next;
        if (sa.next == null) last[i] = sa.prev;
        else sa.next.prev = sa.prev;
        sa.prev = null;
        sa.next = null;
        count--;
    }

    /** Moves {@code sa} to the tail of another state's list (key_sa_chgstate). */
    void changeState(SecurityAssociation sa, SaState to) {
        unlink(sa);
        sa.state = to;
        append(sa);
    }
}
