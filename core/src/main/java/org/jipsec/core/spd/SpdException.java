package org.jipsec.core.spd;

/** A refused SPD operation, with the errno PF_KEY reports for it (NetBSD key.c; spec §1.10, §4.1). */
public final class SpdException extends Exception {

    /** errno values (NetBSD numbering). */
    public enum Errno {
        EPERM(1),
        ENOENT(2),
        EINVAL(22),
        EEXIST(17),
        ENOBUFS(55);

        private final int number;

        Errno(int number) {
            this.number = number;
        }

        public int number() {
            return number;
        }
    }

    private final Errno errno;

    public SpdException(Errno errno, String message) {
        super(message);
        this.errno = errno;
    }

    public Errno errno() {
        return errno;
    }
}
