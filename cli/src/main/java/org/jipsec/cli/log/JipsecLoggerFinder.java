package org.jipsec.cli.log;

import java.lang.System.Logger;
import java.text.MessageFormat;
import java.util.ResourceBundle;
import java.util.function.Supplier;

/**
 * The {@link System.LoggerFinder} of the jipsec program (registered in META-INF/services): every
 * {@link System#getLogger} in the process — jipsec's ({@code jipsec.*}) and the JDK's own — writes through
 * {@link LogOutput}. System.Logger is the facade: no logging library is added.
 */
public final class JipsecLoggerFinder extends System.LoggerFinder {

    @Override
    public Logger getLogger(String name, Module module) {
        return new JipsecLogger(name);
    }

    /** One named logger; the output and the level in force are looked up at each call. */
    static final class JipsecLogger implements Logger {
        private final String name;

        JipsecLogger(String name) {
            this.name = name;
        }

        @Override
        public String getName() {
            return name;
        }

        @Override
        public boolean isLoggable(Level level) {
            return LogOutput.current().enabled(name, level);
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String msg, Throwable thrown) {
            if (!isLoggable(level)) return;
            String text = msg;
            if (bundle != null && msg != null && bundle.containsKey(msg)) text = bundle.getString(msg);
            // a throwable's message only, never its stack trace (the daemon's rule: no stack traces in its output)
            if (thrown != null)
                text = text + ": " + (thrown.getMessage() != null ? thrown.getMessage() : thrown.toString());
            LogOutput.current().write(name, level, text);
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String format, Object... params) {
            if (!isLoggable(level)) return;
            String text = format;
            if (bundle != null && format != null && bundle.containsKey(format)) text = bundle.getString(format);
            if (params != null && params.length > 0) {
                try {
                    text = MessageFormat.format(text, params);
                } catch (IllegalArgumentException e) {
                    // leave the format as it is
                }
            }
            LogOutput.current().write(name, level, text);
        }

        @Override
        public void log(Level level, Supplier<String> msgSupplier) {
            if (isLoggable(level)) LogOutput.current().write(name, level, msgSupplier.get());
        }
    }
}
