package org.jipsec.testkit;

import java.lang.reflect.AnnotatedElement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.AnnotationSupport;
import org.opentest4j.TestAbortedException;

/**
 * The extension behind {@link RequiresRoot} and {@link RequiresTool}. On a laptop a missing privilege or program
 * disables the test (reported as skipped, with what is missing); under {@code CI=true} the test is enabled and fails
 * before it starts, because CI runs as root with every peer installed and a skip there would hide a broken set-up.
 *
 * <p>The configuration parameter {@value #CI_PARAMETER} overrides the environment (this extension's own tests use it).
 */
public final class Requirements implements ExecutionCondition, BeforeAllCallback, BeforeEachCallback {
    /** {@code true}/{@code false}: whether to behave as under CI, instead of reading {@code CI} from the environment. */
    public static final String CI_PARAMETER = "jipsec.ci";

    /**
     * For a check in code (a helper that several tests call): skips the calling test on a laptop, fails it under
     * {@code CI=true}, when this process is not root with iproute2. Prefer {@link RequiresRoot} on the test.
     */
    public static void requireRoot() {
        require(Tools.root() ? List.of() : List.of("root and iproute2"));
    }

    /** Like {@link #requireRoot()}, for programs as {@link RequiresTool} names them. */
    public static void requireTools(String... tools) {
        List<String> missing = new ArrayList<>();
        for (String tool : tools) {
            if (!Tools.present(tool)) missing.add(tool);
        }
        require(missing);
    }

    private static void require(List<String> missing) {
        if (missing.isEmpty()) return;
        if (CiStrictAssumptions.ci()) {
            throw new AssertionError("CI=true: " + reason(missing) + ", so this test fails instead of skipping");
        }
        throw new TestAbortedException(reason(missing));
    }

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        List<String> missing = missing(context.getElement());
        if (missing.isEmpty()) return ConditionEvaluationResult.enabled("requirements met");
        if (ci(context)) return ConditionEvaluationResult.enabled("CI=true: fails instead of skipping");
        return ConditionEvaluationResult.disabled(reason(missing));
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        check(context, context.getElement());
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        check(context, context.getElement());
    }

    private static void check(ExtensionContext context, Optional<AnnotatedElement> element) {
        List<String> missing = missing(element);
        if (!missing.isEmpty() && ci(context)) {
            throw new AssertionError("CI=true: " + reason(missing) + ", so this test fails instead of skipping");
        }
    }

    private static boolean ci(ExtensionContext context) {
        return context.getConfigurationParameter(CI_PARAMETER)
                .map(Boolean::parseBoolean)
                .orElseGet(CiStrictAssumptions::ci);
    }

    private static String reason(List<String> missing) {
        return "needs " + String.join(", ", missing) + " (scripts/install-peers installs the tools; root is yours)";
    }

    /** What the element's annotations ask for and this machine lacks. */
    static List<String> missing(Optional<AnnotatedElement> element) {
        List<String> missing = new ArrayList<>();
        if (AnnotationSupport.isAnnotated(element, RequiresRoot.class) && !Tools.root()) {
            missing.add("root and iproute2");
        }
        AnnotationSupport.findAnnotation(element, RequiresTool.class).ifPresent(r -> {
            for (String tool : r.value()) {
                if (!Tools.present(tool)) missing.add(tool);
            }
        });
        return missing;
    }
}
