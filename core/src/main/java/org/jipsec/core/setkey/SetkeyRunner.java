package org.jipsec.core.setkey;

import java.io.IOException;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import org.jipsec.core.pfkey.Errno;
import org.jipsec.core.pfkey.KeyDebug;
import org.jipsec.core.pfkey.KeyEngine;
import org.jipsec.core.pfkey.PfkeyCodec;
import org.jipsec.core.pfkey.PfkeyException;
import org.jipsec.core.pfkey.PfkeyMessage;
import org.jipsec.core.pfkey.Sadb;
import org.jipsec.core.setkey.dump.SaDumpPrinter;
import org.jipsec.core.setkey.dump.SaShortDumpPrinter;
import org.jipsec.core.setkey.dump.SpdDumpPrinter;

/**
 * setkey(8) itself (ipsec-tools setkey.c; spec §2.1): the modes {@code -D}, {@code -DP}, {@code -F}, {@code -FP},
 * {@code -f FILE}, {@code -c}, {@code -x}, raw message files, {@code -V}, usage; the printing of replies
 * ({@code postproc}) and of errors. All I/O goes through the injected {@link Environment}, so the runner is pure.
 *
 * <p><b>Never half-applied silently.</b> NetBSD's setkey sends each statement as soon as the grammar has read it, so
 * a syntax error on line 7 leaves lines 1–6 applied. jipsec reads the whole input first ({@code -c} reads standard
 * input to its end): a syntax, key-length or policy error anywhere means nothing is sent, and the message names the
 * line ({@code line 7: syntax error at [foo]}, then {@code parse failed, line 7.}). Once sending has begun, a
 * statement the daemon refuses is reported as NetBSD does ({@code The result of line 7: Invalid argument.}) and the
 * remaining statements are still sent, as NetBSD does; at the end jipsec adds one line to standard error naming the
 * statements that were not applied ({@code setkey: 5 of 6 statements applied; not applied: line 7.}) and exits 1.
 */
public final class SetkeyRunner {

    /** What the runner needs from the outside world. */
    public interface Environment {
        /** Opens the PF_KEY channel (jipsecd's socket, or the embedded engine). */
        KeyChannel open() throws IOException;

        String readStdin() throws IOException;

        String readFile(String name) throws IOException;

        byte[] readBytes(String name) throws IOException;

        HostResolver resolver();

        /** Wall-clock time in microseconds since the epoch (dumps, -x time stamps). */
        long nowMicros();

        ZoneId zone();

        /** Waits between two -l rounds; throws to end the loop. */
        void sleepOneSecond() throws InterruptedException;

        /** The pid setkey puts in its requests. */
        int pid();
    }

    public static final String VERSION = "setkey @(#) jipsec (NetBSD/KAME setkey compatible)";

    private final Environment env;
    private final PrintWriter out;
    private final PrintWriter err;
    private SetkeyOptions o;

    public SetkeyRunner(Environment env, PrintWriter out, PrintWriter err) {
        this.env = env;
        this.out = out;
        this.err = err;
    }

    public static String usage() {
        return VERSION + "\n"
                + "usage: setkey [-v] file ...\n"
                + "       setkey [-nv] -c\n"
                + "       setkey [-nv] -f filename\n"
                + "       setkey [-Palpv] -D\n"
                + "       setkey [-Pv] -F\n"
                + "       setkey [-H] -x\n"
                + "       setkey [-V] [-h]\n"
                + "jipsec: [--pfkey PATH | --embedded] before the setkey options\n";
    }

    /** Runs one invocation; returns the exit status. */
    public int run(SetkeyOptions options) {
        this.o = options;
        try {
            return dispatch();
        } catch (IOException e) {
            err.println("setkey: " + e.getMessage());
            return 1;
        } catch (UnsupportedOperationException e) {
            err.println("setkey: " + e.getMessage());
            return 1;
        } finally {
            out.flush();
            err.flush();
        }
    }

    private int dispatch() throws IOException {
        if (o.rk()) err.println("warning: -r and -k options are not supported in this environment");
        if (o.version()) {
            out.println(VERSION);
            return 1;
        }
        if (o.usage()) {
            out.print(usage());
            return 1;
        }
        if (o.promisc() > 0) return promisc();
        if (o.dump()) return dumpMode();
        if (o.flush()) {
            try (KeyChannel ch = env.open()) {
                PfkeyMessage m = PfkeyMessage.of(o.policy() ? Sadb.SADB_X_SPDFLUSH : Sadb.SADB_FLUSH,
                        Sadb.SADB_SATYPE_UNSPEC, 0, env.pid(), List.of());
                return postproc(m, exchange(ch, m), null) ? 0 : 1;
            }
        }
        if (o.file() != null) return script(env.readFile(o.file()), true);
        if (o.stdin()) return script(env.readStdin(), false);
        if (!o.files().isEmpty()) return rawFiles();
        out.print(usage());
        return 1;
    }

