package org.jipsec.core.seqstate;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The state file: every SA's {@link SequenceRecord}, then a SHA-256 of everything before it. The file is replaced
 * whole (written aside, fsync'd, renamed), so a torn file means the disk or a person changed it: the decoder refuses
 * it (what then happens is the caller's choice — jipsecd refuses to start rather than guess marks).
 *
 * <pre>
 *   "JIPSEQ" 0x00 0x01       magic and version 1
 *   u32 count                at most {@value #MAX_RECORDS}
 *   count x record:
 *     u8 satype, u8 address length (4 or 16), u32 SPI, source, destination, fingerprint (16),
 *     u64 outMark, u64 inMark, u64 savedAt         (big-endian, marks unsigned)
 *   SHA-256 (32) over the bytes above
 * </pre>
 */
public final class StateFileCodec {

    public static final int MAX_RECORDS = 1 << 20;
    private static final byte[] MAGIC = {'J', 'I', 'P', 'S', 'E', 'Q', 0, 1};
    private static final int DIGEST = 32;

    private StateFileCodec() {}

    public static byte[] encode(List<SequenceRecord> records) {
        if (records.size() > MAX_RECORDS) throw new IllegalArgumentException("too many records: " + records.size());
        ByteArrayOutputStream out = new ByteArrayOutputStream(16 + records.size() * 72);
        out.writeBytes(MAGIC);
        out.writeBytes(ByteBuffer.allocate(4).putInt(records.size()).array());
        for (SequenceRecord r : records) {
            SaIdentity id = r.id();
            byte[] src = id.source();
            ByteBuffer b = ByteBuffer.allocate(6 + 2 * src.length + KeyFingerprint.LENGTH + 24);
            b.put((byte) id.satype())
                    .put((byte) src.length)
                    .putInt(id.spi())
                    .put(src)
                    .put(id.destination())
                    .put(id.fingerprint())
                    .putLong(r.outMark())
                    .putLong(r.inMark())
                    .putLong(r.savedAt());
            out.writeBytes(b.array());
        }
        byte[] body = out.toByteArray();
        byte[] file = Arrays.copyOf(body, body.length + DIGEST);
        System.arraycopy(sha256(body, body.length), 0, file, body.length, DIGEST);
        return file;
    }

    /** The records of a whole file; {@link StateFileException} for anything that is not exactly one. */
    public static List<SequenceRecord> decode(byte[] file) throws StateFileException {
        if (file.length < MAGIC.length + 4 + DIGEST)
            throw new StateFileException("truncated (" + file.length + " bytes)");
        if (!Arrays.equals(file, 0, MAGIC.length - 1, MAGIC, 0, MAGIC.length - 1))
            throw new StateFileException("not a jipsec state file (bad magic)");
        if (file[MAGIC.length - 1] != MAGIC[MAGIC.length - 1])
            throw new StateFileException("unknown state file version " + (file[MAGIC.length - 1] & 0xff));
        int bodyLen = file.length - DIGEST;
        if (!MessageDigest.isEqual(sha256(file, bodyLen), Arrays.copyOfRange(file, bodyLen, file.length)))
            throw new StateFileException("checksum mismatch (torn or altered file)");
        ByteBuffer b = ByteBuffer.wrap(file, 0, bodyLen);
        b.position(MAGIC.length);
        long count = Integer.toUnsignedLong(b.getInt());
        if (count > MAX_RECORDS) throw new StateFileException("record count " + count + " over " + MAX_RECORDS);
        List<SequenceRecord> out = new ArrayList<>((int) Math.min(count, 4096));
        Set<SaIdentity> seen = new HashSet<>();
        for (long i = 0; i < count; i++) {
            if (b.remaining() < 6) throw new StateFileException("record " + i + " truncated");
            int satype = b.get() & 0xff;
            int alen = b.get() & 0xff;
            if (alen != 4 && alen != 16) throw new StateFileException("record " + i + ": address length " + alen);
            int spi = b.getInt();
            if (b.remaining() < 2 * alen + KeyFingerprint.LENGTH + 24)
                throw new StateFileException("record " + i + " truncated");
            byte[] src = new byte[alen];
            byte[] dst = new byte[alen];
            byte[] fp = new byte[KeyFingerprint.LENGTH];
            b.get(src).get(dst).get(fp);
            SequenceRecord r = new SequenceRecord(
                    new SaIdentity(satype, spi, src, dst, fp), b.getLong(), b.getLong(), b.getLong());
            if (!seen.add(r.id())) throw new StateFileException("record " + i + ": duplicate " + r.id().describe());
            out.add(r);
        }
        if (b.remaining() != 0) throw new StateFileException(b.remaining() + " bytes after the last record");
        return out;
    }

    private static byte[] sha256(byte[] b, int len) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            d.update(b, 0, len);
            return d.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
