package org.jipsec.io;

import org.jipsec.testkit.Requirements;

/** Common guard of the tests that need root and network namespaces (prefer {@code @RequiresRoot} on the test). */
public final class NamespaceTests {
    private NamespaceTests() {}

    /** Skips the test unless this process can create network namespaces (root, iproute2). */
    public static void assumeRoot() {
        Requirements.requireRoot();
    }
}
