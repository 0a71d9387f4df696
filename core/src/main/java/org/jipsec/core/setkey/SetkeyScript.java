package org.jipsec.core.setkey;

import java.util.List;

/**
 * A whole parsed setkey input: the statements in order and the warnings setkey prints while parsing
 * ({@code WARNING: mode is obsolete}, {@code WARNING: obsolete algorithm}).
 */
public record SetkeyScript(List<SetkeyStatement> statements, List<String> warnings) {
    public SetkeyScript {
        statements = List.copyOf(statements);
        warnings = List.copyOf(warnings);
    }
}
