package org.jipsec.core.config;

import org.jipsec.core.ipsec.Endpoint;
import org.jipsec.core.pfkey.PfkeyMessage;
import org.jipsec.core.sad.SaIndex;
import org.jipsec.core.setkey.AddStatement;
import org.jipsec.core.setkey.SetkeyException;
import org.jipsec.core.setkey.SetkeyMessages;

/**
 * One {@code add} of the file, with the SA index the key engine files it under (key.c key_api_add: ports zeroed,
 * then the NAT-T ports of an {@code esp-udp} SA). Holds the statement's keys until {@link #wipe()}.
 */
public record PlannedSa(AddStatement statement, SaIndex index) {

    static PlannedSa of(AddStatement a) {
        Endpoint src = a.espUdp() ? a.src() : a.src().withPort(0);
        Endpoint dst = a.espUdp() ? a.dst() : a.dst().withPort(0);
        return new PlannedSa(a, new SaIndex(a.saType(), a.mode(), a.reqid(), src, dst));
    }

    public int line() {
        return statement.line();
    }

    /** The SPI as the SA will carry it (32 bits). */
    public int spi() {
        return (int) statement.spi();
    }

    /** The SADB_ADD setkey sends for it (keys included). */
    public PfkeyMessage addMessage(int pid) {
        try {
            return SetkeyMessages.build(statement, pid);
        } catch (SetkeyException e) {
            throw new IllegalStateException(e.getMessage()); // an add builds no policy: cannot happen
        }
    }

    public void wipe() {
        statement.zeroKeys();
    }

    @Override
    public String toString() {
        return statement.toString();
    }
}
