package org.jipsec.core.sysctl;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.function.BooleanSupplier;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import org.jipsec.core.sysctl.SysctlException.Errno;
import org.jipsec.core.sysctl.SysctlNode.IntNode;
import org.jipsec.core.sysctl.SysctlNode.StructNode;

/**
 * The one sysctl tree of jipsec: every variable of spec §5 ({@code net.inet.ipsec.*},
 * {@code net.inet6.ipsec6.*}, the protocol statistics nodes and {@code net.key.*}) with NetBSD's
 * defaults, handler validation, read-only nodes and shared storage (the IPv6 {@code debug},
 * {@code enabled} and {@code used} are the IPv4 variables, as in ipsec_netbsd.c).
 *
 * <p>Two kinds of writes: {@link #write} is what a user's sysctl(3) call does (read-only → EPERM,
 * handler refusal → EINVAL/EBUSY); {@link #setInternal} is the kernel-side store an engine uses
 * (e.g. setting {@code used}, or the deflev fix-up of spec §4.8), which skips validation. Both fire
 * the change listeners, so the gateway can apply a write at once. Thread-safe: values live in an
 * atomic array, listeners in copy-on-write lists.
 */
public final class Sysctl {

    /**
     * The largest {@code net.key.spi_try}: GETSPI checks up to that many candidate SPIs against the SAD under the key
     * engine's lock (the candidates are drawn outside it), so the bound is the bound on that work.
     */
    public static final int SPI_TRY_MAX = 100_000;

    /** Called after a variable changed (only when the value actually changed). */
    @FunctionalInterface
    public interface ChangeListener {
        void changed(String name, int oldValue, int newValue);
    }

    /** A typed handle on one integer variable, for the engines' hot paths (no name lookup). */
    public record IntHandle(Sysctl tree, String name, int slot) {
        public int get() {
            return tree.values.get(slot);
        }
    }

    private final List<SysctlNode> order = new ArrayList<>();
    private final Map<String, SysctlNode> byName = new LinkedHashMap<>();
    private final Map<String, Integer> slotOf = new LinkedHashMap<>();
    private final AtomicIntegerArray values;
    private final Map<String, List<ChangeListener>> listeners = new ConcurrentHashMap<>();
    private final Map<String, Supplier<byte[]>> structSuppliers = new ConcurrentHashMap<>();
    private volatile IntFunction<byte[]> dumpSa;
    private volatile BooleanSupplier policiesExist = () -> false;

    private Sysctl(SysctlTreeBuilder builder) {
        int[] initial = new int[builder.slotDefaults.size()];
        for (int i = 0; i < initial.length; i++) initial[i] = builder.slotDefaults.get(i);
        this.values = new AtomicIntegerArray(initial);
        for (SysctlNode n : builder.nodes) {
            order.add(n);
            byName.put(n.name(), n);
        }
        slotOf.putAll(builder.slots);
    }

    /** A fresh tree with NetBSD's defaults (spec §5). */
    public static Sysctl withNetbsdDefaults() {
        return new Sysctl(SysctlTreeBuilder.netbsd());
    }

    /** All nodes in {@code sysctl -a} order (MIB number order: net.inet, net.inet6, net.key). */
    public List<SysctlNode> nodes() {
        return Collections.unmodifiableList(order);
    }

    /** The node of that name, or null. */
    public SysctlNode node(String name) {
        return byName.get(name);
    }

    /** {@code name = value} lines of every integer variable, in {@code sysctl -a} order. */
    public List<String> listing() {
        List<String> out = new ArrayList<>();
        for (SysctlNode n : order) {
            if (n instanceof IntNode i) out.add(i.name() + " = " + values.get(slotOf.get(i.name())));
        }
        return out;
    }

    /** Engine-side read of a known integer variable; unknown names are a programming error. */
    public int intValue(String name) {
        Integer slot = slotOf.get(name);
        if (slot == null) throw new IllegalArgumentException("no integer sysctl " + name);
        return values.get(slot);
    }

    /** A typed handle for hot paths. */
    public IntHandle handle(String name) {
        Integer slot = slotOf.get(name);
        if (slot == null) throw new IllegalArgumentException("no integer sysctl " + name);
        return new IntHandle(this, name, slot);
    }

