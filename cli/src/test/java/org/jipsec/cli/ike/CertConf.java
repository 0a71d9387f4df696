package org.jipsec.cli.ike;

import java.util.ArrayList;
import java.util.List;

/**
 * A {@link SwanctlConf} connection turned to certificate authentication (swanctl.conf(5), issue #15 item 1): the
 * {@code local} and {@code remote} sections become {@code auth = pubkey} with {@code local.certs} (a file in x509/),
 * {@code remote.cacerts} (files in x509ca/) and the identities, and the PSK {@code secrets} go away (the private key
 * is found in private/, rsa/ or ecdsa/ next to the config, by its public key, as swanctl does).
 *
 * @param localCert  local.certs, or null (then local.id must name a certificate charon finds itself)
 * @param localId    local.id (DN in double quotes, FQDN, address), or null (the certificate's subject DN)
 * @param remoteCa   remote.cacerts, or null (any loaded CA)
 * @param remoteId   remote.id
 * @param connExtra  extra connection-level lines for both (e.g. {@code fragmentation = no})
 */
record CertConf(String localCert, String localId, String remoteCa, String remoteId, List<String> connExtra) {

    static CertConf of(String localCert, String localId, String remoteCa, String remoteId) {
        return new CertConf(localCert, localId, remoteCa, remoteId, List.of());
    }

    CertConf with(String connLine) {
        List<String> l = new ArrayList<>(connExtra);
        l.add(connLine);
        return new CertConf(localCert, localId, remoteCa, remoteId, l);
    }

    /** A DN as a swanctl.conf value (quoted: it holds commas and spaces). */
    static String dn(String dn) {
        return "\"" + dn + "\"";
    }

    /** {@code c}'s text with this authentication (for charon when {@code forCharon}). */
    String text(SwanctlConf c, boolean forCharon) {
        String t = c.text(forCharon);
        int local = t.indexOf("    local {\n");
        int children = t.indexOf("    children {\n");
        int secrets = t.indexOf("secrets {\n");
        if (local < 0 || children < local || secrets < children) throw new IllegalStateException(t);
        List<String> l = new ArrayList<>();
        for (String x : connExtra) l.add("    " + x);
        l.add("    local {");
        l.add("      auth = pubkey");
        if (localCert != null) l.add("      certs = " + localCert);
        if (localId != null) l.add("      id = " + localId);
        l.add("    }");
        l.add("    remote {");
        l.add("      auth = pubkey");
        if (remoteCa != null) l.add("      cacerts = " + remoteCa);
        l.add("      id = " + remoteId);
        l.add("    }");
        return t.substring(0, local) + String.join("\n", l) + "\n" + t.substring(children, secrets);
    }
}
