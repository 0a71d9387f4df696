package org.jipsec.core.ike.codec;

import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.x500.AttributeTypeAndValue;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;

/**
 * ID_DER_ASN1_DN (RFC 7296 §3.5: "the complete DER encoding of an ASN.1 X.500 Distinguished Name") written as
 * strongSwan writes it: RDNs in DER order, comma separated ({@code "C=CH, O=jipsec, CN=moon"}, C being the first
 * RDN of the SEQUENCE; the reverse of RFC 4514's string order). Matching follows strongSwan's
 * {@code identification_t.matches} for DNs: same number of RDNs, same attribute types in the same order, values
 * equal after RFC 4518-style normalisation (case and spacing) or a configured value of {@code *} (wildcard).
 */
public final class DistinguishedName {
    private DistinguishedName() {}

    /** Parses strongSwan's text form; IllegalArgumentException when it is not a DN. */
    public static X500Name parse(String text) {
        String t = text.trim();
        if (t.isEmpty() || !t.contains("=")) throw new IllegalArgumentException("not a distinguished name: " + text);
        X500Name n = new X500Name(BCStyle.INSTANCE, t); // BC keeps the written order as the DER order
        if (n.getRDNs().length == 0) throw new IllegalArgumentException("empty distinguished name: " + text);
        return n;
    }

    /** The DER encoding of strongSwan's text form. */
    public static byte[] der(String text) {
        try {
            return parse(text).getEncoded(ASN1Encoding.DER);
        } catch (java.io.IOException ex) {
            throw new IllegalArgumentException("cannot encode distinguished name " + text, ex);
        }
    }

    /** strongSwan's text of a DER DN ({@code "C=CH, O=jipsec, CN=moon"}); hex-free fallback for garbage. */
    public static String text(byte[] der) {
        try {
            return text(X500Name.getInstance(der));
        } catch (IllegalArgumentException | IllegalStateException ex) {
            return "(malformed DN of " + der.length + " bytes)";
        }
    }

    public static String text(X500Name n) {
        List<String> parts = new ArrayList<>();
        for (RDN rdn : n.getRDNs()) {
            StringBuilder b = new StringBuilder();
            AttributeTypeAndValue[] atvs = rdn.getTypesAndValues();
            for (int i = 0; i < atvs.length; i++) {
                if (i > 0) b.append('+');
                String name = BCStyle.INSTANCE.oidToDisplayName(atvs[i].getType());
                b.append(name != null ? name : atvs[i].getType().getId())
                        .append('=')
                        .append(IETFUtils.valueToString(atvs[i].getValue()));
            }
            parts.add(b.toString());
        }
        return String.join(", ", parts);
    }

    /**
     * Whether the received DN {@code der} matches the configured {@code pattern} (strongSwan's text; a value of
     * {@code *} matches any value of that attribute).
     */
    public static boolean matches(String pattern, byte[] der) {
        X500Name want;
        X500Name got;
        try {
            want = parse(pattern);
            got = X500Name.getInstance(der);
        } catch (IllegalArgumentException | IllegalStateException ex) {
            return false;
        }
        RDN[] w = want.getRDNs();
        RDN[] g = got.getRDNs();
        if (w.length != g.length) return false;
        for (int i = 0; i < w.length; i++) {
            AttributeTypeAndValue[] a = w[i].getTypesAndValues();
            AttributeTypeAndValue[] b = g[i].getTypesAndValues();
            if (a.length != b.length) return false;
            for (int j = 0; j < a.length; j++) {
                if (!a[j].getType().equals(b[j].getType())) return false;
                String av = IETFUtils.valueToString(a[j].getValue());
                if (av.equals("*")) continue;
                if (!IETFUtils.canonicalize(av)
                        .equals(IETFUtils.canonicalize(IETFUtils.valueToString(b[j].getValue())))) {
                    return false;
                }
            }
        }
        return true;
    }
}
