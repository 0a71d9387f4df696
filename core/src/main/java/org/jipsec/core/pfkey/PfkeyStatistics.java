package org.jipsec.core.pfkey;

import java.util.ArrayList;
import java.util.List;

/**
 * NetBSD's {@code pfkeystat}, served as {@code net.key.stats} (spec §5.4): {@link #PFKEY_NSTATS} uint64 counters at
 * the indices of {@code sys/netipsec/keysock.h} 1.13 (2022-02-13; same layout in 1.7.4.2 of 2017), which
 * {@code netstat -s -f key} reads (usr.bin/netstat/ipsec.c {@code pfkey_stats}). "OUT" is user → kernel (requests
 * written to a PF_KEY socket), "IN" is kernel → user (messages delivered to sockets).
 *
 * <p>Where NetBSD counts, and jipsec with it (keysock.c 1.42, key.c 1.235 {@code key_parse}/{@code key_align}):
 * <ul>
 *   <li>{@code key_output}: OUT_TOTAL and OUT_BYTES for every request; shorter than a {@code sadb_msg} → OUT_TOOSHORT;
 *       else OUT_MSGTYPE + type; length ≠ {@code sadb_msg_len × 8} → OUT_INVLEN.</li>
 *   <li>{@code key_parse}: bad version → OUT_INVVER, type > SADB_MAX or no handler → OUT_INVMSGTYPE, satype refused →
 *       OUT_INVSATYPE, address check failed → OUT_INVADDR. Every one of these leaves through the {@code senderror:}
 *       label, which <em>also</em> increments OUT_INVADDR — an upstream quirk (the KAME code has it too) reproduced
 *       here so that the numbers match a NetBSD kernel's.</li>
 *   <li>{@code key_align}: duplicate extension → OUT_DUPEXT, unknown extension type → OUT_INVEXTTYPE,
 *       {@code key_validate_ext} failure or extensions not filling the message → OUT_INVLEN.</li>
 *   <li>{@code key_sendup_mbuf} (every message sent): IN_TOTAL, IN_BYTES, IN_MSGTYPE + type once per message;
 *       IN_MSGTARGET + target (0 one, 1 all, 2 registered) once for each PF_KEY socket other than the requester,
 *       whether it receives the message or not; IN_MSGTYPE + X_PROMISC for each promiscuous copy
 *       ({@code key_sendup0}). A dump ({@code key_api_dump}/{@code spddump}) counts IN_TOTAL once and IN_BYTES for
 *       the whole chain. A message a socket cannot take (queue full, NetBSD's {@code sbappendaddr} failure) →
 *       IN_NOMEM.</li>
 *   <li>SOCKERR: NetBSD counts {@code raw_attach} failures; jipsec counts a PF_KEY connection that broke (a frame
 *       that cannot be resynchronised, a read or write error) <b>[jipsec's analogue]</b>.</li>
 * </ul>
 * OUT_NOMEM (mbuf pull-up failure) has no jipsec analogue and stays 0. Not thread-safe: the key engine updates it under
 * its lock.
 */
public final class PfkeyStatistics {

    public static final int PFKEY_STAT_OUT_TOTAL = 0;
    public static final int PFKEY_STAT_OUT_BYTES = 1;
    public static final int PFKEY_STAT_OUT_MSGTYPE = 2; // 256 counters
    public static final int PFKEY_STAT_OUT_INVLEN = 258;
    public static final int PFKEY_STAT_OUT_INVVER = 259;
    public static final int PFKEY_STAT_OUT_INVMSGTYPE = 260;
    public static final int PFKEY_STAT_OUT_TOOSHORT = 261;
    public static final int PFKEY_STAT_OUT_NOMEM = 262;
    public static final int PFKEY_STAT_OUT_DUPEXT = 263;
    public static final int PFKEY_STAT_OUT_INVEXTTYPE = 264;
    public static final int PFKEY_STAT_OUT_INVSATYPE = 265;
    public static final int PFKEY_STAT_OUT_INVADDR = 266;
    public static final int PFKEY_STAT_IN_TOTAL = 267;
    public static final int PFKEY_STAT_IN_BYTES = 268;
    public static final int PFKEY_STAT_IN_MSGTYPE = 269; // 256 counters
    public static final int PFKEY_STAT_IN_MSGTARGET = 525; // 3 counters: KEY_SENDUP_ONE, _ALL, _REGISTERED
    public static final int PFKEY_STAT_IN_NOMEM = 528;
    public static final int PFKEY_STAT_SOCKERR = 529;
    public static final int PFKEY_NSTATS = 530;

    public static final int KEY_SENDUP_ONE = 0;
    public static final int KEY_SENDUP_ALL = 1;
    public static final int KEY_SENDUP_REGISTERED = 2;

    private final long[] v = new long[PFKEY_NSTATS];

    /** A copy of the counters, NetBSD's indices. */
    public long[] snapshot() {
        return v.clone();
    }

    public long get(int index) {
        return v[index];
    }

    void inc(int index) {
        v[index]++;
    }

    /** key_output: a request of {@code len} bytes; its type is counted when a base header is there. */
    void request(byte[] raw) {
        v[PFKEY_STAT_OUT_TOTAL]++;
        v[PFKEY_STAT_OUT_BYTES] += raw.length;
        if (raw.length < PfkeyCodec.BASE_BYTES) return; // OUT_TOOSHORT is counted with the refusal
        v[PFKEY_STAT_OUT_MSGTYPE + (raw[1] & 0xff)]++;
    }

