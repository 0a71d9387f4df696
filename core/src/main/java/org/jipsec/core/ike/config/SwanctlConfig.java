package org.jipsec.core.ike.config;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.jipsec.core.ike.proposal.ProposalParser;
import org.jipsec.core.ike.proposal.ProposalSpec;
import org.jipsec.core.ike.proposal.ProposalSyntaxException;
import org.jipsec.core.ike.proposal.SaProtocol;

/**
 * Builds an {@link IkeConfig} from swanctl.conf settings: the keys of issue #14 item 2 with strongSwan's
 * meanings and defaults (swanctl.conf(5), strongSwan 5.9.8). Any other section or key is an error naming its
 * file, line and full name — never silently ignored — so a strongSwan file either means the same to jipsec
 * or is refused.
 */
public final class SwanctlConfig {
    private SwanctlConfig() {}

    private static final Set<String> CONNECTION_KEYS = Set.of(
            "version",
            "local_addrs",
            "remote_addrs",
            "proposals",
            "encap",
            "mobike",
            "fragmentation",
            "dpd_delay",
            "rekey_time",
            "keyingtries");
    private static final Set<String> LOCAL_KEYS = Set.of("auth", "id", "certs");
    private static final Set<String> REMOTE_KEYS = Set.of("auth", "id", "cacerts");
    private static final Set<String> CHILD_KEYS =
            Set.of("local_ts", "remote_ts", "esp_proposals", "mode", "start_action", "dpd_action", "rekey_time");

    /** Parses the file (following includes) and builds the configuration. */
    public static IkeConfig load(String path, ConfigSource source) throws ConfigException {
        return build(SettingsParser.parse(path, source));
    }

    public static IkeConfig build(Settings root) throws ConfigException {
        for (Settings.Value v : root.values().values()) {
            throw unsupported(v, firstKey(root, v));
        }
        List<IkeConfig.Connection> connections = new ArrayList<>();
        List<IkeConfig.SharedSecret> secrets = new ArrayList<>();
        for (Settings s : root.sections().values()) {
            switch (s.name()) {
                case "connections" -> {
                    for (Settings.Value v : s.values().values()) throw unsupported(v, "connections." + firstKey(s, v));
                    for (Settings c : s.sections().values()) connections.add(connection(c));
                }
                case "secrets" -> {
                    for (Settings.Value v : s.values().values()) throw unsupported(v, "secrets." + firstKey(s, v));
                    for (Settings sec : s.sections().values()) secrets.add(secret(sec));
                }
                default ->
                    throw new ConfigException(
                            s.file(),
                            s.line(),
                            "unsupported section '" + s.name() + "' (jipsec reads connections and secrets)");
            }
        }
        boolean anyPsk = connections.stream()
                .anyMatch(c -> c.local().stream().anyMatch(r -> r.auth() == IkeConfig.AuthMethod.PSK));
        if (anyPsk && secrets.isEmpty()) {
            Settings conns = root.sections().get("connections");
            throw new ConfigException(
                    conns.file(),
                    conns.line(),
                    "a connection authenticates with psk but 'secrets'" + " holds no ike secret");
        }
        return new IkeConfig(connections, secrets);
    }

    // ReferenceEquality: on purpose; the key of this very value object, not of an equal value under another key
    @SuppressWarnings("ReferenceEquality")
    static String firstKey(Settings s, Settings.Value v) {
        return s.values().entrySet().stream()
                .filter(e -> e.getValue() == v) // this very value object, not an equal one elsewhere
                .findFirst()
                .orElseThrow()
                .getKey();
    }

    static ConfigException unsupported(Settings.Value v, String fullName) {
        return new ConfigException(v.file(), v.line(), "unsupported key '" + fullName + "'");
    }

    private static void onlyKeys(Settings s, Set<String> allowed, String prefix) throws ConfigException {
        for (Map.Entry<String, Settings.Value> e : s.values().entrySet()) {
            if (!allowed.contains(e.getKey())) throw unsupported(e.getValue(), prefix + e.getKey());
        }
    }

