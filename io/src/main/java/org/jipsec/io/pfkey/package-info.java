/**
 * jipsecd's PF_KEY socket: {@link org.jipsec.io.pfkey.PfkeyServer} serves the key engine on a Unix domain stream
 * socket (messages framed by {@code sadb_msg_len}, SO_PEERCRED uid check, bounded per-client queues, streamed dumps);
 * {@link org.jipsec.io.pfkey.PfkeyClient} is the client library setkey and the IKE daemon use.
 */
package org.jipsec.io.pfkey;