    /** The codec refused a request: the counter key_output / key_parse / key_align would increment. */
    void malformed(PfkeyException.Malformation m) {
        switch (m) {
            case TOO_SHORT -> v[PFKEY_STAT_OUT_TOOSHORT]++;
            case BAD_LENGTH -> v[PFKEY_STAT_OUT_INVLEN]++;
            case BAD_VERSION -> keyParseRefusal(PFKEY_STAT_OUT_INVVER);
            case BAD_TYPE -> keyParseRefusal(PFKEY_STAT_OUT_INVMSGTYPE);
            case DUPLICATE_EXTENSION -> v[PFKEY_STAT_OUT_DUPEXT]++;
            case BAD_EXTENSION_TYPE -> v[PFKEY_STAT_OUT_INVEXTTYPE]++;
            case BAD_ADDRESS -> keyParseRefusal(-1);
            case NONE -> {}
        }
    }

    /** A key_parse refusal: its own counter (or none: -1), then the {@code senderror:} label's OUT_INVADDR. */
    void keyParseRefusal(int index) {
        if (index >= 0) v[index]++;
        v[PFKEY_STAT_OUT_INVADDR]++;
    }

    /** key_sendup_mbuf: one message of {@code bytes} and {@code type} leaves for its target. */
    void sent(int type, int bytes) {
        v[PFKEY_STAT_IN_TOTAL]++;
        v[PFKEY_STAT_IN_BYTES] += bytes;
        v[PFKEY_STAT_IN_MSGTYPE + (type & 0xff)]++;
    }

    /** Part of a dump chain was built: its bytes (the chain's IN_TOTAL was counted when the dump started). */
    void dumpBytes(int bytes) {
        v[PFKEY_STAT_IN_BYTES] += bytes;
    }

    /** The names netstat prints for message types (usr.bin/netstat/ipsec.c {@code pfkey_msgtypenames}). */
    private static final List<String> TYPE_NAMES = List.of(
            "reserved",
            "getspi",
            "update",
            "add",
            "delete",
            "get",
            "acquire",
            "register",
            "expire",
            "flush",
            "dump",
            "x_promisc",
            "x_pchange",
            "x_spdupdate",
            "x_spdadd",
            "x_spddelete",
            "x_spdget",
            "x_spdacquire",
            "x_spddump",
            "x_spdflush",
            "x_spdsetidx",
            "x_spdexpire",
            "x_spddelete2");

    /**
     * What {@code netstat -s -f key} prints for these counters (usr.bin/netstat/ipsec.c {@code pfkey_stats}; non-zero
     * lines only, as with {@code -s -s}), from counters read back from {@code net.key.stats}.
     */
    public static List<String> netstatLines(long[] s) {
        List<String> out = new ArrayList<>();
        out.add("pfkey:");
        p(out, s, PFKEY_STAT_OUT_TOTAL, "request%s sent from userland");
        p(out, s, PFKEY_STAT_OUT_BYTES, "byte%s sent from userland");
        histogram(out, s, PFKEY_STAT_OUT_MSGTYPE);
        p(out, s, PFKEY_STAT_OUT_INVLEN, "message%s with invalid length field");
        p(out, s, PFKEY_STAT_OUT_INVVER, "message%s with invalid version field");
        p(out, s, PFKEY_STAT_OUT_INVMSGTYPE, "message%s with invalid message type field");
        p(out, s, PFKEY_STAT_OUT_TOOSHORT, "message%s too short");
        p(out, s, PFKEY_STAT_OUT_NOMEM, "message%s with memory allocation failure");
        p(out, s, PFKEY_STAT_OUT_DUPEXT, "message%s with duplicate extension");
        p(out, s, PFKEY_STAT_OUT_INVEXTTYPE, "message%s with invalid extension type");
        p(out, s, PFKEY_STAT_OUT_INVSATYPE, "message%s with invalid sa type");
        p(out, s, PFKEY_STAT_OUT_INVADDR, "message%s with invalid address extension");
        p(out, s, PFKEY_STAT_IN_TOTAL, "request%s sent to userland");
        p(out, s, PFKEY_STAT_IN_BYTES, "byte%s sent to userland");
        histogram(out, s, PFKEY_STAT_IN_MSGTYPE);
        p(out, s, PFKEY_STAT_IN_MSGTARGET + KEY_SENDUP_ONE, "message%s toward single socket");
        p(out, s, PFKEY_STAT_IN_MSGTARGET + KEY_SENDUP_ALL, "message%s toward all sockets");
        p(out, s, PFKEY_STAT_IN_MSGTARGET + KEY_SENDUP_REGISTERED, "message%s toward registered sockets");
        p(out, s, PFKEY_STAT_IN_NOMEM, "message%s with memory allocation failure");
        return out;
    }

    private static void p(List<String> out, long[] s, int i, String fmt) {
        if (i >= s.length || s[i] == 0) return;
        out.add("\t" + Long.toUnsignedString(s[i]) + " " + fmt.replace("%s", s[i] == 1 ? "" : "s"));
    }

    private static void histogram(List<String> out, long[] s, int base) {
        boolean first = true;
        for (int t = 0; t < 256 && base + t < s.length; t++) {
            if (s[base + t] == 0) continue;
            if (first) {
                out.add("\thistogram by message type:");
                first = false;
            }
            String name = t < TYPE_NAMES.size() ? TYPE_NAMES.get(t) : "#" + t;
            out.add("\t\t" + name + ": " + Long.toUnsignedString(s[base + t]));
        }
    }
}
