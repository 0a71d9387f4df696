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
 * <p>By default a script runs as NetBSD's setkey runs it (setkey.c {@code parse}/{@code stdin_loop}, token.l
 * {@code yyerror}): each statement is sent as soon as it is read; syntax errors ({@code line N: <msg> at [<token>]},
 * then {@code parse failed, line N.} with {@code -f}) and refusals ({@code The result of line N: <strerror>.} with
 * {@code -f}, no prefix with {@code -c}) go to standard output; {@code -c} reads the next statement after an error
 * and always exits 0; {@code -f} stops at a syntax error with status 1 (what precedes it stays applied) and
 * otherwise exits 0. {@code update} takes {@code add}'s grammar and sends SADB_UPDATE.
 *
 * <p>Where jipsec differs from NetBSD's setkey, on purpose:
 * <ul>
 *   <li>{@code -s} (jipsec only; NetBSD's option string has no s): the whole input is parsed and turned into messages
 *       before the first is sent — a syntax, key-length or policy error on line 7 sends nothing ({@code line 7: …
 *       at [token]}, {@code parse failed, line 7.}, on standard error, status 1); refusals are reported as NetBSD
 *       does and the rest is still sent, then the statements not applied are named on standard error
 *       ({@code setkey: 4 of 6 statements applied; not applied: lines 2, 5.}) and the status is 1.</li>
 *   <li>In {@code -c} mode NetBSD prints {@code line 0:} in syntax errors (its line counter is never set there);
 *       jipsec names the line the statement started on. Warnings ({@code WARNING: mode is obsolete}) are printed
 *       without yyerror's {@code line N: … at [token]} frame.</li>
 *   <li>Key lengths are checked against the daemon's SUPPORTED lists (SADB_REGISTER first, as NetBSD) and also
 *       against the algorithm table's exact lengths (aes-cbc: 128, 192 or 256 bits), with the same message
 *       {@code Invalid key length}. jipsec's private-use algorithm numbers (above SADB_EALG_MAX / SADB_AALG_MAX)
 *       are never in SUPPORTED and are checked against the table. {@code -n} checks against the table alone and
 *       needs no daemon.</li>
 *   <li>No message shows key material (issue #12). NetBSD's yyerror prints the token, so a refused key is echoed
 *       ({@code Invalid key length at [0x0011…]}), into a daemon's log too; jipsec names the algorithm and the length
 *       ({@code Invalid key length for aes-cbc: 144 bits (allowed: 128/192/256)}), {@code Not supported at [3des-cbc]},
 *       and shows a token in a key's place, a quoted string or any run of 12 or more letters and digits only by its
 *       length ({@code syntax error at [(36 characters, not shown: may be a key)]}).</li>
 *   <li>Inputs are bounded: at most 64 MiB ({@code setkey: FILE: File too large (more than 67108864 bytes)}, also
 *       for {@code /dev/zero} and endless standard input) and lines of at most 65536 characters
 *       ({@code line N: line too long (more than 65536 characters)}).</li>
 *   <li>{@code setkey -DP} prints the upper-layer protocol as NetBSD 10 does, its number and the name
 *       {@code getprotobynumber(3)} finds in NetBSD's {@code /etc/protocols}, built in
 *       ({@link org.jipsec.core.setkey.dump.Protocols#dumpName}): {@code 255(reserved)} (NetBSD's tests/net/ipsec/common.sh
 *       matches exactly that), {@code 6(tcp)}, {@code 58(ipv6-icmp)}.</li>
 *   <li>An SA that was never used prints {@code last:} as blanks (the engine reports usetime 0); NetBSD prints its
 *       boot time there (spec §3.3).</li>
 *   <li>{@code spdadd tagged} and {@code -ctx} are refused with a message (NetBSD has no SADB_X_EXT_TAG; security
 *       contexts are compiled out).</li>
 * </ul>
 */
package org.jipsec.core.setkey;
