package org.jipsec.core.sysctl;

/**
 * One leaf of the sysctl tree (spec §5): an integer variable, or a read-only structure (statistics
 * counters, PF_KEY dumps) whose bytes are produced on demand by the subsystem that owns them.
 */
public sealed interface SysctlNode permits SysctlNode.IntNode, SysctlNode.StructNode {

    /** The full dotted name, e.g. {@code net.inet.ipsec.def_policy}. */
    String name();

    /** The MIB leaf number from spec §5, or -1 for a dynamically numbered node. */
    int leaf();

    boolean readOnly();

    /** One-line description (what the spec says the variable means). */
    String description();

    /**
     * An integer variable (CTLTYPE_INT).
     *
     * @param validator null when any int is stored (no handler in NetBSD); otherwise the handler's rule
     */
    record IntNode(
            String name, int leaf, int defaultValue, boolean readOnly, IntValidator validator, String description)
            implements SysctlNode {}

    /** A read-only structure (CTLTYPE_STRUCT); its bytes come from a supplier bound later. */
    record StructNode(String name, int leaf, String description) implements SysctlNode {
        @Override
        public boolean readOnly() {
            return true;
        }
    }

    /** A handler's validation rule for an integer write. */
    @FunctionalInterface
    interface IntValidator {
        /** Returns null if {@code value} is acceptable, otherwise the reason it is refused (EINVAL). */
        String refuse(int value);

        /** Accepts {@code min ≤ value ≤ max}. */
        static IntValidator range(int min, int max) {
            return v -> v >= min && v <= max
                    ? null
                    : "invalid value " + v + " (allowed: " + min + " to "
                            + (max == Integer.MAX_VALUE ? "2147483647" : max) + ")";
        }

        /** Accepts exactly the listed values. */
        static IntValidator oneOf(int... allowed) {
            return v -> {
                for (int a : allowed) if (a == v) return null;
                StringBuilder sb = new StringBuilder("invalid value ").append(v).append(" (allowed:");
                for (int a : allowed) sb.append(' ').append(a);
                return sb.append(')').toString();
            };
        }
    }
}
