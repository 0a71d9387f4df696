package org.jipsec.core.config;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.regex.Pattern;
import org.jipsec.core.ipsec.SaType;
import org.jipsec.core.pfkey.AlgorithmCatalog;
import org.jipsec.core.pfkey.Delivery;
import org.jipsec.core.pfkey.Errno;
import org.jipsec.core.pfkey.KeyEngine;
import org.jipsec.core.pfkey.KeySettings;
import org.jipsec.core.pfkey.ListPolicyStore;
import org.jipsec.core.pfkey.PfkeyMessage;
import org.jipsec.core.pfkey.Sadb;
import org.jipsec.core.setkey.AddStatement;
import org.jipsec.core.setkey.BareStatement;
import org.jipsec.core.setkey.DeleteAllStatement;
import org.jipsec.core.setkey.GetspiStatement;
import org.jipsec.core.setkey.HostResolver;
import org.jipsec.core.setkey.KeyLengthCheck;
import org.jipsec.core.setkey.SaKeyStatement;
import org.jipsec.core.setkey.SetkeyException;
import org.jipsec.core.setkey.SetkeyMessages;
import org.jipsec.core.setkey.SetkeyParser;
import org.jipsec.core.setkey.SetkeyScript;
import org.jipsec.core.setkey.SetkeyStatement;
import org.jipsec.core.setkey.SpdAddStatement;
import org.jipsec.core.setkey.SpdDeleteStatement;

/**
 * A configuration file read completely and validated before anything is applied: what it installs ({@link #sas()},
 * {@link #policies()} in file order, after the file's own flush, spdflush and spdupdate statements are taken
 * into account) and what it flushes of the running state.
 *
 * <p>Validation is the key engine's own: the statements run, in order, through a scratch {@link KeyEngine} with the
 * live engine's algorithm catalog (SADB_REGISTER first for the key-length check, as setkey does, spec §2.1), so an SA
 * or policy the engine would refuse — unknown algorithm, key length, reserved SPI, duplicate — refuses the whole file.
 * The scratch engine's SAs are flushed (keys zeroed) before returning.
 *
 * @param flushes   SA types the file flushes ({@code flush;} = every type: {@link SaType#UNSPEC})
 * @param spdFlush  whether the file has {@code spdflush;}
 * @param warnings  setkey's parse warnings (obsolete algorithms…)
 */
