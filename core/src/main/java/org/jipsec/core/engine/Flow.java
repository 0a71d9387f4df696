package org.jipsec.core.engine;

/**
 * Where an outbound packet comes from, as the selector and the policy lookup need it (spec §4.1, §4.2): a locally
 * sent packet (needport = 1), with the sending socket's policy or none, or a forwarded one (needport = 0, no socket).
 *
 * @param socket   the sending socket's policy, null for none (the SPD decides)
 * @param needPort whether the selector carries the ports (NetBSD's needport: 1 for local output)
 */
public record Flow(SocketPolicy socket, boolean needPort) {

    /** A locally sent packet without a socket policy (needport = 1). */
    public static final Flow LOCAL = new Flow(null, true);

    /** A forwarded packet (needport = 0, no socket; spec §4.1). */
    public static final Flow FORWARDED = new Flow(null, false);

    public Flow {
        if (socket != null && !needPort) throw new IllegalArgumentException("a socket's packet is sent locally");
    }

    /** A locally sent packet with {@code socket}'s policy; {@link #LOCAL} for none. */
    public static Flow of(SocketPolicy socket) {
        return socket == null ? LOCAL : new Flow(socket, true);
    }
}
