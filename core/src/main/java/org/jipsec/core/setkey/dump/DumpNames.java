package org.jipsec.core.setkey.dump;

import org.jipsec.core.crypto.Algorithm;
import org.jipsec.core.crypto.AlgorithmKind;
import org.jipsec.core.crypto.AlgorithmTable;

/**
 * The value-to-name tables of libipsec pfkey_dump.c ({@code str_satype}, {@code str_mode}, {@code str_state},
 * {@code str_alg_*}; spec §3.3). {@code GETMSGSTR}/{@code GETMSGV2S} print the name followed by one space, or the
 * number as {@code "%u "} when unknown. Algorithm names are the table's dump names ({@link Algorithm#dumpName()}):
 * one table, no second list.
 */
final class DumpNames {
    private DumpNames() {}

    private static final String[] SATYPE = {
        "unspec", "unknown", "ah", "esp", "unknown", "rsvp", "ospfv2", "ripv2", "mip", "ipcomp", "policy", "tcp"
    };
    private static final String[] MODE = {"any", "transport", "tunnel"};
    private static final String[] STATE = {"larval", "mature", "dying", "dead"};

    static String satype(int v) {
        return v < SATYPE.length ? SATYPE[v] + " " : v + " ";
    }

    static String mode(int v) {
        return v < MODE.length ? MODE[v] + " " : v + " ";
    }

    static String state(int v) {
        return v < STATE.length ? STATE[v] + " " : v + " ";
    }

    static String enc(int v) {
        if (v == 0) return "none ";
        return AlgorithmTable.byNumber(AlgorithmKind.ENCRYPTION, v)
                        .map(Algorithm::dumpName)
                        .orElse(Integer.toString(v)) + " ";
    }

    static String auth(int v) {
        if (v == 0) return "none ";
        return AlgorithmTable.byNumber(AlgorithmKind.AUTHENTICATION, v)
                        .map(Algorithm::dumpName)
                        .orElse(Integer.toString(v))
                + " ";
    }

    static String comp(int v) {
        if (v == 0) return "none ";
        return AlgorithmTable.byNumber(AlgorithmKind.COMPRESSION, v)
                        .map(Algorithm::dumpName)
                        .orElse(Integer.toString(v))
                + " ";
    }
}