    private static IkeConfig.Connection connection(Settings c) throws ConfigException {
        String p = "connections." + c.name() + ".";
        onlyKeys(c, CONNECTION_KEYS, p);
        int version = integer(c, "version", 0, p);
        if (version == 1) throw error(c, "version", "IKEv1 is not supported by jipsec (version = 2 or 0)");
        if (version != 0 && version != 2) throw error(c, "version", "version must be 0 (any) or 2");
        List<String> localAddrs = list(c, "local_addrs", "%any");
        List<String> remoteAddrs = list(c, "remote_addrs", "%any");
        List<ProposalSpec> proposals = proposals(c, "proposals", SaProtocol.IKE);
        boolean encap = bool(c, "encap", false, p);
        boolean mobike = bool(c, "mobike", true, p);
        IkeConfig.Fragmentation frag =
                choice(c, "fragmentation", IkeConfig.Fragmentation.YES, p, IkeConfig.Fragmentation::valueOf);
        Duration dpd = duration(c, "dpd_delay", Duration.ZERO, p);
        Duration rekey = duration(c, "rekey_time", Duration.ofHours(4), p);
        int keyingtries = integer(c, "keyingtries", 1, p);
        List<IkeConfig.AuthRound> local = new ArrayList<>();
        List<IkeConfig.AuthRound> remote = new ArrayList<>();
        List<IkeConfig.Child> children = new ArrayList<>();
        for (Settings s : c.sections().values()) {
            if (s.name().startsWith("local")) {
                local.add(round(s, LOCAL_KEYS, "certs", p));
            } else if (s.name().startsWith("remote")) {
                remote.add(round(s, REMOTE_KEYS, "cacerts", p));
            } else if (s.name().equals("children")) {
                for (Settings.Value v : s.values().values()) throw unsupported(v, p + "children." + firstKey(s, v));
                for (Settings ch : s.sections().values()) children.add(child(ch, p + "children." + ch.name() + "."));
            } else {
                throw new ConfigException(s.file(), s.line(), "unsupported section '" + p + s.name() + "'");
            }
        }
        // strongSwan adds a default round (auth = pubkey) when a side has none
        if (local.isEmpty()) local.add(new IkeConfig.AuthRound("local", IkeConfig.AuthMethod.PUBKEY, null, List.of()));
        if (remote.isEmpty()) {
            remote.add(new IkeConfig.AuthRound("remote", IkeConfig.AuthMethod.PUBKEY, IkeIdentity.ANY, List.of()));
        }
        return new IkeConfig.Connection(
                c.name(),
                version,
                localAddrs,
                remoteAddrs,
                proposals,
                encap,
                mobike,
                frag,
                dpd,
                rekey,
                keyingtries,
                local,
                remote,
                children);
    }

    private static IkeConfig.AuthRound round(Settings s, Set<String> keys, String certKey, String prefix)
            throws ConfigException {
        String p = prefix + s.name() + ".";
        onlyKeys(s, keys, p);
        for (Settings sub : s.sections().values()) {
            throw new ConfigException(sub.file(), sub.line(), "unsupported section '" + p + sub.name() + "'");
        }
        Settings.Value authValue = s.values().get("auth");
        boolean rsaPss = authValue != null
                && authValue.text().trim().toLowerCase(java.util.Locale.ROOT).equals("rsa/pss");
        IkeConfig.AuthMethod auth = choice(s, "auth", IkeConfig.AuthMethod.PUBKEY, p, v -> {
            // swanctl.conf(5): pubkey, or rsa / ecdsa naming the key type, rsa/pss for RSASSA-PSS signatures
            if (v.equals("PSK")) return IkeConfig.AuthMethod.PSK;
            if (v.equals("PUBKEY") || v.equals("RSA") || v.equals("ECDSA") || v.equals("RSA/PSS")) {
                return IkeConfig.AuthMethod.PUBKEY;
            }
            throw new IllegalArgumentException("psk, pubkey, rsa, ecdsa or rsa/pss (jipsec has no EAP or XAuth)");
        });
        IkeIdentity id = null;
        Settings.Value idv = s.values().get("id");
        if (idv != null) {
            id = IkeIdentity.parse(idv.text());
            if (id == null)
                throw new ConfigException(
                        idv.file(), idv.line(), "'" + p + "id': not an identity: '" + idv.text() + "'");
            // a DN goes out DER-encoded (RFC 7296 §3.5 ID_DER_ASN1_DN), with a PSK as with certificates
        } else if (s.name().startsWith("remote")) {
            id = IkeIdentity.ANY;
        }
        return new IkeConfig.AuthRound(s.name(), auth, id, list(s, certKey, null), rsaPss);
    }

