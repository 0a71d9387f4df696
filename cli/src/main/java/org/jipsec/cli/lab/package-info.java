/**
 * Orchestration of {@code jipsec demo} and {@code jipsec bench}: two hosts as network namespaces joined by a
 * veth pair ({@link org.jipsec.cli.lab.TwoHosts}), a gateway child process in each
 * ({@link org.jipsec.cli.lab.GatewayProcess}), a TCP transfer through the tunnel
 * ({@link org.jipsec.cli.lab.TcpTransfer}), a capture summary of the wire ({@link org.jipsec.cli.lab.WireCapture},
 * {@link org.jipsec.cli.lab.CaptureSummary}) and the steps of the demo ({@link org.jipsec.cli.lab.Demo}).
 * Everything is made in uniquely named namespaces and a temporary directory, bounded in time, and removed at the
 * end, on failure and on Ctrl-C.
 */
package org.jipsec.cli.lab;
