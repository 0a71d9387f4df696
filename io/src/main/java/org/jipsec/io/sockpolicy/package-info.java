/**
 * jipsecd's socket-policy control socket (issue #13 item 9, docs/socket-policy.md): a process that owns a socket
 * outside jipsecd — {@code jipsec ping -P} — registers that socket's per-socket IPsec policies (NetBSD's
 * {@code IP_IPSEC_POLICY}/{@code IPV6_IPSEC_POLICY}, ipsec_set_policy(3) strings) for the flow it uses, and the
 * gateway's engine applies them to the flow's packets for as long as the connection stays open.
 * {@link org.jipsec.io.sockpolicy.SocketPolicyServer} serves it (beside the PF_KEY socket, mode 0600, SO_PEERCRED
 * check as for PF_KEY and sysctl), {@link org.jipsec.io.sockpolicy.SocketPolicyClient} is the client,
 * {@link org.jipsec.io.sockpolicy.SocketPolicyProtocol} the line protocol both speak.
 */
package org.jipsec.io.sockpolicy;
