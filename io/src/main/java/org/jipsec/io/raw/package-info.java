/** Raw IP sockets for ESP (50), AH (51) and {@code IPPROTO_RAW}, IPv4 and IPv6, single and batched. */
package org.jipsec.io.raw;
