/**
 * The pure core of jipsec: packets, algorithms, transforms, SAD, SPD and PF_KEY engine. It does no I/O, starts
 * no threads, reads no clock and draws no randomness that it was not given, so every test is byte-exact.
 */
package org.jipsec.core;
