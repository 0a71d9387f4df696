package org.jipsec.core.crypto;

import java.util.List;
import java.util.Optional;

/**
 * The one algorithm table: every encryption, authentication and compression algorithm jipsec knows, with its
 * PF_KEY number (NetBSD pfkeyv2.h), setkey names and key lengths as NetBSD accepts them (spec §1.8, §2.5).
 */
public final class AlgorithmTable {

    private static final List<Algorithm> ALL = List.of(
            // Filled in by the foundation issue (#2): every algorithm NetBSD's setkey accepts, plus
            // chacha20-poly1305, aes-ccm-8/12/16, aes-gcm-8/12 and aes-cmac-96.
    );

    private AlgorithmTable() {}

    /** Every row, encryption first, then authentication, then compression, each by PF_KEY number. */
    public static List<Algorithm> all() {
        return ALL;
    }

    public static List<Algorithm> all(AlgorithmKind kind) {
        return ALL.stream().filter(a -> a.kind() == kind).toList();
    }

    public static Optional<Algorithm> byNumber(AlgorithmKind kind, int number) {
        return ALL.stream().filter(a -> a.kind() == kind && a.number() == number).findFirst();
    }

    public static Optional<Algorithm> byName(AlgorithmKind kind, String setkeyName) {
        return ALL.stream().filter(a -> a.kind() == kind && a.isNamed(setkeyName)).findFirst();
    }
}
