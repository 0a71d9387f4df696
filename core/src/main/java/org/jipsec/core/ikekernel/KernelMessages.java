package org.jipsec.core.ikekernel;

import java.util.Optional;
import org.jipsec.core.ipsec.Endpoint;
import org.jipsec.core.ipsec.IpsecMode;
import org.jipsec.core.ipsec.IpsecRequest;
import org.jipsec.core.ipsec.SaType;
import org.jipsec.core.pfkey.Extension;
import org.jipsec.core.pfkey.PfkeyMessage;
import org.jipsec.core.pfkey.PolicySelector;
import org.jipsec.core.pfkey.Sadb;

/** Reading the kernel's messages into {@link KernelEvent}s, and key hygiene for the messages an IKE daemon sends. */
public final class KernelMessages {
    private KernelMessages() {}

    /**
     * The event {@code m} means for a daemon whose PF_KEY pid is {@code ownPid}, or empty: replies to its own
     * requests, error messages, other clients' requests echoed to every socket (ADD, UPDATE, X_SPD*), and messages
     * lacking what the event needs (a malformed kernel message is ignored, never half-read).
     */
    public static Optional<KernelEvent> event(PfkeyMessage m, int ownPid) {
        if (m.errno() != 0) return Optional.empty();
        Optional<SaType> st = SaType.of(m.satype());
        Optional<Endpoint> src = m.address(Sadb.SADB_EXT_ADDRESS_SRC).map(Extension.Address::endpoint);
        Optional<Endpoint> dst = m.address(Sadb.SADB_EXT_ADDRESS_DST).map(Extension.Address::endpoint);
        switch (m.type()) {
            case Sadb.SADB_ACQUIRE -> {
                if (m.pid() != 0 || st.isEmpty() || src.isEmpty() || dst.isEmpty()) return Optional.empty();
                Optional<Integer> id = m.policy().map(p -> p.policy().id());
                Optional<Extension.Sa2> sa2 = m.sa2();
                return Optional.of(new KernelEvent.Acquire(
                        m.seq(),
                        st.get(),
                        src.get(),
                        dst.get(),
                        id,
                        Optional.empty(),
                        sa2.flatMap(s -> IpsecMode.of(s.mode())),
                        sa2.map(Extension.Sa2::reqid).orElse(0)));
            }
            case Sadb.SADB_EXPIRE -> {
                Optional<Extension.Sa> sa = m.sa();
                if (st.isEmpty() || sa.isEmpty() || src.isEmpty() || dst.isEmpty()) return Optional.empty();
                boolean hard = m.has(Sadb.SADB_EXT_LIFETIME_HARD) && !m.has(Sadb.SADB_EXT_LIFETIME_SOFT);
                Optional<Extension.Lifetime> cur = m.lifetime(Sadb.SADB_EXT_LIFETIME_CURRENT);
                Optional<Extension.Sa2> sa2 = m.sa2();
                return Optional.of(new KernelEvent.Expire(
                        hard,
                        new SaId(st.get(), sa.get().spi(), src.get(), dst.get()),
                        sa2.flatMap(s -> IpsecMode.of(s.mode())).orElse(IpsecMode.ANY),
                        sa2.map(Extension.Sa2::reqid).orElse(0),
                        cur.map(Extension.Lifetime::bytes).orElse(0L),
                        cur.map(Extension.Lifetime::addtime).orElse(0L)));
            }
            case Sadb.SADB_DELETE -> {
                Optional<Extension.Sa> sa = m.sa();
                if (m.pid() == ownPid || st.isEmpty() || sa.isEmpty() || src.isEmpty() || dst.isEmpty()) {
                    return Optional.empty();
                }
                return Optional.of(
                        new KernelEvent.SaDeleted(new SaId(st.get(), sa.get().spi(), src.get(), dst.get())));
            }
            case Sadb.SADB_FLUSH -> {
                return m.pid() == ownPid ? Optional.empty() : Optional.of(new KernelEvent.Flushed(m.satype()));
            }
            default -> {
                return Optional.empty();
            }
        }
    }

    /**
     * The selector, mode and reqid of an X_SPDGET/X_SPDDUMP message (the first request of an IPSEC policy), or
     * empty if it is not an IPsec policy with a request.
     */
    public static Optional<KernelEvent.Acquire> resolve(KernelEvent.Acquire a, PfkeyMessage spd) {
        Optional<Extension.Address> src = spd.address(Sadb.SADB_EXT_ADDRESS_SRC);
        Optional<Extension.Address> dst = spd.address(Sadb.SADB_EXT_ADDRESS_DST);
        Optional<Extension.Policy> pol = spd.policy();
        if (src.isEmpty()
                || dst.isEmpty()
                || pol.isEmpty()
                || pol.get().policy().requests().isEmpty()) {
            return Optional.empty();
        }
        if (src.get().proto() != dst.get().proto()) return Optional.empty();
        IpsecRequest r = pol.get().policy().requests().getFirst();
        PolicySelector s;
        try {
            s = new PolicySelector(
                    pol.get().policy().direction(),
                    src.get().endpoint(),
                    src.get().prefixLen(),
                    dst.get().endpoint(),
                    dst.get().prefixLen(),
                    src.get().proto());
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        return Optional.of(a.withPolicy(s, r.mode(), r.reqid()));
    }

    /** Zeroes the key bytes held by {@code m}'s KEY extensions (after it was encoded and sent). */
    public static void wipeKeys(PfkeyMessage m) {
        for (Extension e : m.extensions()) if (e instanceof Extension.Key k) k.wipe();
    }
}
