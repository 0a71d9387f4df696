package org.jipsec.core.setkey;

/** One parsed setkey statement (spec §2.3). */
public sealed interface SetkeyStatement
        permits AddStatement,
                GetspiStatement,
                SaKeyStatement,
                DeleteAllStatement,
                BareStatement,
                SpdAddStatement,
                SpdDeleteStatement {
    /** Line where the statement starts. */
    int line();
}
