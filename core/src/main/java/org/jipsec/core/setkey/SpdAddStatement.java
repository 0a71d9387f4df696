package org.jipsec.core.setkey;

import java.net.InetAddress;

/**
 * {@code spdadd src[/plen][[port]] dst[/plen][[port]] upper -P policy ;} (parse.y {@code spdadd}; spec §2.3).
 * The policy text is kept verbatim for the ipsec_set_policy(3) grammar (issue #5).
 *
 * @param upper upper-layer protocol number, 255 = any
 */
public record SpdAddStatement(
        int line,
        boolean update,
        InetAddress src,
        int srcPrefix,
        int srcPort,
        InetAddress dst,
        int dstPrefix,
        int dstPort,
        int upper,
        String policy)
        implements SetkeyStatement {}
