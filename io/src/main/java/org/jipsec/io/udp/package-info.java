/**
 * The UDP encapsulation socket of RFC 3948 (port 4500): batched send/receive, UDP GSO/GRO, and the pure
 * {@link org.jipsec.core.net.UdpEncapClassifier} (keepalive / IKE / ESP).
 */
package org.jipsec.io.udp;
