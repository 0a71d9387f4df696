/**
 * IKEv2 message codec (RFC 7296 §3): {@link org.jipsec.core.ike.codec.IkeHeader}, one record per payload
 * type with the RFC's wire diagram, and {@link org.jipsec.core.ike.codec.IkeMessageCodec}, which decodes
 * untrusted datagrams (throwing only {@link org.jipsec.core.ike.codec.IkeDecodeException}, in kinds named
 * after the RFC errors INVALID_SYNTAX, UNSUPPORTED_CRITICAL_PAYLOAD and INVALID_MAJOR_VERSION) and encodes
 * messages. The SK payload stays opaque here; {@code org.jipsec.core.ike.crypto.SkProtection} encrypts and
 * decrypts it. No I/O, no state between calls.
 */
package org.jipsec.core.ike.codec;