    // ---- -f / -c -----------------------------------------------------------------------------------------

    private int script(String text, boolean scriptMode) throws IOException {
        KeyChannel ch = null;
        try {
            KeyLengthCheck check = KeyLengthCheck.TABLE;
            if (!o.noAction()) {
                ch = env.open();
                // setkey.c: SADB_REGISTER (satype UNSPEC) first, to learn the SUPPORTED lists (spec §2.1)
                PfkeyMessage reg = PfkeyMessage.of(Sadb.SADB_REGISTER, Sadb.SADB_SATYPE_UNSPEC, 0, env.pid(), List.of());
                List<PfkeyMessage> r = exchange(ch, reg);
                if (!r.isEmpty() && r.get(0).errno() == 0) check = KeyLengthCheck.fromRegisterReply(r.get(0));
            }
            SetkeyScript parsed;
            List<PfkeyMessage> msgs = new ArrayList<>();
            try {
                parsed = SetkeyParser.parse(text, env.resolver(), check);
                for (SetkeyStatement s : parsed.statements()) msgs.add(SetkeyMessages.build(s, env.pid()));
            } catch (SetkeyException e) {
                err.println(e.getMessage());
                err.println("parse failed, line " + e.line() + ".");
                return 1;
            }
            for (String w : parsed.warnings()) err.println(w);
            if (o.noAction()) return 0;
            List<Integer> failed = new ArrayList<>();
            int sent = 0;
            for (int i = 0; i < msgs.size(); i++) {
                PfkeyMessage m = msgs.get(i);
                if (m == null) break; // exit / quit / bye
                int line = parsed.statements().get(i).line();
                sent++;
                try {
                    if (!postproc(m, exchange(ch, m), scriptMode ? "The result of line " + line + ": " : "")) failed.add(line);
                } finally {
                    KeyEngine.wipeKeys(m); // the statement's keys, once sent
                }
            }
            for (PfkeyMessage m : msgs) if (m != null) KeyEngine.wipeKeys(m); // those after an exit, never sent
            if (!failed.isEmpty()) {
                StringBuilder b = new StringBuilder("setkey: ").append(sent - failed.size()).append(" of ").append(sent)
                        .append(" statements applied; not applied: line");
                if (failed.size() > 1) b.append('s');
                for (int k = 0; k < failed.size(); k++) b.append(k == 0 ? " " : ", ").append(failed.get(k));
                err.println(b.append('.'));
                return 1;
            }
            return 0;
        } finally {
            if (ch != null) ch.close();
        }
    }

    // ---- -D / -DP / -l -------------------------------------------------------------------------------------

    private int dumpMode() throws IOException {
        try (KeyChannel ch = env.open()) {
            PfkeyMessage m = PfkeyMessage.of(o.policy() ? Sadb.SADB_X_SPDDUMP : Sadb.SADB_DUMP, Sadb.SADB_SATYPE_UNSPEC,
                    0, env.pid(), List.of());
            if (!o.loop() || o.policy()) return postproc(m, exchange(ch, m), null) ? 0 : 1;
            // -l: short format, re-sent every second until interrupted
            out.print(SaShortDumpPrinter.header());
            while (true) {
                for (PfkeyMessage r : exchange(ch, m)) {
                    if (r.errno() != 0) continue;
                    if (!o.all() && r.sa().map(s -> s.state() == Sadb.SADB_SASTATE_DEAD).orElse(false)) continue;
                    out.print(SaShortDumpPrinter.format(r, nowSeconds(), env.zone()));
                }
                out.flush();
                try {
                    env.sleepOneSecond();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return 0;
                }
            }
        }
    }

    // ---- -x ------------------------------------------------------------------------------------------------

    private int promisc() throws IOException {
        try (KeyChannel ch = env.open()) {
            PfkeyMessage m = PfkeyMessage.of(Sadb.SADB_X_PROMISC, 1, 0, env.pid(), List.of());
            List<PfkeyMessage> r = exchange(ch, m);
            if (!r.isEmpty() && r.get(0).errno() != 0) return postproc(m, r, null) ? 0 : 1;
            while (true) {
                PfkeyMessage in = ch.receive();
                if (in == null) return 0;
                out.print(timestamp());
                if (o.hexdump()) out.print(hexdump(PfkeyCodec.encode(in)));
                out.print(KeyDebug.format(in, true));
                out.flush();
            }
        }
    }

