package org.jipsec.core.ike.config;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import org.jipsec.core.ike.codec.IdPayload;
import org.jipsec.core.spd.AddressText;

/**
 * An IKE identity as swanctl.conf writes it, typed as strongSwan's {@code identification_create_from_string}
 * does: an IP literal is ID_IPV4_ADDR/ID_IPV6_ADDR; {@code @name} is ID_FQDN (the '@' stripped);
 * {@code user@host} is ID_RFC822_ADDR; text containing '=' is a distinguished name (ID_DER_ASN1_DN in strongSwan's
 * order, {@link org.jipsec.core.ike.codec.DistinguishedName}); any other text is ID_FQDN. Explicit prefixes
 * {@code ipv4: ipv6: fqdn: email: rfc822:} force the type. {@code %any} matches every identity.
 *
 * @param idType {@link IdPayload} ID type, 0 for %any
 */
public record IkeIdentity(int idType, String text) {

    public static final IkeIdentity ANY = new IkeIdentity(0, "%any");

    public boolean isAny() {
        return idType == 0;
    }

    /** Parses; null if the text cannot be an identity (empty, or a prefix with a value of the wrong kind). */
    public static IkeIdentity parse(String raw) {
        String s = raw.trim();
        if (s.isEmpty()) return null;
        if (s.equals("%any")) return ANY;
        int colon = s.indexOf(':');
        if (colon > 0) {
            String prefix = s.substring(0, colon);
            String v = s.substring(colon + 1);
            switch (prefix) {
                case "ipv4", "ipv6" -> {
                    AddressText.Parsed p = AddressText.parse(v);
                    if (p == null || (p.address().getAddress().length == 4) != prefix.equals("ipv4")) return null;
                    return new IkeIdentity(prefix.equals("ipv4") ? IdPayload.ID_IPV4_ADDR : IdPayload.ID_IPV6_ADDR, v);
                }
                case "fqdn" -> {
                    return v.isEmpty() ? null : new IkeIdentity(IdPayload.ID_FQDN, v);
                }
                case "email", "rfc822" -> {
                    return v.isEmpty() ? null : new IkeIdentity(IdPayload.ID_RFC822_ADDR, v);
                }
                default -> {}
            }
        }
        AddressText.Parsed ip = AddressText.parse(s);
        if (ip != null) {
            return new IkeIdentity(
                    ip.address().getAddress().length == 4 ? IdPayload.ID_IPV4_ADDR : IdPayload.ID_IPV6_ADDR, s);
        }
        if (s.contains("=")) {
            try {
                org.jipsec.core.ike.codec.DistinguishedName.parse(s);
                return new IkeIdentity(IdPayload.ID_DER_ASN1_DN, s);
            } catch (IllegalArgumentException notDn) {
                return new IkeIdentity(IdPayload.ID_FQDN, s); // strongSwan falls back likewise
            }
        }
        if (s.startsWith("@")) {
            String v = s.startsWith("@@") ? s.substring(2) : s.substring(1);
            if (v.isEmpty()) return null;
            return new IkeIdentity(s.startsWith("@@") ? IdPayload.ID_RFC822_ADDR : IdPayload.ID_FQDN, v);
        }
        if (s.indexOf('@') > 0) return new IkeIdentity(IdPayload.ID_RFC822_ADDR, s);
        return new IkeIdentity(IdPayload.ID_FQDN, s);
    }

    /** The ID payload for this identity (§3.5); {@code %any} is not sendable. */
    public IdPayload toPayload(boolean initiator) {
        return switch (idType) {
            case IdPayload.ID_IPV4_ADDR, IdPayload.ID_IPV6_ADDR -> {
                InetAddress a = AddressText.parse(text).address();
                yield IdPayload.ofAddress(initiator, a);
            }
            case IdPayload.ID_FQDN, IdPayload.ID_RFC822_ADDR ->
                new IdPayload(initiator, idType, text.getBytes(StandardCharsets.US_ASCII));
            case IdPayload.ID_DER_ASN1_DN ->
                IdPayload.ofDn(initiator, org.jipsec.core.ike.codec.DistinguishedName.der(text));
            default -> throw new IllegalStateException("identity '" + text + "' has no ID payload encoding");
        };
    }

    /**
     * True if a received ID payload names this identity, with strongSwan's wildcards: %any matches all; a DN
     * attribute value {@code *} matches any value; an FQDN or e-mail pattern starting with {@code *} matches any
     * name ending in the rest ({@code *.example.com}, {@code *@example.com}), case-insensitively.
     */
    public boolean matches(IdPayload id) {
        if (isAny()) return true;
        if (id.idType() != idType) return false;
        if ((idType == IdPayload.ID_FQDN || idType == IdPayload.ID_RFC822_ADDR) && text.startsWith("*")) {
            String tail = text.substring(1).toLowerCase(java.util.Locale.ROOT);
            return id.text().toLowerCase(java.util.Locale.ROOT).endsWith(tail);
        }
        return switch (idType) {
            case IdPayload.ID_DER_ASN1_DN -> org.jipsec.core.ike.codec.DistinguishedName.matches(text, id.data());
            case IdPayload.ID_IPV4_ADDR, IdPayload.ID_IPV6_ADDR, IdPayload.ID_FQDN ->
                java.util.Arrays.equals(toPayload(false).data(), id.data())
                        || (idType == IdPayload.ID_FQDN && text.equalsIgnoreCase(id.text()));
            case IdPayload.ID_RFC822_ADDR ->
                java.util.Arrays.equals(toPayload(false).data(), id.data());
            default -> false;
        };
    }

    @Override
    public String toString() {
        return text;
    }
}
