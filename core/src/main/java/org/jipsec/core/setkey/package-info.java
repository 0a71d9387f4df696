/**
 * setkey(8)'s configuration language (ipsec-tools token.l/parse.y; spec §2.2–§2.4): the lexer, the parser of
 * {@code add} and {@code spdadd} (other commands are recognised and skipped; issue #6 completes setkey), and
 * {@link org.jipsec.core.setkey.SetkeyConfig}, which turns a file into transform parameters and outbound rules.
 * Errors name their line; addresses must be numeric (the core resolves no names).
 */
package org.jipsec.core.setkey;
