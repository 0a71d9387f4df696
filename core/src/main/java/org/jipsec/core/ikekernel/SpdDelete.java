package org.jipsec.core.ikekernel;

import java.util.List;
import org.jipsec.core.ipsec.PolicyDirection;
import org.jipsec.core.ipsec.PolicyType;
import org.jipsec.core.ipsec.XPolicy;
import org.jipsec.core.pfkey.Extension;
import org.jipsec.core.pfkey.PfkeyMessage;
import org.jipsec.core.pfkey.Sadb;

/** SADB_X_SPDDELETE2 of the policy with {@code id} (the id X_SPDADD's reply gave; libipsec {@code pfkey_send_spddelete2}). */
public record SpdDelete(int id) {
    public PfkeyMessage toMessage(int seq, int pid) {
        return PfkeyMessage.of(
                Sadb.SADB_X_SPDDELETE2,
                Sadb.SADB_SATYPE_UNSPEC,
                seq,
                pid,
                List.of(new Extension.Policy(new XPolicy(PolicyType.IPSEC, PolicyDirection.ANY, id, 0, List.of()))));
    }

    /** SADB_X_SPDGET of policy {@code id} (racoon/iked resolve an ACQUIRE's selector this way). */
    public static PfkeyMessage get(int id, int seq, int pid) {
        return PfkeyMessage.of(
                Sadb.SADB_X_SPDGET,
                Sadb.SADB_SATYPE_UNSPEC,
                seq,
                pid,
                List.of(new Extension.Policy(new XPolicy(PolicyType.IPSEC, PolicyDirection.ANY, id, 0, List.of()))));
    }
}
