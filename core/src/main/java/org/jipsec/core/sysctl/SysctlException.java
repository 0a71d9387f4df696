package org.jipsec.core.sysctl;

/**
 * A refused sysctl(3) read or write, with the errno NetBSD's sysctl handler returns (spec §5):
 * ENOENT (no such variable), EPERM (read-only node), EINVAL (value refused by the node's handler),
 * EBUSY ({@code enabled = 0} while policies exist), ENOTDIR (an interior node used as a leaf).
 */
public final class SysctlException extends Exception {

    /** The errno values a sysctl write or read can fail with (NetBSD numbering). */
    public enum Errno {
        ENOENT(2),
        EPERM(1),
        EINVAL(22),
        EBUSY(16),
        ENOTDIR(20);

        private final int number;

        Errno(int number) {
            this.number = number;
        }

        public int number() {
            return number;
        }
    }

    private final Errno errno;
    private final String name;

    public SysctlException(Errno errno, String name, String message) {
        super(name + ": " + message);
        this.errno = errno;
        this.name = name;
    }

    public Errno errno() {
        return errno;
    }

    /** The variable name the error is about. */
    public String name() {
        return name;
    }
}
