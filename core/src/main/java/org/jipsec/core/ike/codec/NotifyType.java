package org.jipsec.core.ike.codec;

import java.util.Map;

/**
 * Notify message types (RFC 7296 §3.10.1; IANA "IKEv2 Notify Message Types"). Types below 16384 are errors,
 * 16384 and above status (§3.10.1: an unrecognized error type in a response means the request failed; an
 * unrecognized status type MUST be ignored). The constants cover RFC 7296 and those strongSwan sends
 * (ikev2-notes.md §1.1: MOBIKE, fragmentation, hash algorithms, redirect, childless, EAP-only, message-ID sync).
 */
public final class NotifyType {
    private NotifyType() {}

    /** RFC 7296 §3.10.1. */
    public static final int UNSUPPORTED_CRITICAL_PAYLOAD = 1;
    /** RFC 7296 §3.10.1. */
    public static final int INVALID_IKE_SPI = 4;
    /** RFC 7296 §3.10.1. */
    public static final int INVALID_MAJOR_VERSION = 5;
    /** RFC 7296 §3.10.1. */
    public static final int INVALID_SYNTAX = 7;
    /** RFC 7296 §3.10.1. */
    public static final int INVALID_MESSAGE_ID = 9;
    /** RFC 7296 §3.10.1. */
    public static final int INVALID_SPI = 11;
    /** RFC 7296 §3.10.1. */
    public static final int NO_PROPOSAL_CHOSEN = 14;
    /** RFC 7296 §3.10.1. */
    public static final int INVALID_KE_PAYLOAD = 17;
    /** RFC 7296 §3.10.1. */
    public static final int AUTHENTICATION_FAILED = 24;
    /** RFC 7296 §3.10.1. */
    public static final int SINGLE_PAIR_REQUIRED = 34;
    /** RFC 7296 §3.10.1. */
    public static final int NO_ADDITIONAL_SAS = 35;
    /** RFC 7296 §3.10.1. */
    public static final int INTERNAL_ADDRESS_FAILURE = 36;
    /** RFC 7296 §3.10.1. */
    public static final int FAILED_CP_REQUIRED = 37;
    /** RFC 7296 §3.10.1. */
    public static final int TS_UNACCEPTABLE = 38;
    /** RFC 7296 §3.10.1. */
    public static final int INVALID_SELECTORS = 39;
    /** RFC 4555. */
    public static final int UNACCEPTABLE_ADDRESSES = 40;
    /** RFC 4555. */
    public static final int UNEXPECTED_NAT_DETECTED = 41;
    /** RFC 7296 §3.10.1. */
    public static final int TEMPORARY_FAILURE = 43;
    /** RFC 7296 §3.10.1. */
    public static final int CHILD_SA_NOT_FOUND = 44;
    /** RFC 7296 §3.10.1. */
    public static final int INITIAL_CONTACT = 16384;
    /** RFC 7296 §3.10.1. */
    public static final int SET_WINDOW_SIZE = 16385;
    /** RFC 7296 §3.10.1. */
    public static final int ADDITIONAL_TS_POSSIBLE = 16386;
    /** RFC 7296 §3.10.1. */
    public static final int IPCOMP_SUPPORTED = 16387;
    /** RFC 7296 §3.10.1. */
    public static final int NAT_DETECTION_SOURCE_IP = 16388;
    /** RFC 7296 §3.10.1. */
    public static final int NAT_DETECTION_DESTINATION_IP = 16389;
    /** RFC 7296 §3.10.1. */
    public static final int COOKIE = 16390;
    /** RFC 7296 §3.10.1. */
    public static final int USE_TRANSPORT_MODE = 16391;
    /** RFC 7296 §3.10.1. */
    public static final int HTTP_CERT_LOOKUP_SUPPORTED = 16392;
    /** RFC 7296 §3.10.1. */
    public static final int REKEY_SA = 16393;
    /** RFC 7296 §3.10.1. */
    public static final int ESP_TFC_PADDING_NOT_SUPPORTED = 16394;
    /** RFC 7296 §3.10.1. */
    public static final int NON_FIRST_FRAGMENTS_ALSO = 16395;
    /** RFC 4555. */
    public static final int MOBIKE_SUPPORTED = 16396;
    /** RFC 4555. */
    public static final int ADDITIONAL_IP4_ADDRESS = 16397;
    /** RFC 4555. */
    public static final int ADDITIONAL_IP6_ADDRESS = 16398;
    /** RFC 4555. */
    public static final int NO_ADDITIONAL_ADDRESSES = 16399;
    /** RFC 4555. */
    public static final int UPDATE_SA_ADDRESSES = 16400;
    /** RFC 4555. */
    public static final int COOKIE2 = 16401;
    /** RFC 4555. */
    public static final int NO_NATS_ALLOWED = 16402;
    /** RFC 4478. */
    public static final int AUTH_LIFETIME = 16403;
    /** RFC 4739. */
    public static final int MULTIPLE_AUTH_SUPPORTED = 16404;
    /** RFC 4739. */
    public static final int ANOTHER_AUTH_FOLLOWS = 16405;
    /** RFC 5685. */
    public static final int REDIRECT_SUPPORTED = 16406;
    /** RFC 5685. */
    public static final int REDIRECT = 16407;
    /** RFC 5685. */
    public static final int REDIRECTED_FROM = 16408;
    /** RFC 5998. */
    public static final int EAP_ONLY_AUTHENTICATION = 16417;
    /** RFC 6023. */
    public static final int CHILDLESS_IKEV2_SUPPORTED = 16418;
    /** RFC 6311. */
    public static final int IKEV2_MESSAGE_ID_SYNC_SUPPORTED = 16420;
    /** RFC 6311. */
    public static final int IKEV2_MESSAGE_ID_SYNC = 16422;
    /** RFC 7383. */
    public static final int IKEV2_FRAGMENTATION_SUPPORTED = 16430;
    /** RFC 7427. */
    public static final int SIGNATURE_HASH_ALGORITHMS = 16431;

