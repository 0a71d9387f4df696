package org.jipsec.core.ike.control;

/**
 * What {@code jipsec ike status|initiate|terminate|rekey} asks of a running {@code jipsec iked} (issue #14 item 5),
 * as swanctl's {@code --list-sas}, {@code --initiate}, {@code --terminate} and {@code --rekey} ask charon. The daemon
 * implements it (each call is carried into its single event loop and answered from there); the control socket server
 * and the command-line client only move these values.
 *
 * <p>{@code name} is a connection name ({@code connections.<name>}) or, when no connection has that name, a child
 * name ({@code children.<child>}), resolved by the daemon the way swanctl resolves {@code --ike}/{@code --child}.
 */
public interface IkeAdmin {

    /** Every loaded connection and every IKE SA with its CHILD_SAs, as they are now. */
    IkeStatus status();

    /** Start the connection (or just the child, on an established IKE SA) now, as {@code start_action=start} would. */
    AdminResult initiate(String name);

    /** Delete the IKE SA(s) of the connection with their children, or just the named child (RFC 7296 §1.4.1). */
    AdminResult terminate(String name);

    /** Rekey the IKE SA(s) of the connection (§1.3.2), or the named child (§1.3.3). */
    AdminResult rekey(String name);
}
