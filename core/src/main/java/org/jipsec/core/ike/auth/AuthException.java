package org.jipsec.core.ike.auth;

/** Our own AUTH could not be produced (unusable private key, unsupported algorithm). */
public final class AuthException extends Exception {
    public AuthException(String message, Throwable cause) {
        super(message, cause);
    }
}
