package org.jipsec.core.ikekernel;

import java.util.Objects;
import java.util.Optional;
import org.jipsec.core.ipsec.Endpoint;
import org.jipsec.core.ipsec.IpsecMode;
import org.jipsec.core.ipsec.SaType;
import org.jipsec.core.pfkey.PolicySelector;

/** What the kernel tells an IKE daemon unasked: the messages racoon's {@code pfkey_handler} acts on. */
public sealed interface KernelEvent {

    /**
     * SADB_ACQUIRE (RFC 2367 §3.1.6; NetBSD key_acquire): the data path needs an SA. {@code source}/{@code destination}
     * are the SA endpoints (not the packet, ikev2-notes §4); the traffic selector comes from the policy, which the
     * kernel names by id and an IKE daemon reads with X_SPDGET ({@code selector}, {@code reqid} filled then, as iked).
     * {@code seq} goes into the GETSPI so the kernel ties the two together.
     */
    record Acquire(
            int seq,
            SaType saType,
            Endpoint source,
            Endpoint destination,
            Optional<Integer> policyId,
            Optional<PolicySelector> selector,
            Optional<IpsecMode> mode,
            int reqid)
            implements KernelEvent {
        public Acquire {
            Objects.requireNonNull(saType);
            Objects.requireNonNull(source);
            Objects.requireNonNull(destination);
            Objects.requireNonNull(policyId);
            Objects.requireNonNull(selector);
            Objects.requireNonNull(mode);
        }

        public Acquire withPolicy(PolicySelector s, IpsecMode m, int r) {
            return new Acquire(seq, saType, source, destination, policyId, Optional.of(s), Optional.of(m), r);
        }
    }

    /**
     * SADB_EXPIRE (RFC 2367 §3.1.8): a soft limit (rekey, RFC 7296 §2.8) or — jipsecd with
     * {@code net.key.send_hard_expire}, NetBSD sends none — a hard one (the SA is gone).
     */
    record Expire(boolean hard, SaId sa, IpsecMode mode, int reqid, long bytes, long addedSeconds)
            implements KernelEvent {
        public Expire {
            Objects.requireNonNull(sa);
            Objects.requireNonNull(mode);
        }
    }

    /** SADB_DELETE by someone else (setkey, another daemon, the kernel): the SA no longer exists. */
    record SaDeleted(SaId sa) implements KernelEvent {
        public SaDeleted {
            Objects.requireNonNull(sa);
        }
    }

    /** SADB_FLUSH by someone else: every SA of {@code saType} (0 = all) is gone. */
    record Flushed(int saType) implements KernelEvent {}
}
