/**
 * Wireshark's decryption tables for IKEv2 and ESP ({@code jipsec iked --keylog}, debugging only; issue #15 item 4):
 * the lines, as pure functions of the keys the engine hands out. Writing them is io's job.
 */
package org.jipsec.core.ike.keylog;