    /** User-side read of an integer variable. */
    public int read(String name) throws SysctlException {
        SysctlNode n = requireNode(name);
        if (!(n instanceof IntNode)) throw new SysctlException(Errno.EINVAL, name, "is a structure, not an integer");
        return values.get(slotOf.get(name));
    }

    /**
     * User-side write, as sysctl(3) with a new value: read-only → EPERM; the handler's rule (spec §5)
     * refuses bad values with EINVAL; {@code enabled = 0} while policies exist → EBUSY.
     */
    public synchronized void write(String name, int value) throws SysctlException {
        SysctlNode n = requireNode(name);
        if (!(n instanceof IntNode node)) throw new SysctlException(Errno.EPERM, name, "read-only structure");
        if (node.readOnly()) throw new SysctlException(Errno.EPERM, name, "read-only variable");
        if (node.validator() != null) {
            String reason = node.validator().refuse(value);
            if (reason != null) throw new SysctlException(Errno.EINVAL, name, reason);
        }
        int slot = slotOf.get(name);
        // key_do_getnewspi draws from [spi_min_value, spi_max_value] (unsigned): an empty range is refused here
        if (name.equals(SysctlNames.KEY_SPI_MIN_VALUE)
                && Integer.compareUnsigned(value, intValue(SysctlNames.KEY_SPI_MAX_VALUE)) > 0) {
            throw new SysctlException(
                    Errno.EINVAL,
                    name,
                    "invalid value " + Integer.toUnsignedString(value) + " (above net.key.spi_max_value "
                            + Integer.toUnsignedString(intValue(SysctlNames.KEY_SPI_MAX_VALUE)) + ")");
        }
        if (name.equals(SysctlNames.KEY_SPI_MAX_VALUE)
                && Integer.compareUnsigned(value, intValue(SysctlNames.KEY_SPI_MIN_VALUE)) < 0) {
            throw new SysctlException(
                    Errno.EINVAL,
                    name,
                    "invalid value " + Integer.toUnsignedString(value) + " (below net.key.spi_min_value "
                            + Integer.toUnsignedString(intValue(SysctlNames.KEY_SPI_MIN_VALUE)) + ")");
        }
        if (slot == slotOf.get(SysctlNames.IPSEC_ENABLED)) {
            // spec §4.12 / §5.1: 0 refused while any SP exists; 2 forces `used`
            if (value == 0 && policiesExist.getAsBoolean()) {
                throw new SysctlException(Errno.EBUSY, name, "IPsec policies exist; cannot disable");
            }
            store(slot, value);
            updateUsed(policiesExist.getAsBoolean()); // ipsec_netbsd.c sysctl_net_ipsec_enabled → key_update_used
            return;
        }
        store(slot, value);
    }

    /**
     * NetBSD key.c {@code key_update_used}, called when a policy is added (key_api_spdadd, key_kpi_spdadd,
     * key_socksplist_add), destroyed (key_destroy_sp) and when {@code enabled} is written: with {@code enabled} 1,
     * {@code used} becomes 1 once any policy exists and stays 1 (only an unset {@code used} is recomputed); with 2
     * it is forced to 1; with 0 it is left alone (the reset is {@code #ifdef notyet} in NetBSD).
     *
     * @param policiesExist key_get_used(): whether any SPD entry or per-socket policy exists now
     */
    public void updateUsed(boolean policiesExist) {
        switch (intValue(SysctlNames.IPSEC_ENABLED)) {
            case 1 -> {
                if (intValue(SysctlNames.IPSEC_USED) == 0 && policiesExist) setInternal(SysctlNames.IPSEC_USED, 1);
            }
            case 2 -> setInternal(SysctlNames.IPSEC_USED, 1);
            default -> {}
        }
    }

    /** Kernel-side store: no read-only or handler check (e.g. {@code used}, deflev fix-ups). */
    public void setInternal(String name, int value) {
        Integer slot = slotOf.get(name);
        if (slot == null) throw new IllegalArgumentException("no integer sysctl " + name);
        store(slot, value);
    }

