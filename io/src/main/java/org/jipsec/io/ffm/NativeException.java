package org.jipsec.io.ffm;

import java.io.IOException;

/**
 * A failed libc call: names the call, the errno number and its {@code strerror(3)} text, e.g.
 * {@code "ioctl(TUNSETIFF): errno 1 (Operation not permitted)"}.
 */
public final class NativeException extends IOException {
    private final String call;
    private final int errno;

    public NativeException(String call, int errno) {
        super(call + ": errno " + errno + " (" + LibC.strerror(errno) + ")");
        this.call = call;
        this.errno = errno;
    }

    /** The call that failed, e.g. {@code "sendmmsg"} or {@code "ioctl(TUNSETIFF)"}. */
    public String call() {
        return call;
    }

    /** The {@code errno} value the call left behind. */
    public int errno() {
        return errno;
    }
}
