/**
 * The security association database (RFC 4301 §4.4.2; NetBSD keydb.h/key.c): SA heads by
 * {@link org.jipsec.core.sad.SaIndex}, per-state lists ordered by creation, an O(1) SPI index for the inbound
 * lookup, and {@link org.jipsec.core.sad.SecurityAssociation}, the entry the ESP/AH/IPComp transforms read.
 * Changed only by the key engine ({@code org.jipsec.core.pfkey.KeyEngine}), under its lock.
 */
package org.jipsec.core.sad;
