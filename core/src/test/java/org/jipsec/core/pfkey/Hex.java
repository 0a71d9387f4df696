package org.jipsec.core.pfkey;

import java.util.HexFormat;

/** Hex helpers for byte arrays written out by hand in tests (whitespace and '|' separators ignored). */
final class Hex {
    private Hex() {}

    static byte[] bytes(String hex) {
        return HexFormat.of().parseHex(hex.replaceAll("[\\s|]", ""));
    }

    static String of(byte[] b) {
        return HexFormat.ofDelimiter(" ").formatHex(b);
    }
}