    private void store(int slot, int value) {
        int old = values.getAndSet(slot, value);
        if (old == value) return;
        // every name sharing the slot is notified (net.inet6.ipsec6.enabled is net.inet.ipsec.enabled)
        for (Map.Entry<String, Integer> e : slotOf.entrySet()) {
            if (e.getValue() != slot) continue;
            List<ChangeListener> ls = listeners.get(e.getKey());
            if (ls != null) for (ChangeListener l : ls) l.changed(e.getKey(), old, value);
        }
    }

    public void addListener(String name, ChangeListener listener) {
        requireKnown(name);
        listeners.computeIfAbsent(name, k -> new CopyOnWriteArrayList<>()).add(Objects.requireNonNull(listener));
    }

    /** Tells the tree whether any SP exists (for the EBUSY rule of {@code enabled}). */
    public void setPoliciesExist(BooleanSupplier supplier) {
        this.policiesExist = Objects.requireNonNull(supplier);
    }

    /** Binds the producer of a read-only structure node (statistics counters, {@code dumpsp}). */
    public void bindStruct(String name, Supplier<byte[]> supplier) {
        if (!(byName.get(name) instanceof StructNode)) throw new IllegalArgumentException("no struct sysctl " + name);
        structSuppliers.put(name, Objects.requireNonNull(supplier));
    }

    /** Binds the producer of {@code net.key.dumpsa.<satype>} (SADB_DUMP messages concatenated). */
    public void bindDumpSa(IntFunction<byte[]> perSatype) {
        this.dumpSa = Objects.requireNonNull(perSatype);
    }

    /**
     * Reads a structure node; {@code net.key.dumpsa.<satype>} takes the SA type as last component
     * (spec §5.4: wrong name length → EINVAL). A structure no subsystem of this process serves (a tree without an
     * engine, e.g. {@code sysctl --embedded} or a unit test) is refused with ENOENT and says so: NetBSD has the node
     * only when the subsystem is there (a kernel without IPsec has no {@code net.inet.ipsec.ipsecstats}; netstat's
     * fast_ipsec.c treats ENOENT as "not available"), rather than answering with zero bytes.
     */
    public byte[] readStruct(String name) throws SysctlException {
        if (name.startsWith(SysctlNames.KEY_DUMPSA + ".")) {
            String rest = name.substring(SysctlNames.KEY_DUMPSA.length() + 1);
            int satype;
            try {
                satype = Integer.parseInt(rest);
            } catch (NumberFormatException e) {
                throw new SysctlException(Errno.EINVAL, name, "SA type must be a number");
            }
            if (satype < 0 || satype > 255) throw new SysctlException(Errno.EINVAL, name, "SA type out of range");
            IntFunction<byte[]> d = dumpSa;
            if (d == null)
                throw new SysctlException(Errno.ENOENT, name, "not served here: no key engine bound to this tree");
            return d.apply(satype);
        }
        SysctlNode n = requireNode(name);
        if (name.equals(SysctlNames.KEY_DUMPSA)) throw new SysctlException(Errno.EINVAL, name, "needs an SA type");
        if (!(n instanceof StructNode)) throw new SysctlException(Errno.EINVAL, name, "is an integer, not a structure");
        Supplier<byte[]> s = structSuppliers.get(name);
        if (s == null) {
            throw new SysctlException(
                    Errno.ENOENT, name, "not served here: no engine bound to this tree (" + n.description() + ")");
        }
        return s.get();
    }

    /** Counters as NetBSD exports them: uint64 each, host order (amd64: little-endian). */
    public static byte[] counters(long[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : values) b.putLong(v);
        return b.array();
    }

    private SysctlNode requireNode(String name) throws SysctlException {
        SysctlNode n = byName.get(name);
        if (n == null) {
            String prefix = name + ".";
            for (String k : byName.keySet()) {
                if (k.startsWith(prefix)) throw new SysctlException(Errno.ENOTDIR, name, "is a node, not a variable");
            }
            throw new SysctlException(Errno.ENOENT, name, "no such variable");
        }
        return n;
    }

    private void requireKnown(String name) {
        if (!byName.containsKey(name)) throw new IllegalArgumentException("no sysctl " + name);
    }
}
