package org.jipsec.core.ike.auth;

import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Date;
import org.jipsec.core.ike.codec.DistinguishedName;

/** How log lines name a certificate: subject as strongSwan writes it and serial in hex; dates in UTC. */
public final class CertText {
    private CertText() {}

    private static final DateTimeFormatter DATE =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

    /** {@code certificate 'C=CH, O=jipsec, CN=moon' (serial 0x1f)}. */
    public static String describe(X509Certificate c) {
        return "certificate '" + subject(c) + "' (serial 0x"
                + c.getSerialNumber().toString(16) + ")";
    }

    public static String subject(X509Certificate c) {
        return DistinguishedName.text(c.getSubjectX500Principal().getEncoded());
    }

    public static String issuer(X509Certificate c) {
        return DistinguishedName.text(c.getIssuerX500Principal().getEncoded());
    }

    public static String date(Date d) {
        return DATE.format(d.toInstant());
    }

    public static String date(Instant i) {
        return DATE.format(i);
    }
}
