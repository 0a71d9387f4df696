package org.jipsec.io.netns;

/** A veth pair: interface {@code a} lives in namespace {@code nsA}, {@code b} in {@code nsB}. */
public record VethPair(String nsA, String a, String nsB, String b) {}
