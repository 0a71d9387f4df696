/**
 * setkey's output (libipsec pfkey_dump.c; spec §3.3, §3.4), byte for byte: {@link
 * org.jipsec.core.setkey.dump.SaDumpPrinter} ({@code setkey -D}, {@code get}), {@link
 * org.jipsec.core.setkey.dump.SpdDumpPrinter} ({@code setkey -DP}), {@link
 * org.jipsec.core.setkey.dump.SaShortDumpPrinter} ({@code setkey -Dl}). Pure functions of a PF_KEY message, the
 * current time and a time zone.
 */
package org.jipsec.core.setkey.dump;
