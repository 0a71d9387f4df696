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
 * The test (class or method) needs root and iproute2: network namespaces, veth pairs, TUN devices, raw sockets,
 * nftables. Without them it is skipped on a laptop and fails under {@code CI=true} ({@link Requirements}). Tagged
 * {@value E2e#TAG}, so the fast lane ({@code ./mvnw test}) leaves it out and {@code ./run-tests} runs it.
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
@Tag(E2e.TAG)
@ExtendWith(Requirements.class)
public @interface RequiresRoot {}
