/**
 * Admission of new IKE SAs at the responder (RFC 7296 §2.6): stateless cookies under load and bounds on
 * half-open IKE SAs, with strongSwan's settings and defaults ({@code charon.cookie_threshold},
 * {@code cookie_threshold_ip}, {@code block_threshold}, {@code init_limit_half_open}). Pure: the clock and the
 * randomness are the caller's; no I/O.
 */
package org.jipsec.core.ike.admission;
