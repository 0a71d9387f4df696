/**
 * Traffic selectors for IKEv2 (RFC 7296 §2.9): narrowing as pure functions; the codec of the TS payloads is
 * {@link org.jipsec.core.ike.codec.TsPayload}.
 */
package org.jipsec.core.ike.ts;
