package org.jipsec.core.setkey;

import java.net.InetAddress;
import org.jipsec.core.ipsec.SaType;

/** {@code deleteall [-46n] src dst proto ;}: SADB_DELETE with addresses only (every SA between the two). */
public record DeleteAllStatement(int line, InetAddress src, InetAddress dst, SaType saType)
        implements SetkeyStatement {}
