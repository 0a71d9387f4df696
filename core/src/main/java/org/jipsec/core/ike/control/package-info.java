/**
 * The administrative interface of {@code jipsec iked} (issue #14 item 5): what the control socket carries between
 * {@code jipsec ike …} and the daemon. Values only; no I/O.
 */
package org.jipsec.core.ike.control;
