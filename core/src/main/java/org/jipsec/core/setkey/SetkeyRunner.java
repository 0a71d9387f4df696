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
 * <p><b>Two ways to run a script.</b> By default setkey behaves as NetBSD's: each statement is sent as soon as it is
 * read, and every message (syntax errors, refusals) goes to standard output; {@code -c} always ends with status 0,
 * {@code -f} with 1 only for a syntax error (the statements before it stay applied). NetBSD's own tests and scripts
 * rely on that ({@link #fileScript}, {@link #stdinScript}). jipsec's {@code -s} (strict) reads the whole input first:
 * a syntax, key-length or policy error anywhere means nothing is sent ({@code line 7: syntax error at [foo]}, then
 * {@code parse failed, line 7.}, on standard error); a statement the daemon refuses is reported as NetBSD does
 * ({@code The result of line 7: Invalid argument.}) and the rest is still sent; at the end one line on standard
 * error names the statements that were not applied ({@code setkey: 5 of 6 statements applied; not applied: line 7.})
 * and the status is 1.
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
                + "jipsec: [--pfkey PATH | --embedded] before the setkey options; -s: strict (parse all first, stop\n"
                + "        at the first error, errors on stderr, exit 1 on any refusal)\n";
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
                PfkeyMessage m = PfkeyMessage.of(
                        o.policy() ? Sadb.SADB_X_SPDFLUSH : Sadb.SADB_FLUSH,
                        Sadb.SADB_SATYPE_UNSPEC,
                        0,
                        env.pid(),
                        List.of());
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
                PfkeyMessage reg =
                        PfkeyMessage.of(Sadb.SADB_REGISTER, Sadb.SADB_SATYPE_UNSPEC, 0, env.pid(), List.of());
                List<PfkeyMessage> r = exchange(ch, reg);
                if (!r.isEmpty() && r.get(0).errno() == 0) check = KeyLengthCheck.fromRegisterReply(r.get(0));
            }
            if (o.strict()) return strictScript(text, scriptMode, ch, check);
            return scriptMode ? fileScript(text, ch, check) : stdinScript(text, ch, check);
        } finally {
            if (ch != null) ch.close();
        }
    }

    /**
     * {@code -f FILE} as NetBSD's setkey runs it (setkey.c {@code parse}, token.l {@code yyerror}): each statement is
     * sent as soon as it is read; a refusal prints {@code The result of line N: <error>.} on standard output and the
     * rest goes on; a syntax error prints {@code line N: <msg> at [<token>]} and {@code parse failed, line N.} on
     * standard output and ends setkey with status 1, the statements before it applied; a character the lexer cannot
     * read is token.l's yyfatal (its message, status 1). Otherwise the status is 0, refusals or not.
     */
    private int fileScript(String text, KeyChannel ch, KeyLengthCheck check) throws IOException {
        List<Token> toks;
        SetkeyException lexError = null;
        try {
            toks = SetkeyLexer.tokenize(text);
        } catch (SetkeyException e) {
            lexError = e;
            toks = tokensBefore(text, e.line());
        }
        SetkeyParser p = SetkeyParser.over(toks, env.resolver(), check);
        while (!p.atEnd()) {
            List<PfkeyMessage> msgs = new ArrayList<>();
            try {
                for (SetkeyStatement st : p.nextStatement()) msgs.add(SetkeyMessages.build(st, env.pid()));
            } catch (SetkeyException e) {
                if (lexError != null && p.atEnd()) break; // the statement the unreadable character cut short
                out.println(e.getMessage());
                out.println("parse failed, line " + e.line() + ".");
                return 1;
            }
            for (String w : p.takeWarnings()) out.println(w);
            if (send(ch, msgs, "The result of line " + p.lastLine() + ": ")) return 0;
        }
        if (lexError != null) {
            out.println(lexError.getMessage());
            return 1;
        }
        return 0;
    }

    /** The tokens of the lines before {@code line} (where the lexer failed). */
    private static List<Token> tokensBefore(String text, int line) {
        int end = 0;
        for (int l = 1; l < line && end >= 0; l++) {
            end = text.indexOf('\n', end);
            if (end >= 0) end++;
        }
        try {
            return SetkeyLexer.tokenize(end <= 0 ? "" : text.substring(0, end));
        } catch (SetkeyException e) {
            return List.of(new Token(Token.Kind.EOF, "", 1));
        }
    }

    /**
     * {@code -c} as NetBSD's setkey runs it (setkey.c {@code stdin_loop}): standard input is read line by line,
     * {@code #} starts a comment, lines are joined with a space, and every piece up to a {@code ;} is parsed and sent
     * on its own; a syntax error prints {@code line N: <msg> at [<token>]} on standard output and the next statement
     * is read; a refusal prints {@code <error>.} (no line prefix); {@code exit} stops. The status is 0 (NetBSD's
     * tests rely on it: t_ipsec_esp_keys expects {@code exit:0} with {@code Invalid key length} on stdout). NetBSD
     * prints {@code line 0} in this mode (its line counter is never set for -c); jipsec names the line the statement
     * started on.
     */
    private int stdinScript(String text, KeyChannel ch, KeyLengthCheck check) throws IOException {
        StringBuilder pending = new StringBuilder();
        int pendingLine = 1;
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String r = lines[i];
            int hash = r.indexOf('#');
            if (hash >= 0) r = r.substring(0, hash);
            if (r.isEmpty()) continue;
            if (pending.isEmpty()) pendingLine = i + 1;
            if (!pending.isEmpty()) pending.append(' ');
            pending.append(r);
            int semi;
            while ((semi = pending.indexOf(";")) >= 0) {
                String chunk = pending.substring(0, semi + 1);
                pending.delete(0, semi + 1);
                if (stdinStatement(chunk, pendingLine, ch, check)) return 0;
                pendingLine = i + 1;
            }
        }
        return 0;
    }

    /** One {@code -c} statement; true when it was {@code exit}. */
    private boolean stdinStatement(String chunk, int line, KeyChannel ch, KeyLengthCheck check) throws IOException {
        List<Token> toks;
        try {
            toks = SetkeyLexer.tokenize("\n".repeat(line - 1) + chunk);
        } catch (SetkeyException e) {
            out.println(e.getMessage());
            return false;
        }
        SetkeyParser p = SetkeyParser.over(toks, env.resolver(), check);
        List<PfkeyMessage> msgs = new ArrayList<>();
        try {
            while (!p.atEnd())
                for (SetkeyStatement st : p.nextStatement()) msgs.add(SetkeyMessages.build(st, env.pid()));
        } catch (SetkeyException e) {
            out.println(e.getMessage());
            return false;
        }
        for (String w : p.takeWarnings()) out.println(w);
        return send(ch, msgs, "");
    }

    /** Sends each request and prints the refusals (postproc); true at {@code exit}. */
    private boolean send(KeyChannel ch, List<PfkeyMessage> msgs, String prefix) throws IOException {
        try {
            for (PfkeyMessage m : msgs) {
                if (m == null) return true; // exit / quit / bye
                if (!o.noAction()) postproc(m, exchange(ch, m), prefix);
            }
            return false;
        } finally {
            for (PfkeyMessage m : msgs) if (m != null) KeyEngine.wipeKeys(m); // the statements' keys, once sent
        }
    }

    /**
     * jipsec's {@code -s}: the whole input is parsed before anything is sent (nothing half-applied by a syntax error);
     * parse errors go to standard error with status 1; refusals are reported per line as NetBSD does and the rest is
     * still sent, then one line on standard error names what was not applied, and the status is 1.
     */
    private int strictScript(String text, boolean scriptMode, KeyChannel ch, KeyLengthCheck check) throws IOException {
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
            if (!postproc(m, exchange(ch, m), scriptMode ? "The result of line " + line + ": " : "")) failed.add(line);
        }
        for (PfkeyMessage m : msgs) if (m != null) KeyEngine.wipeKeys(m); // the statements' keys, once sent
        if (!failed.isEmpty()) {
            StringBuilder b = new StringBuilder("setkey: ")
                    .append(sent - failed.size())
                    .append(" of ")
                    .append(sent)
                    .append(" statements applied; not applied: line");
            if (failed.size() > 1) b.append('s');
            for (int k = 0; k < failed.size(); k++)
                b.append(k == 0 ? " " : ", ").append(failed.get(k));
            err.println(b.append('.'));
            return 1;
        }
        return 0;
    }

    // ---- -D / -DP / -l -------------------------------------------------------------------------------------

    private int dumpMode() throws IOException {
        try (KeyChannel ch = env.open()) {
            PfkeyMessage m = PfkeyMessage.of(
                    o.policy() ? Sadb.SADB_X_SPDDUMP : Sadb.SADB_DUMP,
                    Sadb.SADB_SATYPE_UNSPEC,
                    0,
                    env.pid(),
                    List.of());
            if (!o.loop() || o.policy()) return postproc(m, exchange(ch, m), null) ? 0 : 1;
            // -l: short format, re-sent every second until interrupted
            out.print(SaShortDumpPrinter.header());
            while (true) {
                for (PfkeyMessage r : exchange(ch, m)) {
                    if (r.errno() != 0) continue;
                    if (!o.all()
                            && r.sa().map(s -> s.state() == Sadb.SADB_SASTATE_DEAD)
                                    .orElse(false)) continue;
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
            // setkey.c postproc: ENOENT on any other request leaves errmsg NULL, which NetBSD's printf prints as
            // "(null)" (e.g. update of an SA whose head does not exist: key_api_update's ENOENT)
            if (text == null) text = first.errno() == Errno.ENOENT.number() ? "(null)" : Errno.describe(first.errno());
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
                if (filterDead
                        && !o.all()
                        && r.sa().map(s -> s.state() == Sadb.SADB_SASTATE_DEAD).orElse(false)) return;
                out.print(SaDumpPrinter.format(r, o.ports(), nowSeconds(), env.zone()));
            }
            case Sadb.SADB_GET -> out.print(SaDumpPrinter.format(r, o.ports(), nowSeconds(), env.zone()));
            case Sadb.SADB_X_SPDDUMP, Sadb.SADB_X_SPDGET -> out.print(SpdDumpPrinter.format(r, o.ports(), env.zone()));
            default -> {}
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