public record ConfigPlan(
        List<PlannedSa> sas,
        List<PlannedPolicy> policies,
        Set<SaType> flushes,
        boolean spdFlush,
        List<String> warnings) {

    public ConfigPlan {
        sas = List.copyOf(sas);
        policies = List.copyOf(policies);
        flushes = flushes.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(flushes));
        warnings = List.copyOf(warnings);
    }

    /** Hex keys longer than an SPI, or quoted keys, as a message may quote them ({@code at [0x0011…]}). */
    private static final Pattern KEY_TOKEN = Pattern.compile("\\[(0x[0-9A-Fa-f]{9,}|\".*\")\\]");

    /** Whether the file flushes SAs of {@code type}. */
    public boolean flushes(SaType type) {
        return flushes.contains(SaType.UNSPEC) || flushes.contains(type);
    }

    /** Zeroes the keys the plan holds. */
    public void wipe() {
        for (PlannedSa s : sas) s.wipe();
    }

    /**
     * Parses and validates {@code text}.
     *
     * @throws ConfigException naming the line and the reason, without key material
     */
    public static ConfigPlan parse(String text, HostResolver resolver, AlgorithmCatalog algorithms)
            throws ConfigException {
        KeyEngine scratch = new KeyEngine(
                new KeySettings(),
                () -> 0L,
                new SplittableRandom(0),
                new ListPolicyStore(() -> 0L, () -> 1000),
                algorithms);
        long socket = scratch.openSocket();
        List<PlannedSa> sas = new ArrayList<>();
        List<PlannedPolicy> policies = new ArrayList<>();
        Set<SaType> flushes = EnumSet.noneOf(SaType.class);
        boolean spdFlush = false;
        boolean done = false;
        List<SetkeyStatement> statements = List.of();
        boolean ok = false;
        try {
            KeyLengthCheck supported = KeyLengthCheck.fromRegisterReply(exchange(
                    scratch, socket, PfkeyMessage.of(Sadb.SADB_REGISTER, Sadb.SADB_SATYPE_UNSPEC, 0, 0, List.of())));
            String[] refusal = new String[1];
            KeyLengthCheck check = (alg, bits) -> {
                String r = supported.refuse(alg, bits);
                if (r != null) refusal[0] = r + " (" + alg.name() + ", " + bits + "-bit key)";
                return r;
            };
            SetkeyScript script;
            try {
                script = SetkeyParser.parse(text, resolver, check);
            } catch (SetkeyException e) {
                throw new ConfigException(
                        refusal[0] != null ? "line " + e.line() + ": " + refusal[0] : redact(e.getMessage()));
            }
            statements = script.statements();
            try {
                for (SetkeyStatement s : statements) {
                    if (done) {
                        if (s instanceof AddStatement a) a.zeroKeys();
                        continue;
                    }
                    switch (s) {
                        case AddStatement a
                        when a.update() -> {
                            a.zeroKeys();
                            throw refused(a.line(), "update");
                        }
                        case AddStatement a -> {
                            sas.add(PlannedSa.of(a));
                            run(scratch, socket, SetkeyMessages.build(a, 0), a.line(), a.toString());
                        }
                        case SpdAddStatement p -> {
                            PfkeyMessage m = SetkeyMessages.build(p, 0);
                            PlannedPolicy planned = PlannedPolicy.of(p, m);
                            run(scratch, socket, m, p.line(), planned.toString());
                            if (p.update()) policies.removeIf(q -> q.selector().equals(planned.selector()));
                            policies.add(planned);
                        }
                        case BareStatement b -> {
                            switch (b.verb()) {
                                case FLUSH -> {
                                    run(scratch, socket, SetkeyMessages.build(b, 0), b.line(), "flush");
                                    flushes.add(b.saType());
                                    sas.removeIf(x -> {
                                        boolean gone = b.saType() == SaType.UNSPEC
                                                || x.index().saType() == b.saType();
                                        if (gone) x.wipe();
                                        return gone;
                                    });
                                }
                                case SPDFLUSH -> {
                                    run(scratch, socket, SetkeyMessages.build(b, 0), b.line(), "spdflush");
                                    spdFlush = true;
                                    policies.clear();
                                }
                                case DUMP, SPDDUMP -> {} // prints the databases: nothing to install
                                case EXIT -> done = true;
                            }
                        }
                        case SaKeyStatement k -> throw refused(k.line(), k.delete() ? "delete" : "get");
                        case GetspiStatement g -> throw refused(g.line(), "getspi");
                        case DeleteAllStatement d -> throw refused(d.line(), "deleteall");
                        case SpdDeleteStatement d -> throw refused(d.line(), "spddelete");
                    }
                }
            } catch (SetkeyException e) {
                throw new ConfigException(redact(e.getMessage()));
            }
            ConfigPlan plan = new ConfigPlan(sas, policies, flushes, spdFlush, script.warnings());
            ok = true;
            return plan;
        } finally {
            if (!ok) for (SetkeyStatement s : statements) if (s instanceof AddStatement a) a.zeroKeys();
            exchange(scratch, socket, PfkeyMessage.of(Sadb.SADB_FLUSH, Sadb.SADB_SATYPE_UNSPEC, 0, 0, List.of()));
            scratch.closeSocket(socket);
        }
    }

    private static ConfigException refused(int line, String verb) {
        return new ConfigException("line " + line + ": '" + verb + "' acts on the running databases and has no place"
                + " in a gateway configuration (it lists what to install; use jipsec setkey for " + verb + ")");
    }

    /** Sends {@code m} to the scratch engine; an error reply refuses the file. */
    private static void run(KeyEngine scratch, long socket, PfkeyMessage m, int line, String what)
            throws ConfigException {
        PfkeyMessage reply = exchange(scratch, socket, m);
        if (reply != null && reply.errno() != 0) {
            throw new ConfigException(
                    "line " + line + ": the key engine refuses " + what + ": " + Errno.describe(reply.errno()));
        }
    }

    private static PfkeyMessage exchange(KeyEngine engine, long socket, PfkeyMessage m) {
        for (Delivery d : engine.handle(socket, m).deliveries()) {
            if (d.socketId() == socket && !d.promiscCopy()) return d.message();
        }
        return null;
    }

    /** A parser message with any key-like token hidden. */
    static String redact(String message) {
        return KEY_TOKEN.matcher(message).replaceAll("[(key hidden)]");
    }
}
