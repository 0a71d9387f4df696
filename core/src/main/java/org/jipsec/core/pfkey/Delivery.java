package org.jipsec.core.pfkey;

/**
 * One message the engine hands to one PF_KEY socket. {@code promiscCopy}: the socket is promiscuous and gets the
 * message wrapped in an extra X_PROMISC base header ({@link PfkeyCodec#wrapPromisc}; keysock.c key_sendup0).
 * {@code registeredOnly}: delivered because the socket is registered (REG target) — the io layer may skip it when the
 * socket's queue is far behind, as keysock.c does ("registered sendup dropped").
 */
public record Delivery(long socketId, PfkeyMessage message, boolean promiscCopy, boolean registeredOnly) {

    /** The bytes to write on the socket. */
    public byte[] encode() {
        byte[] b = PfkeyCodec.encode(message);
        return promiscCopy ? PfkeyCodec.wrapPromisc(b) : b;
    }
}
