package org.jipsec.cli.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The bench's one table: one row per metric, a column per case (bare veth, strongSwan, jipsec in UDP 4500, jipsec
 * raw ESP) and the ratios of the two jipsec columns to strongSwan and to the veth. Markdown, padded so that it also
 * reads in a terminal. Pure.
 */
public final class BenchTable {
    /** The cases, in column order, as the bench script names them. */
    public static final List<String> CASES = List.of("veth", "strongswan", "jipsec", "jipsec-raw");

    private static final List<String> HEAD = List.of(
            "metric",
            "unit",
            "veth",
            "strongSwan",
            "jipsec UDP",
            "jipsec raw",
            "UDP/sS",
            "raw/sS",
            "UDP/veth",
            "raw/veth");

    /**
     * One metric.
     *
     * @param metric   what was measured
     * @param unit     its unit
     * @param values   one value per {@link #CASES} entry, NaN where not measured
     * @param decimals digits after the point
     * @param ratios   whether the ratio columns are meaningful for this metric
     */
    public record Row(String metric, String unit, double[] values, int decimals, boolean ratios) {
        public Row {
            if (values.length != CASES.size()) throw new IllegalArgumentException("one value per case");
            values = values.clone();
        }
    }

    private BenchTable() {}

    /** {@code a / b}, or NaN when either is missing or {@code b} is not positive. */
    public static double ratio(double a, double b) {
        return Double.isFinite(a) && Double.isFinite(b) && b > 0 ? a / b : Double.NaN;
    }

    static String number(double v, int decimals) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%,." + decimals + "f", v) : "-";
    }

    static String times(double r) {
        return Double.isFinite(r) ? String.format(Locale.ROOT, "%.2f×", r) : "-";
    }

    /** The table, one line per row, each ending in a newline. */
    public static String format(List<Row> rows) {
        List<List<String>> cells = new ArrayList<>();
        cells.add(HEAD);
        for (Row r : rows) {
            double[] v = r.values();
            List<String> c = new ArrayList<>(List.of(r.metric(), r.unit()));
            for (double x : v) c.add(number(x, r.decimals()));
            boolean q = r.ratios();
            c.add(q ? times(ratio(v[2], v[1])) : "-");
            c.add(q ? times(ratio(v[3], v[1])) : "-");
            c.add(q ? times(ratio(v[2], v[0])) : "-");
            c.add(q ? times(ratio(v[3], v[0])) : "-");
            cells.add(c);
        }
        int[] w = new int[HEAD.size()];
        for (List<String> c : cells)
            for (int i = 0; i < w.length; i++) w[i] = Math.max(w[i], c.get(i).length());
        StringBuilder b = new StringBuilder();
        for (int k = 0; k < cells.size(); k++) {
            line(b, cells.get(k), w);
            if (k == 0) {
                List<String> rule = new ArrayList<>();
                for (int i = 0; i < w.length; i++) rule.add(i < 2 ? "-".repeat(w[i]) : "-".repeat(w[i] - 1) + ":");
                line(b, rule, w);
            }
        }
        return b.toString();
    }

    private static void line(StringBuilder b, List<String> c, int[] w) {
        b.append('|');
        for (int i = 0; i < w.length; i++) {
            String s = c.get(i);
            String pad = " ".repeat(w[i] - s.length());
            b.append(' ').append(i < 2 ? s + pad : pad + s).append(" |");
        }
        b.append('\n');
    }
}
