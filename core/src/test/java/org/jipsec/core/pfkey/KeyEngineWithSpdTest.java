package org.jipsec.core.pfkey;

/** The X_SPD* tests again, with jipsec's SPD ({@code org.jipsec.core.spd.Spd}) behind {@link SpdPolicyStore}. */
class KeyEngineWithSpdTest extends KeyEngineSpdTest {
    @Override
    Fixture fixture() {
        return new Fixture(42, true);
    }
}
