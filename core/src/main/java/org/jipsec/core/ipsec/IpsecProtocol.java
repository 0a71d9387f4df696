package org.jipsec.core.ipsec;

import java.util.Optional;

/** The IPsec security protocols with their IP protocol numbers and PF_KEY SA types (spec §1.6). */
public enum IpsecProtocol {
    ESP(50, SaType.ESP, "esp"),
    AH(51, SaType.AH, "ah"),
    IPCOMP(108, SaType.IPCOMP, "ipcomp");

    private final int ipProtocol;
    private final SaType saType;
    private final String keyword;

    IpsecProtocol(int ipProtocol, SaType saType, String keyword) {
        this.ipProtocol = ipProtocol;
        this.saType = saType;
        this.keyword = keyword;
    }

    /** IANA protocol number (IPPROTO_ESP 50, IPPROTO_AH 51, IPPROTO_IPCOMP 108). */
    public int ipProtocol() {
        return ipProtocol;
    }

    public SaType saType() {
        return saType;
    }

    /** The word setkey and ipsec_set_policy(3) use. */
    public String keyword() {
        return keyword;
    }

    public static Optional<IpsecProtocol> ofIpProtocol(int proto) {
        for (IpsecProtocol p : values()) if (p.ipProtocol == proto) return Optional.of(p);
        return Optional.empty();
    }

    public static Optional<IpsecProtocol> ofKeyword(String word) {
        for (IpsecProtocol p : values()) if (p.keyword.equals(word)) return Optional.of(p);
        return Optional.empty();
    }
}
