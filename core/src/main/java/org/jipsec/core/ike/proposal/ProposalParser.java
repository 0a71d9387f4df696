package org.jipsec.core.ike.proposal;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jipsec.core.ike.crypto.DhGroup;
import org.jipsec.core.ike.crypto.IkeTransforms;
import org.jipsec.core.ike.crypto.PrfAlgorithm;

/**
 * strongSwan's proposal strings (swanctl.conf(5) {@code proposals}, {@code esp_proposals}; strongSwan's
 * {@code proposal_create_from_string}): keywords joined by '-', several proposals separated by ','.
 * The subset jipsec implements:
 * <ul>
 *   <li>encryption: {@code aes128 aes192 aes256} (and {@code aes} = aes128), {@code aes128gcm16 aes192gcm16
 *       aes256gcm16} (also spelled {@code gcm128}), {@code chacha20poly1305};</li>
 *   <li>integrity: {@code sha256 sha384 sha512} (also {@code sha2_256} ...), {@code sha1}/{@code sha},
 *       {@code aesxcbc};</li>
 *   <li>PRF: {@code prfsha256 prfsha384 prfsha512 prfaesxcbc}; an IKE proposal without one takes the PRFs
 *       of its integrity algorithms, as strongSwan does;</li>
 *   <li>DH: {@code modp2048 ecp256 ecp384 x25519} (also {@code curve25519}); in ESP proposals they ask for
 *       PFS;</li>
 *   <li>{@code esn}, {@code noesn} (ESP only; default noesn);</li>
 *   <li>{@code default}: strongSwan's default proposals restricted to the algorithms above, in its order
 *       (ikev2-notes.md §1.2).</li>
 * </ul>
 * A keyword outside this set is an error that names it (never silently dropped): a user who writes
 * {@code 3des} learns that jipsec does not do it.
 */
public final class ProposalParser {
    private ProposalParser() {}

    private static final Map<String, String> ALIASES = Map.ofEntries(
            Map.entry("aes", "aes128"),
            Map.entry("aes128gcm128", "aes128gcm16"),
            Map.entry("aes192gcm128", "aes192gcm16"),
            Map.entry("aes256gcm128", "aes256gcm16"),
            Map.entry("sha2_256", "sha256"),
            Map.entry("sha2_384", "sha384"),
            Map.entry("sha2_512", "sha512"),
            Map.entry("sha", "sha1"),
            Map.entry("prfsha2_256", "prfsha256"),
            Map.entry("prfsha2_384", "prfsha384"),
            Map.entry("prfsha2_512", "prfsha512"),
            Map.entry("curve25519", "x25519"));

    /** Parses a comma-separated list of proposals. */
    public static List<ProposalSpec> parseList(String text, SaProtocol protocol, boolean explicitDefault)
            throws ProposalSyntaxException {
        List<ProposalSpec> out = new ArrayList<>();
        for (String one : text.split(",", -1)) {
            String s = one.trim();
            if (s.isEmpty()) throw new ProposalSyntaxException("empty proposal in '" + text + "'");
            if (s.equalsIgnoreCase("default")) {
                out.addAll(protocol == SaProtocol.IKE ? defaultIke() : defaultEsp(explicitDefault));
            } else {
                out.add(parse(s, protocol));
            }
        }
        return out;
    }

