package org.jipsec.core.ike.control;

/**
 * The answer to an admin command: whether it was taken and, in words a user can act on, what happened or why not
 * (e.g. "no connection or child named 'x'", "IKE SA home[3] initiated"). Never holds key material.
 */
public record AdminResult(boolean ok, String message) {

    public static AdminResult ok(String message) {
        return new AdminResult(true, message);
    }

    public static AdminResult refused(String message) {
        return new AdminResult(false, message);
    }
}
