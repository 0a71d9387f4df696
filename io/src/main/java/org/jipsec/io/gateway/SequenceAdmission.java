package org.jipsec.io.gateway;

import java.util.HashSet;
import java.util.Set;
import org.jipsec.core.ipsec.SaType;
import org.jipsec.core.pfkey.KeyEngine;
import org.jipsec.core.sad.SaIndex;
import org.jipsec.core.sad.SaValues;
import org.jipsec.core.seqstate.SaIdentity;
import org.jipsec.core.seqstate.SequenceStateTable;
import org.jipsec.core.seqstate.StaticKeys;
import org.jipsec.core.spd.AddressText;
import org.jipsec.io.state.SequenceStore;

/**
 * The gateway's {@link KeyEngine.SaAdmission} (issue #12). Every ESP/AH SA installed — from {@code --config}, a reload
 * or PF_KEY — gets its saved sequence state at once (so its first blocks are on disk before its first packet). A
 * manually keyed (SADB_ADD) counter-mode SA without saved state — none in the state directory, or no state directory
 * ({@code --no-state}) — is warned about loudly, once per SA and keys (RFC 4106 §8.1), or refused with
 * {@code --strict-keys} (the configuration is then not applied, or the SADB_ADD answered EPERM).
 */
final class SequenceAdmission implements KeyEngine.SaAdmission {

    private final SequenceStore store;
    private final boolean strict;
    private final GatewayDaemon.Log log;
    private final Set<Object> warned = new HashSet<>();

    /** @param store null: running without a state directory */
    SequenceAdmission(SequenceStore store, boolean strict, GatewayDaemon.Log log) {
        this.store = store;
        this.strict = strict;
        this.log = log;
    }

    @Override
    public String refusal(SaType type, SaIndex index, SaValues v, boolean manual) {
        if (type != SaType.ESP && type != SaType.AH) return null;
        boolean counter = manual && StaticKeys.counterMode(type, v.encryptAlgorithm());
        String sa = type.dumpName() + " SA spi 0x" + Integer.toHexString(v.spi()) + " "
                + AddressText.format(index.source().address(), 0) + "->"
                + AddressText.format(index.destination().address(), 0);
        if (store == null) {
            if (!counter) return null;
            return problem(
                    sa,
                    v,
                    "running without a state directory (--no-state): they restart at 1 at every start",
                    java.util.List.of(sa, v.encryptAlgorithm()));
        }
        SequenceStateTable table = store.table();
        SaIdentity id = table.identity(
                type.number(),
                v.spi(),
                index.source().address(),
                index.destination().address(),
                v.encryptAlgorithm(),
                v.encryptKey(),
                v.authAlgorithm(),
                v.authKey());
        if (counter && !table.knows(id)) {
            String refused = problem(sa, v, "no record of these keys in " + store.directory(), id);
            if (refused != null) return refused;
        }
        SequenceStateTable.Attached a = table.attach(id, manual);
        if (a.continued()) {
            log.line("sequence state: " + sa + " continues above "
                    + Long.toUnsignedString(a.state().outStart()) + " (sent) and "
                    + Long.toUnsignedString(a.state().inFloor()) + " (accepted)");
        }
        return null;
    }

    /** Refuses (strict) or warns once per {@code key}; null when admitted. */
    private String problem(String sa, SaValues v, String where, Object key) {
        if (strict) {
            String r = StaticKeys.refusal(sa, v.encryptAlgorithm(), where);
            log.line("jipsec gateway: " + r);
            return r;
        }
        if (warned.add(key)) log.line("jipsec gateway: " + StaticKeys.warning(sa, v.encryptAlgorithm(), where));
        return null;
    }
}
