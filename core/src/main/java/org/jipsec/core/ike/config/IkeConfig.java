package org.jipsec.core.ike.config;

import java.time.Duration;
import java.util.List;
import org.jipsec.core.ike.proposal.ProposalSpec;

/**
 * A validated swanctl.conf (the subset of issue #14): connections and IKE secrets, with strongSwan's names,
 * meanings and defaults (swanctl.conf(5) of strongSwan 5.9.8). Built only by {@link SwanctlConfig}.
 */
public record IkeConfig(List<Connection> connections, List<SharedSecret> secrets) {

    public IkeConfig {
        connections = List.copyOf(connections);
        secrets = List.copyOf(secrets);
    }

    /** {@code auth}: only what jipsec authenticates with (PSK now; pubkey with issue #15's certificates). */
    public enum AuthMethod {
        PSK,
        PUBKEY
    }

    /** {@code fragmentation} (RFC 7383): yes, accept, force, no. */
    public enum Fragmentation {
        YES,
        ACCEPT,
        FORCE,
        NO
    }

    public enum Mode {
        TUNNEL,
        TRANSPORT
    }

    /** {@code start_action}: none; trap (install policies, negotiate on the first ACQUIRE); start (at load). */
    public enum StartAction {
        NONE,
        TRAP,
        START
    }

    /** {@code dpd_action} (and close_action's values): clear, trap, restart. */
    public enum DpdAction {
        CLEAR,
        TRAP,
        RESTART
    }

    /**
     * One {@code local*} or {@code remote*} authentication round.
     *
     * @param id    {@code id}; default: the IKE address for local (strongSwan), %any for remote
     * @param certs  {@code certs} (local) or {@code cacerts} (remote): file names in {@code x509/} or
     *               {@code x509ca/} next to the config file, or absolute paths (the daemon loads them)
     * @param rsaPss {@code auth = rsa/pss}: sign with RSASSA-PSS in RFC 7427 signatures
     */
    public record AuthRound(String name, AuthMethod auth, IkeIdentity id, List<String> certs, boolean rsaPss) {
        public AuthRound {
            certs = List.copyOf(certs);
        }

        public AuthRound(String name, AuthMethod auth, IkeIdentity id, List<String> certs) {
            this(name, auth, id, certs, false);
        }
    }

    /** {@code connections.<conn>.children.<child>}. */
    public record Child(
            String name,
            List<TrafficSelectorSpec> localTs,
            List<TrafficSelectorSpec> remoteTs,
            List<ProposalSpec> espProposals,
            Mode mode,
            StartAction startAction,
            DpdAction dpdAction,
            Duration rekeyTime) {
        public Child {
            localTs = List.copyOf(localTs);
            remoteTs = List.copyOf(remoteTs);
            espProposals = List.copyOf(espProposals);
        }
    }

    /**
     * {@code connections.<conn>}.
     *
     * @param localAddrs  {@code local_addrs}: addresses, subnets, ranges, names or %any (default %any)
     * @param keyingtries 0 = try forever
     * @param dpdDelay    zero = no DPD
     */
    public record Connection(
            String name,
            int version,
            List<String> localAddrs,
            List<String> remoteAddrs,
            List<ProposalSpec> proposals,
            boolean encap,
            boolean mobike,
            Fragmentation fragmentation,
            Duration dpdDelay,
            Duration rekeyTime,
            int keyingtries,
            List<AuthRound> local,
            List<AuthRound> remote,
            List<Child> children) {
        public Connection {
            localAddrs = List.copyOf(localAddrs);
            remoteAddrs = List.copyOf(remoteAddrs);
            proposals = List.copyOf(proposals);
            local = List.copyOf(local);
            remote = List.copyOf(remote);
            children = List.copyOf(children);
        }
    }

    /**
     * {@code secrets.ike<suffix>}: a pre-shared key and the identities it is for (none = any). Its bytes are never
     * printed.
     */
    public record SharedSecret(String name, List<IkeIdentity> ids, byte[] secret) {
        public SharedSecret {
            ids = List.copyOf(ids);
        }

        @Override
        public String toString() {
            return "SharedSecret[" + name + " for " + ids + ", " + secret.length + " bytes]";
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof SharedSecret s
                    && s.name.equals(name)
                    && s.ids.equals(ids)
                    && java.security.MessageDigest.isEqual(s.secret, secret);
        }

        @Override
        public int hashCode() {
            return name.hashCode();
        }
    }
}
