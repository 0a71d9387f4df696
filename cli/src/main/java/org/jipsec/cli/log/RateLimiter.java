package org.jipsec.cli.log;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Repeats of one log message, limited: within a window of {@code windowMillis}, the first {@code burst} copies of a
 * message pass and the rest are counted; once the window is over, the next message of any kind first releases the
 * count as "… repeated N times" (syslogd's "last message repeated N times", per message rather than only the last).
 * At most {@code maxKeys} messages are tracked; the oldest is released (and its count reported) to make room. Pure:
 * the clock is passed in. Not thread-safe: the caller serialises.
 */
final class RateLimiter {

    /** What to print for one message: the summaries of repeats whose window ended, then the message or nothing. */
    record Decision(List<String> summaries, boolean print) {}

    private static final class Window {
        long start;
        int passed;
        long suppressed;
    }

    private final long windowMillis;
    private final int burst;
    private final int maxKeys;
    private final LinkedHashMap<String, Window> windows = new LinkedHashMap<>();

    RateLimiter(long windowMillis, int burst, int maxKeys) {
        if (windowMillis <= 0 || burst < 1 || maxKeys < 1) throw new IllegalArgumentException();
        this.windowMillis = windowMillis;
        this.burst = burst;
        this.maxKeys = maxKeys;
    }

    Decision offer(String message, long nowMillis) {
        List<String> out = expired(nowMillis);
        Window w = windows.get(message);
        if (w == null) {
            if (windows.size() >= maxKeys) {
                Map.Entry<String, Window> oldest = windows.entrySet().iterator().next();
                if (oldest.getValue().suppressed > 0) out.add(summary(oldest.getKey(), oldest.getValue().suppressed));
                windows.remove(oldest.getKey());
            }
            w = new Window();
            w.start = nowMillis;
            windows.put(message, w);
        }
        if (w.passed < burst) {
            w.passed++;
            return new Decision(out, true);
        }
        w.suppressed++;
        return new Decision(out, false);
    }

    /** The summaries of windows that ended by {@code nowMillis} (those messages may pass again). */
    List<String> expired(long nowMillis) {
        List<String> out = new ArrayList<>();
        for (Iterator<Map.Entry<String, Window>> it = windows.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, Window> e = it.next();
            if (nowMillis - e.getValue().start < windowMillis) continue;
            if (e.getValue().suppressed > 0) out.add(summary(e.getKey(), e.getValue().suppressed));
            it.remove();
        }
        return out;
    }

    static String summary(String message, long n) {
        String m = message.length() > 120 ? message.substring(0, 117) + "..." : message;
        return "\"" + m + "\" repeated " + n + (n == 1 ? " time" : " times");
    }
}
