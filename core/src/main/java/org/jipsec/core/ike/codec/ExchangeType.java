package org.jipsec.core.ike.codec;

/** IKEv2 exchange types (RFC 7296 §3.1). */
public final class ExchangeType {
    private ExchangeType() {}

    public static final int IKE_SA_INIT = 34;
    public static final int IKE_AUTH = 35;
    public static final int CREATE_CHILD_SA = 36;
    public static final int INFORMATIONAL = 37;

    public static String name(int type) {
        return switch (type) {
            case IKE_SA_INIT -> "IKE_SA_INIT";
            case IKE_AUTH -> "IKE_AUTH";
            case CREATE_CHILD_SA -> "CREATE_CHILD_SA";
            case INFORMATIONAL -> "INFORMATIONAL";
            default -> "EXCHANGE-" + type;
        };
    }
}
