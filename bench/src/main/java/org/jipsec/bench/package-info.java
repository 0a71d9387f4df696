/** JMH benchmarks. Build with {@code ./mvnw -pl bench -am package -DskipTests}; run {@code java -jar bench/target/benchmarks.jar}. */
package org.jipsec.bench;
