/**
 * Linux adapters of jipsecd: TUN through FFM, raw ESP/AH sockets, the UDP-encapsulation socket and the PF_KEY
 * Unix domain socket server. Nothing here decides policy; it moves bytes between the kernel and the core.
 */
package org.jipsec.io;
