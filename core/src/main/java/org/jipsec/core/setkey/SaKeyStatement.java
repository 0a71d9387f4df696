package org.jipsec.core.setkey;

import org.jipsec.core.ipsec.Endpoint;
import org.jipsec.core.ipsec.IpsecMode;
import org.jipsec.core.ipsec.SaType;

/**
 * {@code get} or {@code delete} {@code [-46n] src dst proto spi ext* ;} (parse.y; spec §2.3, §2.4
 * {@code setkeymsg_addr}): one SA named by its addresses, SA type and SPI.
 */
public record SaKeyStatement(
        int line,
        boolean delete,
        Endpoint src,
        Endpoint dst,
        SaType saType,
        long spi,
        IpsecMode mode,
        int reqid,
        int flags)
        implements SetkeyStatement {}
