/**
 * jipsec's logging (issue #18): {@link java.lang.System.Logger} as the one facade, written by
 * {@link org.jipsec.cli.log.LogOutput} to standard error or the journal with levels, rate-limited repeats and key-like
 * strings hidden; {@code net.inet.ipsec.debug} turns DEBUG on at run time.
 */
package org.jipsec.cli.log;