    /** Parses one proposal ({@code aes128gcm16-prfsha256-x25519}). */
    public static ProposalSpec parse(String text, SaProtocol protocol) throws ProposalSyntaxException {
        List<IkeTransforms.Encryption> enc = new ArrayList<>();
        List<IkeTransforms.Integrity> integ = new ArrayList<>();
        List<PrfAlgorithm> prfs = new ArrayList<>();
        List<DhGroup> groups = new ArrayList<>();
        List<Integer> esn = new ArrayList<>();
        for (String raw : text.split("-", -1)) {
            String k = raw.trim().toLowerCase(Locale.ROOT);
            k = ALIASES.getOrDefault(k, k);
            if (k.isEmpty()) throw new ProposalSyntaxException("empty keyword in proposal '" + text + "'");
            var e = IkeTransforms.encryptionByName(k);
            if (e.isPresent()) {
                addOnce(enc, e.get(), k, text);
                continue;
            }
            var i = IkeTransforms.integrityByName(k);
            if (i.isPresent()) {
                addOnce(integ, i.get(), k, text);
                continue;
            }
            PrfAlgorithm prf = prfByName(k);
            if (prf != null) {
                if (protocol == SaProtocol.ESP)
                    throw new ProposalSyntaxException(
                            "'" + k + "' (a PRF) in ESP proposal '" + text + "': PRFs are IKE-only");
                addOnce(prfs, prf, k, text);
                continue;
            }
            DhGroup g = groupByName(k);
            if (g != null) {
                addOnce(groups, g, k, text);
                continue;
            }
            if (k.equals("esn") || k.equals("noesn")) {
                if (protocol == SaProtocol.IKE)
                    throw new ProposalSyntaxException("'" + k + "' in IKE proposal '" + text + "': ESN is ESP-only");
                addOnce(esn, k.equals("esn") ? IkeTransforms.ESN_ON : IkeTransforms.ESN_NONE, k, text);
                continue;
            }
            throw new ProposalSyntaxException("unsupported algorithm '" + raw.trim() + "' in proposal '" + text
                    + "' (jipsec supports aes128/192/256, aes128/192/256gcm16, chacha20poly1305, sha1, sha256,"
                    + " sha384, sha512, aesxcbc, prfsha256/384/512, prfaesxcbc, modp2048, ecp256, ecp384, x25519,"
                    + " esn, noesn)");
        }
        if (enc.isEmpty()) throw new ProposalSyntaxException("proposal '" + text + "' has no encryption algorithm");
        boolean aead = enc.getFirst().aead();
        for (IkeTransforms.Encryption e : enc) {
            if (e.aead() != aead) {
                throw new ProposalSyntaxException("proposal '" + text + "' mixes AEAD and non-AEAD encryption"
                        + " (write them as two proposals)");
            }
        }
        if (aead && !integ.isEmpty()) {
            throw new ProposalSyntaxException(
                    "proposal '" + text + "': an AEAD algorithm takes no integrity algorithm" + " (RFC 7296 §3.3)");
        }
        if (!aead && integ.isEmpty()) {
            throw new ProposalSyntaxException("proposal '" + text + "' needs an integrity algorithm");
        }
        if (protocol == SaProtocol.IKE) {
            if (prfs.isEmpty()) {
                // strongSwan: "if no PRF is given, the PRFs matching the integrity algorithms are used"
                for (IkeTransforms.Integrity i : integ) {
                    PrfAlgorithm p = prfForIntegrity(i);
                    if (p != null && !prfs.contains(p)) prfs.add(p);
                }
                if (prfs.isEmpty()) {
                    throw new ProposalSyntaxException("IKE proposal '" + text + "' has no PRF (add prfsha256 or"
                            + " similar; AEAD proposals always need one)");
                }
            }
            if (groups.isEmpty()) {
                throw new ProposalSyntaxException("IKE proposal '" + text + "' has no key exchange method"
                        + " (x25519, ecp256, ecp384 or modp2048)");
            }
        } else if (esn.isEmpty()) {
            esn.add(IkeTransforms.ESN_NONE);
        }
        return new ProposalSpec(protocol, enc, integ, prfs, groups, esn);
    }

    private static <T> void addOnce(List<T> list, T v, String keyword, String text) throws ProposalSyntaxException {
        if (list.contains(v)) throw new ProposalSyntaxException("'" + keyword + "' twice in proposal '" + text + "'");
        list.add(v);
    }

    static PrfAlgorithm prfByName(String k) {
        for (PrfAlgorithm p : PrfAlgorithm.values()) {
            if (p.strongSwanName().equals(k)) return p;
        }
        return null;
    }

    static DhGroup groupByName(String k) {
        for (DhGroup g : DhGroup.values()) {
            if (g.strongSwanName().equals(k)) return g;
        }
        return null;
    }

