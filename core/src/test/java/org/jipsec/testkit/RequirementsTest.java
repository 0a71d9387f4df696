package org.jipsec.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;

/** {@link RequiresTool} and {@link RequiresRoot}: skip without CI, fail under CI, run when the tool is there. */
class RequirementsTest {
    private static final String ABSENT = "jipsec-no-such-tool-7f3a";

    /** Sample: needs a program no machine has. Not run by Surefire itself (a nested class). */
    @RequiresTool(ABSENT)
    static class NeedsAbsentTool {
        @Test
        void body() {}
    }

    /** Sample: one method needs the absent program, the other needs nothing. */
    static class OneMethodNeedsAbsentTool {
        @Test
        @RequiresTool(ABSENT)
        void needs() {}

        @Test
        void plain() {}
    }

    /** Sample: needs {@code sh}, which every machine that builds jipsec has. */
    @RequiresTool("sh")
    static class NeedsShell {
        @Test
        void body() {}
    }

    private static Events run(Class<?> sample, boolean ci) {
        return EngineTestKit.engine("junit-jupiter")
                .configurationParameter(Requirements.CI_PARAMETER, Boolean.toString(ci))
                .selectors(selectClass(sample))
                .execute()
                .allEvents();
    }

    @Test
    void missingToolSkipsWithoutCi() {
        Events events = run(NeedsAbsentTool.class, false);
        events.assertStatistics(s -> s.skipped(1).started(1).failed(0).succeeded(1)); // engine started, class skipped
        String reason =
                events.skipped().list().getFirst().getPayload(String.class).orElseThrow();
        assertTrue(reason.contains(ABSENT), reason);
    }

    @Test
    void missingToolFailsUnderCi() {
        Events tests = EngineTestKit.engine("junit-jupiter")
                .configurationParameter(Requirements.CI_PARAMETER, "true")
                .selectors(selectClass(NeedsAbsentTool.class))
                .execute()
                .containerEvents();
        tests.assertStatistics(s -> s.skipped(0).failed(1));
        assertEquals(1, tests.failed().count());
        Throwable t = tests.failed()
                .list()
                .getFirst()
                .getPayload(org.junit.platform.engine.TestExecutionResult.class)
                .orElseThrow()
                .getThrowable()
                .orElseThrow();
        assertTrue(t instanceof AssertionError && t.getMessage().contains(ABSENT), t.toString());
    }

    @Test
    void methodLevelRequirementSkipsOnlyThatMethod() {
        EngineTestKit.engine("junit-jupiter")
                .configurationParameter(Requirements.CI_PARAMETER, "false")
                .selectors(selectClass(OneMethodNeedsAbsentTool.class))
                .execute()
                .testEvents()
                .assertStatistics(s -> s.skipped(1).succeeded(1).failed(0));
        EngineTestKit.engine("junit-jupiter")
                .configurationParameter(Requirements.CI_PARAMETER, "true")
                .selectors(selectClass(OneMethodNeedsAbsentTool.class))
                .execute()
                .testEvents()
                .assertStatistics(s -> s.skipped(0).succeeded(1).failed(1));
    }

    @Test
    void presentToolRunsInBothModes() {
        for (boolean ci : List.of(false, true)) {
            EngineTestKit.engine("junit-jupiter")
                    .configurationParameter(Requirements.CI_PARAMETER, Boolean.toString(ci))
                    .selectors(selectClass(NeedsShell.class))
                    .execute()
                    .testEvents()
                    .assertStatistics(s -> s.skipped(0).succeeded(1).failed(0));
        }
    }
}