    private static IkeConfig.Child child(Settings s, String p) throws ConfigException {
        onlyKeys(s, CHILD_KEYS, p);
        for (Settings sub : s.sections().values()) {
            throw new ConfigException(sub.file(), sub.line(), "unsupported section '" + p + sub.name() + "'");
        }
        List<TrafficSelectorSpec> local = selectors(s, "local_ts", p);
        List<TrafficSelectorSpec> remote = selectors(s, "remote_ts", p);
        List<ProposalSpec> esp = proposals(s, "esp_proposals", SaProtocol.ESP);
        IkeConfig.Mode mode = choice(s, "mode", IkeConfig.Mode.TUNNEL, p, v -> {
            if (v.equals("TUNNEL") || v.equals("TRANSPORT")) return IkeConfig.Mode.valueOf(v);
            throw new IllegalArgumentException("tunnel or transport (jipsec has no beet, pass or drop children)");
        });
        IkeConfig.StartAction start =
                choice(s, "start_action", IkeConfig.StartAction.NONE, p, IkeConfig.StartAction::valueOf);
        IkeConfig.DpdAction dpd = choice(s, "dpd_action", IkeConfig.DpdAction.CLEAR, p, IkeConfig.DpdAction::valueOf);
        Duration rekey = duration(s, "rekey_time", Duration.ofHours(1), p);
        return new IkeConfig.Child(s.name(), local, remote, esp, mode, start, dpd, rekey);
    }

    private static IkeConfig.SharedSecret secret(Settings s) throws ConfigException {
        String p = "secrets." + s.name() + ".";
        if (!s.name().startsWith("ike")) {
            throw new ConfigException(
                    s.file(),
                    s.line(),
                    "unsupported secret '" + s.name() + "' (jipsec reads ike"
                            + " secrets; eap, xauth, private keys are not supported)");
        }
        for (Settings sub : s.sections().values()) {
            throw new ConfigException(sub.file(), sub.line(), "unsupported section '" + p + sub.name() + "'");
        }
        List<IkeIdentity> ids = new ArrayList<>();
        byte[] secret = null;
        for (Map.Entry<String, Settings.Value> e : s.values().entrySet()) {
            Settings.Value v = e.getValue();
            if (e.getKey().equals("secret")) {
                secret = secretBytes(v);
            } else if (e.getKey().startsWith("id")) {
                IkeIdentity id = IkeIdentity.parse(v.text());
                if (id == null)
                    throw new ConfigException(v.file(), v.line(), "'" + p + e.getKey() + "': not an identity");
                ids.add(id);
            } else {
                throw unsupported(v, p + e.getKey());
            }
        }
        if (secret == null) throw new ConfigException(s.file(), s.line(), "'" + p + "secret' is missing");
        return new IkeConfig.SharedSecret(s.name(), ids, secret);
    }

    /** swanctl.conf(5) secrets: {@code 0x} hex, {@code 0s} base64, otherwise the string's bytes. */
    private static byte[] secretBytes(Settings.Value v) throws ConfigException {
        String t = v.text();
        try {
            if (t.startsWith("0x")) return HexFormat.of().parseHex(t.substring(2));
            if (t.startsWith("0s")) return Base64.getDecoder().decode(t.substring(2));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(v.file(), v.line(), "secret is neither valid hex (0x) nor base64 (0s)");
        }
        if (t.isEmpty()) throw new ConfigException(v.file(), v.line(), "empty secret");
        return t.getBytes(StandardCharsets.UTF_8);
    }

    private static ConfigException error(Settings s, String key, String message) {
        Settings.Value v = s.values().get(key);
        return new ConfigException(v.file(), v.line(), message);
    }

