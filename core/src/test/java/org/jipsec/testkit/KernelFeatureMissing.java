package org.jipsec.testkit;

import org.opentest4j.TestAbortedException;

/**
 * Skips a test because the running kernel was built without a feature it needs (a tunnel driver, say) — the one
 * kind of skip {@link CiStrictAssumptions} lets through under {@code CI=true}: unlike a missing tool or privilege,
 * no install step of the project can provide it. The reason names the feature, so the report shows what never ran.
 */
public final class KernelFeatureMissing extends TestAbortedException {
    private static final long serialVersionUID = 1L;

    public KernelFeatureMissing(String feature) {
        super("the running kernel lacks " + feature);
    }
}
