package org.jipsec.cli.ike;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One connection with one child and its PSK, written as swanctl.conf text (swanctl.conf(5), strongSwan 5.9.8). The
 * same text configures charon and {@code jipsec iked} (issue #14 item 2: the same syntax), except the
 * {@link #charonOnly} keys, which only strongSwan reads (jipsec refuses keys it does not support).
 *
 * @param name          connection name, also the child's name
 * @param localAddr     local_addrs
 * @param remoteAddr    remote_addrs ({@code %any} for a responder behind NAT)
 * @param localId       local.id (address, FQDN, …)
 * @param remoteId      remote.id
 * @param proposals     IKE proposals, e.g. {@code aes128gcm16-prfsha256-x25519}
 * @param espProposals  the child's esp_proposals
 * @param localTs       the child's local_ts
 * @param remoteTs      the child's remote_ts
 * @param startAction   none, trap or start
 * @param dpdDelay      dpd_delay ({@code null}: not written)
 * @param ikeRekeyTime  connection rekey_time ({@code null}: default)
 * @param childRekeyTime child rekey_time ({@code null}: default)
 * @param charonOnly    extra connection-level keys for strongSwan only (e.g. {@code dpd_timeout})
 * @param secret        the PSK
 */
record SwanctlConf(
        String name,
        String localAddr,
        String remoteAddr,
        String localId,
        String remoteId,
        String proposals,
        String espProposals,
        String localTs,
        String remoteTs,
        String startAction,
        String dpdDelay,
        String ikeRekeyTime,
        String childRekeyTime,
        Map<String, String> charonOnly,
        String secret) {

    /** A published lab secret for throw-away namespaces. */
    static final String SECRET = "jipsec-interop-lab-secret-not-real";

    static SwanctlConf of(String name, String localAddr, String remoteAddr, String localTs, String remoteTs) {
        return new SwanctlConf(
                name,
                localAddr,
                remoteAddr,
                localAddr,
                remoteAddr,
                "aes128gcm16-prfsha256-x25519",
                "aes128gcm16",
                localTs,
                remoteTs,
                "none",
                null,
                null,
                null,
                Map.of(),
                SECRET);
    }

    /** The peer's view of the same connection: addresses, IDs and selectors swapped. */
    SwanctlConf mirror(String peerStartAction) {
        return new SwanctlConf(
                name,
                remoteAddr,
                localAddr,
                remoteId,
                localId,
                proposals,
                espProposals,
                remoteTs,
                localTs,
                peerStartAction,
                dpdDelay,
                ikeRekeyTime,
                childRekeyTime,
                charonOnly,
                secret);
    }

    SwanctlConf withProposals(String ike, String esp) {
        return new SwanctlConf(
                name,
                localAddr,
                remoteAddr,
                localId,
                remoteId,
                ike,
                esp,
                localTs,
                remoteTs,
                startAction,
                dpdDelay,
                ikeRekeyTime,
                childRekeyTime,
                charonOnly,
                secret);
    }

    SwanctlConf withStart(String action) {
        return new SwanctlConf(
                name,
                localAddr,
                remoteAddr,
                localId,
                remoteId,
                proposals,
                espProposals,
                localTs,
                remoteTs,
                action,
                dpdDelay,
                ikeRekeyTime,
                childRekeyTime,
                charonOnly,
                secret);
    }

    SwanctlConf withRemoteAddr(String addr) {
        return new SwanctlConf(
                name,
                localAddr,
                addr,
                localId,
                remoteId,
                proposals,
                espProposals,
                localTs,
                remoteTs,
                startAction,
                dpdDelay,
                ikeRekeyTime,
                childRekeyTime,
                charonOnly,
                secret);
    }

    SwanctlConf withIds(String local, String remote) {
        return new SwanctlConf(
                name,
                localAddr,
                remoteAddr,
                local,
                remote,
                proposals,
                espProposals,
                localTs,
                remoteTs,
                startAction,
                dpdDelay,
                ikeRekeyTime,
                childRekeyTime,
                charonOnly,
                secret);
    }

    SwanctlConf withDpd(String delay) {
        return new SwanctlConf(
                name,
                localAddr,
                remoteAddr,
                localId,
                remoteId,
                proposals,
                espProposals,
                localTs,
                remoteTs,
                startAction,
                delay,
                ikeRekeyTime,
                childRekeyTime,
                charonOnly,
                secret);
    }

    SwanctlConf withRekey(String ike, String child) {
        return new SwanctlConf(
                name,
                localAddr,
                remoteAddr,
                localId,
                remoteId,
                proposals,
                espProposals,
                localTs,
                remoteTs,
                startAction,
                dpdDelay,
                ike,
                child,
                charonOnly,
                secret);
    }

    SwanctlConf withCharonOnly(String key, String value) {
        Map<String, String> m = new LinkedHashMap<>(charonOnly);
        m.put(key, value);
        return new SwanctlConf(
                name,
                localAddr,
                remoteAddr,
                localId,
                remoteId,
                proposals,
                espProposals,
                localTs,
                remoteTs,
                startAction,
                dpdDelay,
                ikeRekeyTime,
                childRekeyTime,
                m,
                secret);
    }

    /** The file text; {@code forCharon} adds the strongSwan-only keys. */
    String text(boolean forCharon) {
        List<String> l = new ArrayList<>();
        l.add("# written by the interop test " + (forCharon ? "for charon" : "for jipsec iked"));
        l.add("connections {");
        l.add("  " + name + " {");
        l.add("    version = 2");
        l.add("    local_addrs = " + localAddr);
        l.add("    remote_addrs = " + remoteAddr);
        l.add("    proposals = " + proposals);
        l.add("    encap = yes");
        l.add("    mobike = no");
        l.add("    keyingtries = 1");
        if (dpdDelay != null) l.add("    dpd_delay = " + dpdDelay);
        if (ikeRekeyTime != null) l.add("    rekey_time = " + ikeRekeyTime);
        if (forCharon) charonOnly.forEach((k, v) -> l.add("    " + k + " = " + v));
        l.add("    local {");
        l.add("      auth = psk");
        l.add("      id = " + localId);
        l.add("    }");
        l.add("    remote {");
        l.add("      auth = psk");
        l.add("      id = " + remoteId);
        l.add("    }");
        l.add("    children {");
        l.add("      " + name + " {");
        l.add("        local_ts = " + localTs);
        l.add("        remote_ts = " + remoteTs);
        l.add("        esp_proposals = " + espProposals);
        l.add("        mode = tunnel");
        l.add("        start_action = " + startAction);
        if (dpdDelay != null) l.add("        dpd_action = clear");
        if (childRekeyTime != null) l.add("        rekey_time = " + childRekeyTime);
        l.add("      }");
        l.add("    }");
        l.add("  }");
        l.add("}");
        l.add("secrets {");
        l.add("  ike-" + name + " {");
        l.add("    id-l = " + localId);
        l.add("    id-r = " + remoteId);
        l.add("    secret = \"" + secret + "\"");
        l.add("  }");
        l.add("}");
        return String.join("\n", l) + "\n";
    }
}
