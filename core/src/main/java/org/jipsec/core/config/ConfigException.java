package org.jipsec.core.config;

/** A configuration that cannot be applied, with one line saying why (never key material). */
public final class ConfigException extends Exception {
    public ConfigException(String message) {
        super(message, null, false, false);
    }
}
