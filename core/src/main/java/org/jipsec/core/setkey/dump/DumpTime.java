package org.jipsec.core.setkey.dump;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;

/**
 * libipsec {@code str_time}: 20 characters, blanks for 0, otherwise {@code ctime(3) + 4} ({@code "Mon DD HH:MM:SS
 * YYYY"}, day padded with a space) in the given zone. The zone is injected so that golden outputs are stable.
 */
public final class DumpTime {
    private DumpTime() {}

    private static final String[] MONTHS = {
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"
    };

    public static String format(long epochSeconds, ZoneId zone) {
        if (epochSeconds == 0) return " ".repeat(20);
        ZonedDateTime t;
        try {
            t = Instant.ofEpochSecond(epochSeconds).atZone(zone);
        } catch (java.time.DateTimeException e) {
            return "?".repeat(20); // ctime(3) returned NULL
        }
        return String.format(
                SaDumpPrinter.NO_LOCALE,
                "%s %2d %02d:%02d:%02d %d",
                MONTHS[t.getMonthValue() - 1],
                t.getDayOfMonth(),
                t.getHour(),
                t.getMinute(),
                t.getSecond(),
                t.getYear());
    }
}
