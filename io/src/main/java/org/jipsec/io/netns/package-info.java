/**
 * Network-namespace laboratories for tests and demos: {@link org.jipsec.io.netns.NetnsLab} (namespaces, veths,
 * addresses, routes via {@code ip}, removed on close), {@link org.jipsec.io.netns.NetnsThread} (open sockets and
 * TUN devices inside a namespace from this JVM via setns(2) on a dedicated thread) and
 * {@link org.jipsec.io.netns.Commands} (bounded external commands).
 */
package org.jipsec.io.netns;
