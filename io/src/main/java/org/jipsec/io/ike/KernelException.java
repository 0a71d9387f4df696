package org.jipsec.io.ike;

import java.io.IOException;
import java.util.Optional;
import org.jipsec.core.pfkey.Errno;

/**
 * A PF_KEY request the kernel refused (with its errno), or one it did not answer in time, or a lost connection.
 * The message names the request and the SA or policy (never a key) and says what the errno means for an IKE
 * daemon (RFC 2367 §1.8; NetBSD key.c's reasons, spec §1.9–§1.10).
 */
public final class KernelException extends IOException {
    private final int errno;

    KernelException(String message, int errno) {
        super(message);
        this.errno = errno;
    }

    /** The reply's {@code sadb_msg_errno} (Linux numbering), or 0 for a timeout or a lost connection. */
    public int errno() {
        return errno;
    }

    public Optional<Errno> knownErrno() {
        return Errno.of(errno);
    }

    static KernelException refused(String what, int errno) {
        return new KernelException(
                what + " failed: " + Errno.describe(errno) + " ("
                        + Errno.of(errno).map(Enum::name).orElse("errno " + errno) + ") - " + hint(errno),
                errno);
    }

    static String hint(int errno) {
        return switch (Errno.of(errno).orElse(Errno.EINVAL)) {
            case ENOENT ->
                "no such SA or policy (expired, deleted by someone else, or a larval SA older than "
                        + "net.key.larval_lifetime)";
            case EEXIST -> "an SA with this SPI or a policy with this selector already exists";
            case EINVAL ->
                errno == Errno.EINVAL.number()
                        ? "the kernel refused the message's content (algorithm, key length, addresses, pid of the larval "
                                + "SA); its log says which"
                        : "unknown errno";
            case ENOBUFS -> "the message is larger than the kernel accepts or its queue to this socket is full";
            case ENOMEM -> "the kernel is out of memory or SPIs";
            case EPERM -> "not permitted";
            case EBUSY -> "the kernel is busy with this entry";
            case EPROTONOSUPPORT, EOPNOTSUPP -> "the kernel does not support this SA type or operation";
            case EAFNOSUPPORT -> "the kernel does not support this address family";
        };
    }
}