    /** Last error type; 16384 and up are status types (§3.10.1). */
    public static final int LAST_ERROR = 16383;

    private static final Map<Integer, String> NAMES = Map.ofEntries(
            Map.entry(1, "UNSUPPORTED_CRITICAL_PAYLOAD"),
            Map.entry(4, "INVALID_IKE_SPI"),
            Map.entry(5, "INVALID_MAJOR_VERSION"),
            Map.entry(7, "INVALID_SYNTAX"),
            Map.entry(9, "INVALID_MESSAGE_ID"),
            Map.entry(11, "INVALID_SPI"),
            Map.entry(14, "NO_PROPOSAL_CHOSEN"),
            Map.entry(17, "INVALID_KE_PAYLOAD"),
            Map.entry(24, "AUTHENTICATION_FAILED"),
            Map.entry(34, "SINGLE_PAIR_REQUIRED"),
            Map.entry(35, "NO_ADDITIONAL_SAS"),
            Map.entry(36, "INTERNAL_ADDRESS_FAILURE"),
            Map.entry(37, "FAILED_CP_REQUIRED"),
            Map.entry(38, "TS_UNACCEPTABLE"),
            Map.entry(39, "INVALID_SELECTORS"),
            Map.entry(40, "UNACCEPTABLE_ADDRESSES"),
            Map.entry(41, "UNEXPECTED_NAT_DETECTED"),
            Map.entry(43, "TEMPORARY_FAILURE"),
            Map.entry(44, "CHILD_SA_NOT_FOUND"),
            Map.entry(16384, "INITIAL_CONTACT"),
            Map.entry(16385, "SET_WINDOW_SIZE"),
            Map.entry(16386, "ADDITIONAL_TS_POSSIBLE"),
            Map.entry(16387, "IPCOMP_SUPPORTED"),
            Map.entry(16388, "NAT_DETECTION_SOURCE_IP"),
            Map.entry(16389, "NAT_DETECTION_DESTINATION_IP"),
            Map.entry(16390, "COOKIE"),
            Map.entry(16391, "USE_TRANSPORT_MODE"),
            Map.entry(16392, "HTTP_CERT_LOOKUP_SUPPORTED"),
            Map.entry(16393, "REKEY_SA"),
            Map.entry(16394, "ESP_TFC_PADDING_NOT_SUPPORTED"),
            Map.entry(16395, "NON_FIRST_FRAGMENTS_ALSO"),
            Map.entry(16396, "MOBIKE_SUPPORTED"),
            Map.entry(16397, "ADDITIONAL_IP4_ADDRESS"),
            Map.entry(16398, "ADDITIONAL_IP6_ADDRESS"),
            Map.entry(16399, "NO_ADDITIONAL_ADDRESSES"),
            Map.entry(16400, "UPDATE_SA_ADDRESSES"),
            Map.entry(16401, "COOKIE2"),
            Map.entry(16402, "NO_NATS_ALLOWED"),
            Map.entry(16403, "AUTH_LIFETIME"),
            Map.entry(16404, "MULTIPLE_AUTH_SUPPORTED"),
            Map.entry(16405, "ANOTHER_AUTH_FOLLOWS"),
            Map.entry(16406, "REDIRECT_SUPPORTED"),
            Map.entry(16407, "REDIRECT"),
            Map.entry(16408, "REDIRECTED_FROM"),
            Map.entry(16417, "EAP_ONLY_AUTHENTICATION"),
            Map.entry(16418, "CHILDLESS_IKEV2_SUPPORTED"),
            Map.entry(16420, "IKEV2_MESSAGE_ID_SYNC_SUPPORTED"),
            Map.entry(16422, "IKEV2_MESSAGE_ID_SYNC"),
            Map.entry(16430, "IKEV2_FRAGMENTATION_SUPPORTED"),
            Map.entry(16431, "SIGNATURE_HASH_ALGORITHMS"));

    /** True for error types (1..16383, §3.10.1). */
    public static boolean isError(int type) {
        return type > 0 && type <= LAST_ERROR;
    }

    /** The IANA name, or {@code ERROR-n}/{@code STATUS-n} for a type not in this table. */
    public static String name(int type) {
        String n = NAMES.get(type);
        if (n != null) return n;
        return (isError(type) ? "ERROR-" : "STATUS-") + type;
    }
}
