package org.jipsec.testkit;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.opentest4j.TestAbortedException;

class CiStrictAssumptionsTest {

    @Test
    void anAbortedAssumptionFailsUnderCiAndSkipsElsewhere() {
        TestAbortedException skip = new TestAbortedException("needs root");
        Throwable ci = CiStrictAssumptions.strict(skip, true);
        assertInstanceOf(AssertionError.class, ci);
        assertTrue(ci.getMessage().contains("needs root"), ci.getMessage());
        assertSame(skip, CiStrictAssumptions.strict(skip, false));
    }

    @Test
    void aMissingKernelFeatureStillSkipsUnderCi() {
        KernelFeatureMissing k = new KernelFeatureMissing("the ipip driver");
        assertSame(k, CiStrictAssumptions.strict(k, true));
    }

    @Test
    void otherFailuresPassThroughUnchanged() {
        AssertionError fail = new AssertionError("x");
        assertSame(fail, CiStrictAssumptions.strict(fail, true));
    }
}
