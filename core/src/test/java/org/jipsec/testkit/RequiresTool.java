package org.jipsec.testkit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The test (class or method) runs external programs: each name is looked up on the {@code PATH} (and in
 * {@code /usr/sbin}, {@code /sbin}), or is an absolute path; {@code "scapy"} means Debian's python3 with scapy
 * importable ({@link Tools}). A missing one skips the test on a laptop and fails it under {@code CI=true}
 * ({@link Requirements}); {@code scripts/install-peers} installs them all. Tagged {@value E2e#TAG}: the fast lane
 * leaves such tests out.
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
@Tag(E2e.TAG)
@ExtendWith(Requirements.class)
public @interface RequiresTool {
    /** The programs the test runs, e.g. {@code "tshark"}, {@code "scapy"}, {@code "/usr/sbin/charon"}. */
    String[] value();
}
