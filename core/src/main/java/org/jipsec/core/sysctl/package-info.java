/**
 * The one sysctl tree of jipsec (spec §5): {@code net.inet.ipsec.*}, {@code net.inet6.ipsec6.*}, the
 * protocol statistics nodes and {@code net.key.*}, with NetBSD's defaults, handler validation, read-only
 * nodes, change listeners and typed handles for the engines ({@link org.jipsec.core.sysctl.Sysctl}).
 */
package org.jipsec.core.sysctl;