    /** setkey.c printdate: {@code HH:MM:SS.usec } (-x) or {@code sec.usec } (-xx), then a newline. */
    private String timestamp() {
        long us = env.nowMicros();
        long sec = Math.floorDiv(us, 1_000_000L);
        long usec = Math.floorMod(us, 1_000_000L);
        if (o.promisc() > 1) return String.format("%d.%06d \n", sec, usec);
        ZonedDateTime t = Instant.ofEpochSecond(sec).atZone(env.zone());
        return String.format("%02d:%02d:%02d.%06d \n", t.getHour(), t.getMinute(), t.getSecond(), usec);
    }

    // ---- raw message files ---------------------------------------------------------------------------------

    private int rawFiles() throws IOException {
        for (String f : o.files()) {
            byte[] b = env.readBytes(f);
            int off = 0;
            while (off < b.length) {
                if (b.length - off < PfkeyCodec.BASE_BYTES) {
                    out.println("invalid keymsg length");
                    break;
                }
                int len = ((b[off + 4] & 0xff) | (b[off + 5] & 0xff) << 8) * 8; // sadb_msg_len, host order (LE)
                if (len < PfkeyCodec.BASE_BYTES || len > b.length - off) {
                    out.println("invalid keymsg length");
                    break;
                }
                try {
                    PfkeyMessage m = PfkeyCodec.decode(b, off, len, Sadb.MAX_MESSAGE_BYTES);
                    if (o.verbose()) out.print(KeyDebug.format(m, true));
                    printReply(m, false);
                } catch (PfkeyException e) {
                    out.println(e.getMessage());
                }
                off += len;
            }
        }
        return 0;
    }

    // ---- exchange and postproc -----------------------------------------------------------------------------

    private List<PfkeyMessage> exchange(KeyChannel ch, PfkeyMessage m) throws IOException {
        if (o.verbose()) out.print(KeyDebug.format(m, true));
        if (o.hexdump()) out.print(hexdump(PfkeyCodec.encode(m)));
        List<PfkeyMessage> r = ch.exchange(m);
        if (r.isEmpty()) throw new IOException("no reply from the key engine");
        for (PfkeyMessage x : r) {
            if (o.verbose()) out.print(KeyDebug.format(x, true));
            if (o.hexdump()) out.print(hexdump(PfkeyCodec.encode(x)));
        }
        return r;
    }

    /**
     * setkey.c postproc for the replies of one request: an error reply prints {@code <prefix><text>.} and fails
     * ({@code prefix} null: no prefix); dumps and GETs are printed.
     */
    private boolean postproc(PfkeyMessage request, List<PfkeyMessage> replies, String prefix) {
        PfkeyMessage first = replies.get(0);
        if (first.errno() != 0) {
            String text = null;
            if (first.errno() == Errno.ENOENT.number()) {
                text = switch (request.type()) {
                    case Sadb.SADB_DELETE, Sadb.SADB_GET, Sadb.SADB_X_SPDDELETE -> "No entry";
                    case Sadb.SADB_DUMP -> "No SAD entries";
                    case Sadb.SADB_X_SPDDUMP -> "No SPD entries";
                    default -> null;
                };
            }
            if (text == null) text = Errno.describe(first.errno());
            out.println((prefix == null ? "" : prefix) + text + ".");
            // an empty dump is not a failure of the statement
            return first.errno() == Errno.ENOENT.number()
                    && (request.type() == Sadb.SADB_DUMP || request.type() == Sadb.SADB_X_SPDDUMP);
        }
        for (PfkeyMessage r : replies) printReply(r, true);
        return true;
    }

    private void printReply(PfkeyMessage r, boolean filterDead) {
        switch (r.type()) {
            case Sadb.SADB_DUMP -> {
                if (filterDead && !o.all() && r.sa().map(s -> s.state() == Sadb.SADB_SASTATE_DEAD).orElse(false)) return;
                out.print(SaDumpPrinter.format(r, o.ports(), nowSeconds(), env.zone()));
            }
            case Sadb.SADB_GET -> out.print(SaDumpPrinter.format(r, o.ports(), nowSeconds(), env.zone()));
            case Sadb.SADB_X_SPDDUMP, Sadb.SADB_X_SPDGET -> out.print(SpdDumpPrinter.format(r, o.ports(), env.zone()));
            default -> { }
        }
    }

    private long nowSeconds() {
        return Math.floorDiv(env.nowMicros(), 1_000_000L);
    }

    /** setkey.c hexdump: {@code %08x: } offsets, {@code %02x } bytes, 16 per line. */
    static String hexdump(byte[] p) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < p.length; i++) {
            if (i % 16 == 0) b.append(String.format("%08x: ", i));
            b.append(String.format("%02x ", p[i] & 0xff));
            if (i % 16 == 15) b.append('\n');
        }
        if (p.length % 16 != 0) b.append('\n');
        return b.toString();
    }
}
