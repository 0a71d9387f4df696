package org.jipsec.core.pfkey;

/**
 * The errno values PF_KEY replies carry in {@code sadb_msg_errno} (spec §1.9–§1.10).
 *
 * <p>Which numbers: NetBSD's key.c decides <em>which</em> error a request gets; the <em>number</em> written into
 * the reply is the Linux one, because the clients that talk to jipsecd (setkey, racoon, an IKE daemon) are built
 * against Linux headers and print the reply with Linux's strerror(3). The numbers below 35 are the same on both
 * systems; ENOBUFS, EOPNOTSUPP, EAFNOSUPPORT and EPROTONOSUPPORT differ (NetBSD 55, 45, 47, 43).
 */
public enum Errno {
    EPERM(1, "Operation not permitted"),
    ENOENT(2, "No such file or directory"),
    ENOMEM(12, "Cannot allocate memory"),
    EBUSY(16, "Device or resource busy"),
    EEXIST(17, "File exists"),
    EINVAL(22, "Invalid argument"),
    EPROTONOSUPPORT(93, "Protocol not supported"),
    EOPNOTSUPP(95, "Operation not supported"),
    EAFNOSUPPORT(97, "Address family not supported by protocol"),
    ENOBUFS(105, "No buffer space available");

    private final int number;
    private final String text;

    Errno(int number, String text) {
        this.number = number;
        this.text = text;
    }

    /** The Linux errno number, as written into {@code sadb_msg_errno}. */
    public int number() {
        return number;
    }

    /** Linux strerror(3) text. */
    public String text() {
        return text;
    }

    /** The errno with that Linux number, if jipsec uses it. */
    public static java.util.Optional<Errno> of(int number) {
        for (Errno e : values()) if (e.number == number) return java.util.Optional.of(e);
        return java.util.Optional.empty();
    }

    /** The text for any errno number a reply may carry (unknown numbers print as "errno N"). */
    public static String describe(int number) {
        for (Errno e : values()) if (e.number == number) return e.text;
        return "errno " + number;
    }
}
