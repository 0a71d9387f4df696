package org.jipsec.core.setkey;

/** One parsed setkey statement. Issue #6 extends this to the whole setkey grammar. */
public sealed interface SetkeyStatement permits AddStatement, SpdAddStatement, OtherStatement {
    /** Line where the statement starts. */
    int line();
}
