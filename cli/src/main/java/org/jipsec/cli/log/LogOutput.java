package org.jipsec.cli.log;

import java.io.PrintWriter;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;

/**
 * Where jipsec's {@link System.Logger}s write (issue #18): one line per message on standard error (or the writer a
 * command sets), at or above the level in force — INFO, or DEBUG while {@code net.inet.ipsec.debug} is non-zero (as
 * NetBSD's {@code ipsec_debug} turns on its {@code IPSECLOG(LOG_DEBUG, …)} lines) — with sd-daemon(3) priority prefixes
 * ({@code <3>} error, {@code <4>} warning, {@code <6>} info, {@code <7>} debug) when standard error is the journal
 * ({@code JOURNAL_STREAM}); repeats of one message rate-limited ({@link RateLimiter}: 5 per 10 s, then "… repeated N
 * times"); and anything that looks like key material (0x followed by 16 or more hex digits) replaced before it is
 * written, a last guard behind the rule that keys are never logged.
 */
public final class LogOutput {

    private static final Pattern KEYLIKE = Pattern.compile("0x[0-9a-fA-F]{16,}");

    private static volatile LogOutput current =
            new LogOutput(null, journalFromEnvironment(), System::currentTimeMillis);

    private final PrintWriter writer; // null: System.err at each write
    private final boolean journal;
    private final LongSupplier clock;
    private final RateLimiter limiter = new RateLimiter(10_000, 5, 256);
    private volatile BooleanSupplier debug = () -> false;

    LogOutput(PrintWriter writer, boolean journal, LongSupplier clock) {
        this.writer = writer;
        this.journal = journal;
        this.clock = clock;
    }

    /** The output in force. */
    public static LogOutput current() {
        return current;
    }

    /** Sends log lines to {@code writer} from now on (a command's standard error); the journal check stays. */
    public static LogOutput use(PrintWriter writer) {
        LogOutput o = new LogOutput(writer, journalFromEnvironment(), System::currentTimeMillis);
        o.debug = current.debug;
        current = o;
        return o;
    }

    /** DEBUG lines are written while {@code on} says so (read at each message: a sysctl change takes effect at once). */
    public static void debugWhile(BooleanSupplier on) {
        current.debug = on;
    }

    boolean enabled(String logger, Level level) {
        if (level == Level.OFF) return false;
        Level min = debug.getAsBoolean() && logger.startsWith("jipsec") ? Level.DEBUG : Level.INFO;
        if (!logger.startsWith("jipsec") && min.compareTo(Level.WARNING) < 0) min = Level.WARNING; // the JDK's own
        return level.getSeverity() >= min.getSeverity();
    }

    void write(String logger, Level level, String message) {
        write(level, message, true);
    }

    /**
     * Writes without the level check; {@code limited} false for what a user asked for (SIGUSR1's counters), which is
     * never held back as a repeat.
     */
    public void write(Level level, String message, boolean limited) {
        String text = KEYLIKE.matcher(message == null ? "null" : message).replaceAll("0x<hidden>");
        String prefix = journal ? "<" + priority(level) + ">" : "";
        PrintWriter w =
                writer != null ? writer : new PrintWriter(System.err, true, java.nio.charset.StandardCharsets.UTF_8);
        synchronized (this) {
            RateLimiter.Decision d = limited
                    ? limiter.offer(text, clock.getAsLong())
                    : new RateLimiter.Decision(limiter.expired(clock.getAsLong()), true);
            List<String> lines = d.summaries();
            synchronized (w) {
                for (String s : lines) w.println((journal ? "<6>" : "") + s);
                if (d.print()) {
                    for (String l : text.split("\n", -1)) w.println(prefix + l); // the journal takes one line per entry
                }
                w.flush();
            }
        }
    }

    /** syslog priority of a level (sd-daemon(3)). */
    static int priority(Level level) {
        return switch (level) {
            case ERROR -> 3;
            case WARNING -> 4;
            case INFO -> 6;
            default -> 7;
        };
    }

    /**
     * True when standard error is connected to the journal: {@code JOURNAL_STREAM} (device:inode) names the same file
     * as file descriptor 2 (systemd.exec(5)); when that cannot be checked, the variable alone decides.
     */
    static boolean journalFromEnvironment() {
        String js = System.getenv("JOURNAL_STREAM");
        if (js == null || !js.matches("\\d+:\\d+")) return false;
        try {
            Path fd2 = Path.of("/proc/self/fd/2");
            Object dev = Files.getAttribute(fd2, "unix:dev"), ino = Files.getAttribute(fd2, "unix:ino");
            return js.equals(dev + ":" + ino);
        } catch (Exception e) {
            return true;
        }
    }
}
