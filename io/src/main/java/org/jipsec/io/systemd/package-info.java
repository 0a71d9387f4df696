/** Integration with the service manager: the sd_notify(3) readiness, reload, stop and watchdog protocol. */
package org.jipsec.io.systemd;
