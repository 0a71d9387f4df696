package org.jipsec.core.ike.config;

import java.util.List;
import java.util.Optional;

/**
 * The pre-shared key for a pair of identities, as strongSwan's credential manager picks one for
 * {@code secrets.ike<suffix>} (swanctl.conf(5): "id: IKE identity the IKE preshared secret belongs to"; several
 * {@code id-<x>} name all identities it is for; none = any): the secret naming both identities wins over one naming
 * one of them, which wins over one naming none; a secret naming an identity that is neither ours nor the peer's is
 * not for this pair. Ties go to the first in the file.
 */
public final class PskLookup {
    private PskLookup() {}

    public static Optional<IkeConfig.SharedSecret> find(
            List<IkeConfig.SharedSecret> secrets, IkeIdentity local, IkeIdentity remote) {
        IkeConfig.SharedSecret best = null;
        int bestScore = -1;
        for (IkeConfig.SharedSecret s : secrets) {
            boolean foreign = false;
            boolean l = false;
            boolean r = false;
            for (IkeIdentity id : s.ids()) {
                if (same(id, local)) l = true;
                else if (same(id, remote)) r = true;
                else foreign = true;
            }
            if (foreign) continue;
            int score = (l ? 1 : 0) + (r ? 1 : 0);
            if (score > bestScore) {
                best = s;
                bestScore = score;
            }
        }
        return Optional.ofNullable(best);
    }

    private static boolean same(IkeIdentity a, IkeIdentity b) {
        if (a == null || b == null || b.isAny()) return false;
        return a.idType() == b.idType() && a.text().equalsIgnoreCase(b.text());
    }
}
