package org.jipsec.core.setkey;

import java.util.ArrayList;
import java.util.List;
import org.jipsec.core.crypto.AlgorithmKind;
import org.jipsec.core.ipsec.Endpoint;
import org.jipsec.core.ipsec.SaType;
import org.jipsec.core.ipsec.XPolicy;
import org.jipsec.core.pfkey.Extension;
import org.jipsec.core.pfkey.PfkeyMessage;
import org.jipsec.core.pfkey.Sadb;
import org.jipsec.core.spd.PolicyParseException;
import org.jipsec.core.spd.PolicyParser;

/**
 * The PF_KEY requests setkey sends for each statement (setkey's {@code setkeymsg_*}; spec §2.4). Every message has
 * version 2, errno 0, reserved 0, seq 0 and the caller's pid. Policies are read here with the ipsec_set_policy(3)
 * grammar ({@link PolicyParser}); a bad policy is a {@link SetkeyException} naming the statement's line, found before
 * anything is sent.
 */
public final class SetkeyMessages {
    private SetkeyMessages() {}

    /** The request for one statement, or null for {@code exit}. */
    public static PfkeyMessage build(SetkeyStatement s, int pid) throws SetkeyException {
        return switch (s) {
            case AddStatement a -> add(a, pid);
            case SaKeyStatement k -> saKey(k, pid);
            case GetspiStatement g ->
                PfkeyMessage.of(
                        Sadb.SADB_GETSPI,
                        g.saType().number(),
                        0,
                        pid,
                        List.of(
                                new Extension.Sa2(g.mode().number(), 0, g.reqid()),
                                new Extension.SpiRange((int) g.spi(), (int) g.spi()),
                                Extension.Address.of(Sadb.SADB_EXT_ADDRESS_SRC, g.src()),
                                Extension.Address.of(Sadb.SADB_EXT_ADDRESS_DST, g.dst())));
            case DeleteAllStatement d ->
                PfkeyMessage.of(
                        Sadb.SADB_DELETE,
                        d.saType().number(),
                        0,
                        pid,
                        List.of(
                                Extension.Address.of(Sadb.SADB_EXT_ADDRESS_SRC, new Endpoint(d.src())),
                                Extension.Address.of(Sadb.SADB_EXT_ADDRESS_DST, new Endpoint(d.dst()))));
            case BareStatement b ->
                switch (b.verb()) {
                    case FLUSH -> PfkeyMessage.of(Sadb.SADB_FLUSH, b.saType().number(), 0, pid, List.of());
                    case DUMP -> PfkeyMessage.of(Sadb.SADB_DUMP, b.saType().number(), 0, pid, List.of());
                    case SPDFLUSH -> PfkeyMessage.of(Sadb.SADB_X_SPDFLUSH, 0, 0, pid, List.of());
                    case SPDDUMP -> PfkeyMessage.of(Sadb.SADB_X_SPDDUMP, 0, 0, pid, List.of());
                    case EXIT -> null;
                };
            case SpdAddStatement p ->
                spd(
                        p.update() ? Sadb.SADB_X_SPDUPDATE : Sadb.SADB_X_SPDADD,
                        p.line(),
                        p.src(),
                        p.srcPrefix(),
                        p.srcPort(),
                        p.dst(),
                        p.dstPrefix(),
                        p.dstPort(),
                        p.upper(),
                        p.policy(),
                        pid);
            case SpdDeleteStatement p ->
                spd(
                        Sadb.SADB_X_SPDDELETE,
                        p.line(),
                        p.src(),
                        p.srcPrefix(),
                        p.srcPort(),
                        p.dst(),
                        p.dstPrefix(),
                        p.dstPort(),
                        p.upper(),
                        p.policy(),
                        pid);
        };
    }

