package org.jipsec.core.pfkey;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A PF_KEY v2 message: the base header {@code struct sadb_msg} (RFC 2367 §2.3.1; spec §1.2) and its extensions in
 * wire order. Immutable. {@code sadb_msg_len} is not a field: the codec computes it.
 * <pre>
 *  0 version | 1 type | 2 errno | 3 satype | 4 len u16 (64-bit units) | 6 reserved u16 | 8 seq u32 | 12 pid u32
 * </pre>
 * At most one extension of each type (the codec and the constructor refuse duplicates).
 */
public record PfkeyMessage(
        int version, int type, int errno, int satype, int reserved, int seq, int pid, List<Extension> extensions) {

    public PfkeyMessage {
        extensions = List.copyOf(extensions);
        if (version < 0
                || version > 255
                || type < 0
                || type > 255
                || errno < 0
                || errno > 255
                || satype < 0
                || satype > 255
                || reserved < 0
                || reserved > 0xffff) {
            throw new IllegalArgumentException("base header field out of range");
        }
        long seen = 0;
        for (Extension e : extensions) {
            long bit = 1L << e.type();
            if ((seen & bit) != 0) throw new IllegalArgumentException("duplicate extension " + e.type());
            seen |= bit;
        }
    }

    /** A request/reply with version 2, errno 0, reserved 0. */
    public static PfkeyMessage of(int type, int satype, int seq, int pid, List<Extension> extensions) {
        return new PfkeyMessage(Sadb.PF_KEY_V2, type, 0, satype, 0, seq, pid, extensions);
    }

    public Optional<Extension> ext(int extType) {
        for (Extension e : extensions) if (e.type() == extType) return Optional.of(e);
        return Optional.empty();
    }

    public boolean has(int extType) {
        return ext(extType).isPresent();
    }

    public <T extends Extension> Optional<T> ext(int extType, Class<T> kind) {
        return ext(extType).filter(kind::isInstance).map(kind::cast);
    }

    public Optional<Extension.Sa> sa() {
        return ext(Sadb.SADB_EXT_SA, Extension.Sa.class);
    }

    public Optional<Extension.Address> address(int extType) {
        return ext(extType, Extension.Address.class);
    }

    public Optional<Extension.Lifetime> lifetime(int extType) {
        return ext(extType, Extension.Lifetime.class);
    }

    public Optional<Extension.Key> key(int extType) {
        return ext(extType, Extension.Key.class);
    }

    public Optional<Extension.Sa2> sa2() {
        return ext(Sadb.SADB_X_EXT_SA2, Extension.Sa2.class);
    }

    public Optional<Extension.Policy> policy() {
        return ext(Sadb.SADB_X_EXT_POLICY, Extension.Policy.class);
    }

    public PfkeyMessage withErrno(int newErrno) {
        return new PfkeyMessage(version, type, newErrno, satype, reserved, seq, pid, extensions);
    }

    public PfkeyMessage withSeq(int newSeq) {
        return new PfkeyMessage(version, type, errno, satype, reserved, newSeq, pid, extensions);
    }

    public PfkeyMessage withExtensions(List<Extension> newExtensions) {
        return new PfkeyMessage(version, type, errno, satype, reserved, seq, pid, newExtensions);
    }

    /** The same message keeping only the extensions whose types are listed, in the listed order. */
    public PfkeyMessage keepOnly(int... extTypes) {
        List<Extension> out = new ArrayList<>();
        for (int t : extTypes) ext(t).ifPresent(out::add);
        return withExtensions(out);
    }

    @Override
    public String toString() {
        return Sadb.messageName(type) + "{errno=" + errno + ", satype=" + satype + ", seq="
                + Integer.toUnsignedString(seq) + ", pid=" + Integer.toUnsignedString(pid) + ", " + extensions + "}";
    }
}