    private static List<String> list(Settings s, String key, String dflt) {
        Settings.Value v = s.values().get(key);
        if (v == null) return dflt == null ? List.of() : List.of(dflt);
        List<String> out = new ArrayList<>();
        for (String part : v.text().split(",", -1)) {
            if (!part.isBlank()) out.add(part.trim());
        }
        return out;
    }

    private static List<ProposalSpec> proposals(Settings s, String key, SaProtocol protocol) throws ConfigException {
        Settings.Value v = s.values().get(key);
        if (v == null) {
            return protocol == SaProtocol.IKE ? ProposalParser.defaultIke() : ProposalParser.defaultEsp(false);
        }
        try {
            return ProposalParser.parseList(v.text(), protocol, true);
        } catch (ProposalSyntaxException e) {
            throw new ConfigException(v.file(), v.line(), key + ": " + e.getMessage());
        }
    }

    private static List<TrafficSelectorSpec> selectors(Settings s, String key, String p) throws ConfigException {
        List<TrafficSelectorSpec> out = new ArrayList<>();
        Settings.Value v = s.values().get(key);
        for (String part : list(s, key, "dynamic")) {
            TrafficSelectorSpec ts = TrafficSelectorSpec.parse(part);
            if (ts == null)
                throw new ConfigException(
                        v.file(), v.line(), "'" + p + key + "': not a traffic selector: '" + part + "'");
            out.add(ts);
        }
        return out;
    }

    /** strongSwan's booleans: yes/no, true/false, enabled/disabled, 1/0. */
    static boolean bool(Settings s, String key, boolean dflt, String p) throws ConfigException {
        Settings.Value v = s.values().get(key);
        if (v == null) return dflt;
        return switch (v.text().toLowerCase(Locale.ROOT)) {
            case "yes", "true", "enabled", "1" -> true;
            case "no", "false", "disabled", "0" -> false;
            default ->
                throw new ConfigException(
                        v.file(), v.line(), "'" + p + key + "' must be yes or no, not '" + v.text() + "'");
        };
    }

    static int integer(Settings s, String key, int dflt, String p) throws ConfigException {
        Settings.Value v = s.values().get(key);
        if (v == null) return dflt;
        try {
            int n = Integer.parseInt(v.text());
            if (n < 0) throw new NumberFormatException();
            return n;
        } catch (NumberFormatException e) {
            throw new ConfigException(
                    v.file(), v.line(), "'" + p + key + "' must be a non-negative number, not '" + v.text() + "'");
        }
    }

    /** strongSwan's time values: a number with s, m, h or d (seconds without a unit). */
    static Duration duration(Settings s, String key, Duration dflt, String p) throws ConfigException {
        Settings.Value v = s.values().get(key);
        if (v == null) return dflt;
        String t = v.text().trim();
        long unit = 1;
        if (!t.isEmpty()) {
            switch (t.charAt(t.length() - 1)) {
                case 's' -> t = t.substring(0, t.length() - 1);
                case 'm' -> {
                    unit = 60;
                    t = t.substring(0, t.length() - 1);
                }
                case 'h' -> {
                    unit = 3600;
                    t = t.substring(0, t.length() - 1);
                }
                case 'd' -> {
                    unit = 86400;
                    t = t.substring(0, t.length() - 1);
                }
                default -> {}
            }
        }
        try {
            long n = Long.parseLong(t.trim());
            if (n < 0 || n > 100L * 365 * 86400 / unit) throw new NumberFormatException();
            return Duration.ofSeconds(n * unit);
        } catch (NumberFormatException e) {
            throw new ConfigException(
                    v.file(),
                    v.line(),
                    "'" + p + key + "' is not a time ('30s', '5m', '4h', '1d'): '" + v.text() + "'");
        }
    }

    private static <E> E choice(Settings s, String key, E dflt, String p, Function<String, E> parse)
            throws ConfigException {
        Settings.Value v = s.values().get(key);
        if (v == null) return dflt;
        try {
            return parse.apply(v.text().trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            String hint =
                    e.getMessage() != null && !e.getMessage().startsWith("No enum") ? " (" + e.getMessage() + ")" : "";
            throw new ConfigException(
                    v.file(), v.line(), "'" + p + key + "' = '" + v.text() + "' is not supported" + hint);
        }
    }
}
