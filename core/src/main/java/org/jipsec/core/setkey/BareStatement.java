package org.jipsec.core.setkey;

import org.jipsec.core.ipsec.SaType;

/**
 * The statements that carry at most an SA type: {@code flush [proto];}, {@code dump [proto];}, {@code spdflush;},
 * {@code spddump;} and {@code exit;} / {@code quit;} / {@code bye;} (spec §2.3). Each is a bare 16-byte base header.
 */
public record BareStatement(int line, Verb verb, SaType saType) implements SetkeyStatement {
    public enum Verb {
        FLUSH,
        DUMP,
        SPDFLUSH,
        SPDDUMP,
        EXIT
    }
}
