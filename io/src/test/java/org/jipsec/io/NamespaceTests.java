package org.jipsec.io;

import org.jipsec.io.netns.NetnsLab;
import org.junit.jupiter.api.Assumptions;

/** Common guard of the tests that need root and network namespaces. */
public final class NamespaceTests {
    private NamespaceTests() {}

    /** Skips the test unless this process can create network namespaces (root, iproute2). */
    public static void assumeRoot() {
        Assumptions.assumeTrue(NetnsLab.available(), "needs root and ip netns");
    }
}
