/**
 * The IKE SA protocol engine, driven by events ({@link org.jipsec.core.ike.engine.IkeEvent}: initiate, datagram,
 * timer) and returning actions ({@link org.jipsec.core.ike.engine.IkeAction}: send, arm/cancel timer,
 * established, install child, failed with a reason). This first engine covers the initial exchanges
 * (IKE_SA_INIT, IKE_AUTH with PSK and the first CHILD_SA, RFC 7296 §1.2); see
 * {@link org.jipsec.core.ike.engine.IkeSaEngine} for what is and is not there yet.
 */
package org.jipsec.core.ike.engine;
