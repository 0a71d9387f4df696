package org.jipsec.core.ike.proposal;

import org.jipsec.core.ike.codec.Transform;
import org.jipsec.core.ike.crypto.IkeTransforms;

/** Transform names as strongSwan logs them ({@code AES_GCM_16_128}, {@code PRF_HMAC_SHA2_256}, {@code CURVE_25519}). */
public final class TransformNames {
    private TransformNames() {}

    public static String typeName(int type) {
        return switch (type) {
            case IkeTransforms.ENCR -> "ENCRYPTION_ALGORITHM";
            case IkeTransforms.PRF -> "PSEUDO_RANDOM_FUNCTION";
            case IkeTransforms.INTEG -> "INTEGRITY_ALGORITHM";
            case IkeTransforms.DH -> "KEY_EXCHANGE_METHOD";
            case IkeTransforms.ESN -> "EXTENDED_SEQUENCE_NUMBERS";
            default -> "TRANSFORM_TYPE_" + type;
        };
    }

    public static String describe(Transform t) {
        int id = t.id();
        String base = switch (t.type()) {
            case IkeTransforms.ENCR ->
                switch (id) {
                    case 3 -> "3DES_CBC";
                    case 11 -> "NULL";
                    case 12 -> "AES_CBC";
                    case 13 -> "AES_CTR";
                    case 14 -> "AES_CCM_8";
                    case 15 -> "AES_CCM_12";
                    case 16 -> "AES_CCM_16";
                    case 18 -> "AES_GCM_8";
                    case 19 -> "AES_GCM_12";
                    case 20 -> "AES_GCM_16";
                    case 23 -> "CAMELLIA_CBC";
                    case 28 -> "CHACHA20_POLY1305";
                    default -> "ENCR_" + id;
                };
            case IkeTransforms.PRF ->
                switch (id) {
                    case 2 -> "PRF_HMAC_SHA1";
                    case 4 -> "PRF_AES128_XCBC";
                    case 5 -> "PRF_HMAC_SHA2_256";
                    case 6 -> "PRF_HMAC_SHA2_384";
                    case 7 -> "PRF_HMAC_SHA2_512";
                    case 8 -> "PRF_AES128_CMAC";
                    default -> "PRF_" + id;
                };
            case IkeTransforms.INTEG ->
                switch (id) {
                    case 2 -> "HMAC_SHA1_96";
                    case 5 -> "AES_XCBC_96";
                    case 8 -> "AES_CMAC_96";
                    case 12 -> "HMAC_SHA2_256_128";
                    case 13 -> "HMAC_SHA2_384_192";
                    case 14 -> "HMAC_SHA2_512_256";
                    default -> "INTEG_" + id;
                };
            case IkeTransforms.DH ->
                switch (id) {
                    case 0 -> "NONE";
                    case 14 -> "MODP_2048";
                    case 15 -> "MODP_3072";
                    case 16 -> "MODP_4096";
                    case 19 -> "ECP_256";
                    case 20 -> "ECP_384";
                    case 21 -> "ECP_521";
                    case 31 -> "CURVE_25519";
                    case 32 -> "CURVE_448";
                    default -> "KE_" + id;
                };
            case IkeTransforms.ESN -> id == 0 ? "NO_EXT_SEQ" : id == 1 ? "EXT_SEQ" : "ESN_" + id;
            default -> "TRANSFORM_" + t.type() + "_" + id;
        };
        return t.keyLength().isPresent() ? base + "_" + t.keyLength().getAsInt() : base;
    }
}
