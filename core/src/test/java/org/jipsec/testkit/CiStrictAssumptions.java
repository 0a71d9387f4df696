package org.jipsec.testkit;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.LifecycleMethodExecutionExceptionHandler;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;
import org.opentest4j.TestAbortedException;

/**
 * Under {@code CI=true} a test whose tool or privilege is missing fails instead of skipping (the project's contract:
 * CI runs as root with every peer installed, so a skip there hides a broken install step or a lost privilege).
 * Outside CI an aborted assumption stays a skip, so the suite still runs on a laptop without root or peers. The one
 * exception is {@link KernelFeatureMissing}: a kernel built without a driver is not something CI can install.
 *
 * <p>Registered for every test class of every module through JUnit's extension auto-detection (the service file in
 * this test-jar, {@code junit.jupiter.extensions.autodetection.enabled=true} in the parent pom's Surefire set-up).
 */
public final class CiStrictAssumptions
        implements TestExecutionExceptionHandler, LifecycleMethodExecutionExceptionHandler {

    /** True when the environment says this is a CI run. */
    public static boolean ci() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    private static Throwable strict(Throwable t) {
        return strict(t, ci());
    }

    /** {@code t}, or — for an aborted assumption when {@code ci} — an AssertionError that says why it fails. */
    static Throwable strict(Throwable t, boolean ci) {
        if (t instanceof TestAbortedException && !(t instanceof KernelFeatureMissing) && ci) {
            AssertionError e = new AssertionError("CI=true: a required tool or privilege is missing, so this test "
                    + "fails instead of skipping: " + t.getMessage());
            e.initCause(t);
            return e;
        }
        return t;
    }

    @Override
    public void handleTestExecutionException(ExtensionContext context, Throwable t) throws Throwable {
        throw strict(t);
    }

    @Override
    public void handleBeforeAllMethodExecutionException(ExtensionContext context, Throwable t) throws Throwable {
        throw strict(t);
    }

    @Override
    public void handleBeforeEachMethodExecutionException(ExtensionContext context, Throwable t) throws Throwable {
        throw strict(t);
    }
}