    /** setkeymsg_add (spec §2.4), for {@code add} (SADB_ADD) and {@code update} (SADB_UPDATE). */
    static PfkeyMessage add(AddStatement a, int pid) {
        List<Extension> x = new ArrayList<>();
        byte[] ek = a.encryptionKey(), ak = a.authKey();
        try {
            boolean comp = a.saType() == SaType.IPCOMP;
            if (a.encryption() != null && !comp) x.add(new Extension.Key(Sadb.SADB_EXT_KEY_ENCRYPT, ek.length * 8, ek));
            if (a.auth() != null && ak.length > 0) x.add(new Extension.Key(Sadb.SADB_EXT_KEY_AUTH, ak.length * 8, ak));
        } finally {
            java.util.Arrays.fill(ek, (byte) 0);
            java.util.Arrays.fill(ak, (byte) 0);
        }
        if (a.hardAddtime() != 0 || a.hardBytes() != 0)
            x.add(new Extension.Lifetime(Sadb.SADB_EXT_LIFETIME_HARD, 0, a.hardBytes(), a.hardAddtime(), 0));
        if (a.softAddtime() != 0 || a.softBytes() != 0)
            x.add(new Extension.Lifetime(Sadb.SADB_EXT_LIFETIME_SOFT, 0, a.softBytes(), a.softAddtime(), 0));
        int enc = a.encryption() == null ? 0 : a.encryption().number();
        int auth = a.auth() == null || a.auth().kind() != AlgorithmKind.AUTHENTICATION
                ? 0
                : a.auth().number();
        x.add(new Extension.Sa((int) a.spi(), a.replayBytes(), 0, auth, enc, a.flags()));
        x.add(new Extension.Sa2(a.mode().number(), 0, a.reqid()));
        Endpoint src = a.src(), dst = a.dst();
        if (a.espUdp()) {
            x.add(new Extension.NatTType(Sadb.UDP_ENCAP_ESPINUDP));
            if (a.natOa() != null) x.add(Extension.Address.of(Sadb.SADB_X_EXT_NAT_T_OA, new Endpoint(a.natOa())));
        }
        x.add(Extension.Address.of(Sadb.SADB_EXT_ADDRESS_SRC, src));
        x.add(Extension.Address.of(Sadb.SADB_EXT_ADDRESS_DST, dst));
        if (a.espUdp()) {
            x.add(new Extension.NatTPort(Sadb.SADB_X_EXT_NAT_T_SPORT, src.port()));
            x.add(new Extension.NatTPort(Sadb.SADB_X_EXT_NAT_T_DPORT, dst.port()));
        }
        return PfkeyMessage.of(
                a.update() ? Sadb.SADB_UPDATE : Sadb.SADB_ADD, a.saType().number(), 0, pid, x);
    }

    /** setkeymsg_addr for get/delete (spec §2.4). */
    static PfkeyMessage saKey(SaKeyStatement k, int pid) {
        List<Extension> x = new ArrayList<>();
        x.add(new Extension.Sa((int) k.spi(), 0, 0, 0, 0, k.flags()));
        x.add(new Extension.Sa2(k.mode().number(), 0, k.reqid()));
        x.add(Extension.Address.of(Sadb.SADB_EXT_ADDRESS_SRC, k.src()));
        x.add(Extension.Address.of(Sadb.SADB_EXT_ADDRESS_DST, k.dst()));
        return PfkeyMessage.of(
                k.delete() ? Sadb.SADB_DELETE : Sadb.SADB_GET, k.saType().number(), 0, pid, x);
    }

    /** setkeymsg_spdaddr (spec §2.4): X_POLICY, then SRC and DST carrying the upper protocol and prefixes. */
    private static PfkeyMessage spd(
            int type,
            int line,
            java.net.InetAddress src,
            int sp,
            int sport,
            java.net.InetAddress dst,
            int dp,
            int dport,
            int upper,
            String policy,
            int pid)
            throws SetkeyException {
        XPolicy xp;
        try {
            xp = PolicyParser.parse(policy);
        } catch (PolicyParseException e) {
            throw new SetkeyException(line, e.getMessage() + " at [" + policy + "]");
        }
        return PfkeyMessage.of(
                type,
                Sadb.SADB_SATYPE_UNSPEC,
                0,
                pid,
                List.of(
                        new Extension.Policy(xp),
                        new Extension.Address(Sadb.SADB_EXT_ADDRESS_SRC, upper, sp, new Endpoint(src, sport)),
                        new Extension.Address(Sadb.SADB_EXT_ADDRESS_DST, upper, dp, new Endpoint(dst, dport))));
    }
}
