/**
 * jipsecd's sysctl control socket (issue #6): {@link org.jipsec.io.sysctl.SysctlServer} serves the running
 * {@link org.jipsec.core.sysctl.Sysctl} tree with the line protocol of {@link org.jipsec.io.sysctl.SysctlProtocol}
 * (mode 0600, SO_PEERCRED uid check, as the PF_KEY socket), {@link org.jipsec.io.sysctl.SysctlClient} is what
 * {@code jipsec sysctl} uses, and {@link org.jipsec.io.sysctl.SysctlConf} reads the {@code name=value} files of
 * {@code gateway --sysctl FILE} (all or nothing).
 */
package org.jipsec.io.sysctl;
