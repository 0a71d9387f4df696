package org.jipsec.testkit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;

/**
 * A slow test outside the fast lane that needs nothing {@link RequiresRoot} or {@link RequiresTool} would name: it
 * starts JVMs or daemons, builds a package, or runs for seconds. {@code ./mvnw test} excludes the tag
 * {@value #TAG}; {@code ./run-tests} (the {@code full} profile) runs it.
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
@Tag(E2e.TAG)
public @interface E2e {
    /** The JUnit tag of the tests the fast lane leaves out (the parent pom's {@code jipsec.excludedGroups}). */
    String TAG = "e2e";
}
