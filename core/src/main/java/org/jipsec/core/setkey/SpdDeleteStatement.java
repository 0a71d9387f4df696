package org.jipsec.core.setkey;

import java.net.InetAddress;

/**
 * {@code spddelete src[/plen][[port]] dst[/plen][[port]] upper -P policy ;} (spec §2.3): the policy is matched by its
 * selector and direction.
 */
public record SpdDeleteStatement(
        int line,
        InetAddress src,
        int srcPrefix,
        int srcPort,
        InetAddress dst,
        int dstPrefix,
        int dstPort,
        int upper,
        String policy)
        implements SetkeyStatement {}