    private static PrfAlgorithm prfForIntegrity(IkeTransforms.Integrity i) {
        return switch (i.ianaId()) {
            case IkeTransforms.AUTH_HMAC_SHA2_256_128 -> PrfAlgorithm.HMAC_SHA2_256;
            case IkeTransforms.AUTH_HMAC_SHA2_384_192 -> PrfAlgorithm.HMAC_SHA2_384;
            case IkeTransforms.AUTH_HMAC_SHA2_512_256 -> PrfAlgorithm.HMAC_SHA2_512;
            case IkeTransforms.AUTH_AES_XCBC_96 -> PrfAlgorithm.AES128_XCBC;
            default -> null; // PRF_HMAC_SHA1 is not implemented
        };
    }

    private static final List<DhGroup> DEFAULT_GROUPS =
            List.of(DhGroup.CURVE_25519, DhGroup.ECP_256, DhGroup.ECP_384, DhGroup.MODP_2048);
    private static final List<PrfAlgorithm> DEFAULT_PRFS =
            List.of(PrfAlgorithm.HMAC_SHA2_256, PrfAlgorithm.HMAC_SHA2_384, PrfAlgorithm.HMAC_SHA2_512);

    private static List<IkeTransforms.Encryption> enc(String... names) {
        return java.util.Arrays.stream(names)
                .map(n -> IkeTransforms.encryptionByName(n).orElseThrow())
                .toList();
    }

    private static List<IkeTransforms.Integrity> integ(String... names) {
        return java.util.Arrays.stream(names)
                .map(n -> IkeTransforms.integrityByName(n).orElseThrow())
                .toList();
    }

    /**
     * strongSwan's default IKE proposals (proposal.c proposal_add_supported_ike, ikev2-notes.md §1.2) restricted
     * to jipsec's algorithms: P1 = AES-CBC 128/192/256 with HMAC-SHA2-256/384/512 (strongSwan also lists
     * HMAC-SHA1, which jipsec's PRF set lacks, so it is left out), P2 = the AEADs AES-GCM-16 ×3 and
     * ChaCha20-Poly1305; both with PRF-HMAC-SHA2-256/384/512 and x25519, ecp256, ecp384, modp2048.
     */
    public static List<ProposalSpec> defaultIke() {
        return List.of(
                new ProposalSpec(
                        SaProtocol.IKE,
                        enc("aes128", "aes192", "aes256"),
                        integ("sha256", "sha384", "sha512"),
                        DEFAULT_PRFS,
                        DEFAULT_GROUPS,
                        List.of()),
                new ProposalSpec(
                        SaProtocol.IKE,
                        enc("aes128gcm16", "aes192gcm16", "aes256gcm16", "chacha20poly1305"),
                        List.of(),
                        DEFAULT_PRFS,
                        DEFAULT_GROUPS,
                        List.of()));
    }

    /**
     * strongSwan's default ESP proposals (vici_config.c, ikev2-notes.md §1.2): with {@code esp_proposals}
     * omitted, AES-GCM-16 ×3 first, then AES-CBC ×3 with HMAC-SHA2-256/384/512, HMAC-SHA1-96, AES-XCBC-96; an
     * explicit {@code default} puts the CBC proposal first. No DH (no PFS), no ESN.
     */
    public static List<ProposalSpec> defaultEsp(boolean explicit) {
        ProposalSpec gcm = new ProposalSpec(
                SaProtocol.ESP,
                enc("aes128gcm16", "aes192gcm16", "aes256gcm16"),
                List.of(),
                List.of(),
                List.of(),
                List.of(IkeTransforms.ESN_NONE));
        ProposalSpec cbc = new ProposalSpec(
                SaProtocol.ESP,
                enc("aes128", "aes192", "aes256"),
                integ("sha256", "sha384", "sha512", "sha1", "aesxcbc"),
                List.of(),
                List.of(),
                List.of(IkeTransforms.ESN_NONE));
        return explicit ? List.of(cbc, gcm) : List.of(gcm, cbc);
    }
}
