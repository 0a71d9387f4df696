/**
 * The libc binding layer of jipsec's Linux adapters (Foreign Function and Memory API): {@link
 * org.jipsec.io.ffm.LibC} (calls with errno captured into {@link org.jipsec.io.ffm.NativeException}),
 * {@link org.jipsec.io.ffm.NativeFd} (an owned non-blocking descriptor that one thread may close while another
 * waits on it), {@link org.jipsec.io.ffm.PacketBatch} (reusable off-heap {@code mmsghdr} vectors) and
 * {@link org.jipsec.io.ffm.NativeDatagramSocket}. Linux LP64 only.
 */
package org.jipsec.io.ffm;
