/**
 * The pure core of jipsec: packets, algorithms, transforms, SAD, SPD and PF_KEY engine. It does no I/O, starts
 * no threads, reads no clock and draws no randomness that it was not given, so every test is byte-exact.
 *
 * <p>References of the form "spec §N.M" throughout the sources point into {@code docs/netbsd-ipsec.md}, the
 * NetBSD behaviour reference written for this project (PF_KEY wire format, setkey and policy grammars, dump
 * formats, SPD/SAD semantics, sysctl variables, each section naming the NetBSD file it was read from).
 */
package org.jipsec.core;
