package org.jipsec.core.ike.config;

import java.util.Set;
import org.jipsec.core.ike.admission.DaemonLimits;

/**
 * {@code jipsec iked --settings FILE}: the daemon-wide settings (DoS limits, IKE fragment size) strongSwan keeps in strongswan.conf(5) rather than
 * swanctl.conf, with the same syntax, section ({@code charon}), key names, meanings and defaults. Only the keys
 * below are read; any other key or section is an error naming file and line, as in {@link SwanctlConfig}.
 */
public final class DaemonSettings {
    private DaemonSettings() {}

    private static final Set<String> CHARON_KEYS = Set.of(
            "dos_protection",
            "cookie_threshold",
            "cookie_threshold_ip",
            "block_threshold",
            "init_limit_half_open",
            "half_open_timeout",
            "fragment_size",
            "retransmit_timeout",
            "retransmit_base",
            "retransmit_tries");

    /** Parses {@code path} (following includes) into the limits it sets; defaults for what it leaves out. */
    public static DaemonLimits load(String path, ConfigSource source) throws ConfigException {
        return build(SettingsParser.parse(path, source));
    }

    /** {@code charon.fragment_size}: 0 means strongSwan's default; else 576 to 65535 (RFC 7383 §2.5.1). */
    private static int fragmentSize(Settings s, int dflt) throws ConfigException {
        int n = SwanctlConfig.integer(s, "fragment_size", dflt, "charon.");
        if (n == 0) return dflt;
        if (n < DaemonLimits.MIN_FRAGMENT_SIZE || n > 65535) {
            Settings.Value v = s.values().get("fragment_size");
            throw new ConfigException(v.file(), v.line(), "'charon.fragment_size' must be 0 or 576 to 65535, not " + n);
        }
        return n;
    }

    /** strongSwan's retransmit_timeout: seconds, fractions allowed ("1.5"); above 0, at most an hour. */
    private static long seconds(Settings s, String key, long dfltMillis) throws ConfigException {
        double v = decimal(s, key, dfltMillis / 1000.0, 0.001, 3600);
        return Math.round(v * 1000);
    }

    private static double decimal(Settings s, String key, double dflt, double min, double max) throws ConfigException {
        Settings.Value v = s.values().get(key);
        if (v == null) return dflt;
        try {
            double d = Double.parseDouble(v.text().trim());
            if (!(d >= min && d <= max)) throw new NumberFormatException();
            if (key.equals("retransmit_tries") && d != Math.rint(d)) throw new NumberFormatException();
            return d;
        } catch (NumberFormatException e) {
            throw new ConfigException(
                    v.file(),
                    v.line(),
                    "'charon." + key + "' must be a number from " + min + " to " + max + ", not '" + v.text() + "'");
        }
    }

    public static DaemonLimits build(Settings root) throws ConfigException {
        for (Settings.Value v : root.values().values())
            throw SwanctlConfig.unsupported(v, SwanctlConfig.firstKey(root, v));
        DaemonLimits d = DaemonLimits.DEFAULTS;
        for (Settings s : root.sections().values()) {
            if (!s.name().equals("charon")) {
                throw new ConfigException(
                        s.file(),
                        s.line(),
                        "unsupported section '" + s.name() + "' (jipsec iked reads charon's DoS settings)");
            }
            for (var e : s.values().entrySet()) {
                if (!CHARON_KEYS.contains(e.getKey()))
                    throw SwanctlConfig.unsupported(e.getValue(), "charon." + e.getKey());
            }
            for (Settings sub : s.sections().values()) {
                throw new ConfigException(sub.file(), sub.line(), "unsupported section 'charon." + sub.name() + "'");
            }
            long halfOpen = SwanctlConfig.duration(
                            s, "half_open_timeout", java.time.Duration.ofMillis(d.halfOpenTimeoutMillis()), "charon.")
                    .toMillis();
            if (halfOpen == 0) {
                Settings.Value v = s.values().get("half_open_timeout");
                throw new ConfigException(v.file(), v.line(), "'charon.half_open_timeout' must be above 0");
            }
            d = new DaemonLimits(
                    SwanctlConfig.bool(s, "dos_protection", d.dosProtection(), "charon."),
                    SwanctlConfig.integer(s, "cookie_threshold", d.cookieThreshold(), "charon."),
                    SwanctlConfig.integer(s, "cookie_threshold_ip", d.cookieThresholdIp(), "charon."),
                    SwanctlConfig.integer(s, "block_threshold", d.blockThreshold(), "charon."),
                    SwanctlConfig.integer(s, "init_limit_half_open", d.initLimitHalfOpen(), "charon."),
                    halfOpen,
                    d.cookieRotateMillis(),
                    fragmentSize(s, d.fragmentSize()),
                    seconds(s, "retransmit_timeout", d.retransmitTimeoutMillis()),
                    decimal(s, "retransmit_base", d.retransmitBase(), 1.0, 100),
                    (int) decimal(s, "retransmit_tries", d.retransmitTries(), 0, 100));
        }
        return d;
    }
}
