/**
 * setkey(8) (ipsec-tools setkey.c, token.l, parse.y; spec §2): the lexer and parser of the whole command language
 * ({@link org.jipsec.core.setkey.SetkeyParser}), the PF_KEY messages each statement sends
 * ({@link org.jipsec.core.setkey.SetkeyMessages}), the command itself with its getopt flags
 * ({@link org.jipsec.core.setkey.SetkeyOptions}, {@link org.jipsec.core.setkey.SetkeyRunner}) over a
 * {@link org.jipsec.core.setkey.KeyChannel} (jipsecd's socket, or an in-process engine:
 * {@link org.jipsec.core.setkey.EmbeddedKeyChannel}, which {@code jipsec pcap} also loads its engine through). The
 * dump printers ({@code setkey -D}, {@code -DP},
 * {@code -l}) are in {@code org.jipsec.core.setkey.dump}. Pure: names are resolved by an injected
 * {@link org.jipsec.core.setkey.HostResolver}, time and zone come from the caller.
 *
 * <p>Where jipsec differs from NetBSD's setkey, on purpose:
 * <ul>
 *   <li>The whole input ({@code -f FILE}, or standard input to its end with {@code -c}) is parsed and turned into
 *       messages before the first is sent: a syntax, key-length or policy error on line 7 sends nothing
 *       ({@code line 7: … at [token]}, {@code parse failed, line 7.}). NetBSD sends each statement as it is parsed,
 *       leaving the lines before the error applied.</li>
 *   <li>A statement the daemon refuses is reported as NetBSD does ({@code The result of line N: <strerror>.} in
 *       {@code -f} mode, no prefix in {@code -c} mode) and the following statements are still sent, as NetBSD does;
 *       jipsec then names the statements that were not applied on standard error
 *       ({@code setkey: 4 of 6 statements applied; not applied: lines 2, 5.}) and exits 1.</li>
 *   <li>Key lengths are checked against the daemon's SUPPORTED lists (SADB_REGISTER first, as NetBSD) and also
 *       against the algorithm table's exact lengths (aes-cbc: 128, 192 or 256 bits), with the same message
 *       {@code Invalid key length}. jipsec's private-use algorithm numbers (above SADB_EALG_MAX / SADB_AALG_MAX)
 *       are never in SUPPORTED and are checked against the table. {@code -n} checks against the table alone and
 *       needs no daemon.</li>
 *   <li>{@code setkey -DP} prints the upper-layer protocol as {@code getprotobynumber(3)} names it in NetBSD's
 *       {@code /etc/protocols}, built in ({@link org.jipsec.core.setkey.Protocols}): protocol "any" (255) prints
 *       {@code reserved}, ICMPv6 {@code ipv6-icmp}, exactly as on NetBSD (libipsec pfkey_dump.c str_upperspec has no
 *       special case for 255; the file's last line is {@code reserved 255}).</li>
 *   <li>An SA that was never used prints {@code last:} as blanks (the engine reports usetime 0); NetBSD prints its
 *       boot time there (spec §3.3).</li>
 *   <li>{@code spdadd tagged} and {@code -ctx} are refused with a message (NetBSD has no SADB_X_EXT_TAG; security
 *       contexts are compiled out).</li>
 * </ul>
 */
package org.jipsec.core.setkey;
