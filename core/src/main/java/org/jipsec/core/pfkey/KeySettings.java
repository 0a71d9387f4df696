package org.jipsec.core.pfkey;

/**
 * The {@code net.key} variables the key engine reads (key.c 1.271; spec §5.4), with NetBSD's defaults. Mutable: the
 * sysctl tree writes them (no range validation, as NetBSD); the engine reads them on every use. Plus jipsec's own
 * {@code sendHardExpire}.
 */
public final class KeySettings {
    public volatile int debug = 0;
    public volatile int spiTry = 1000;
    public volatile int spiMinValue = 0x100;
    public volatile int spiMaxValue = 0x0fffffff;
    public volatile int larvalLifetime = 30;
    public volatile int blockacqCount = 10;
    public volatile int blockacqLifetime = 20;
    public volatile int espKeymin = 256;
    public volatile int espAuth = 0;
    public volatile int ahKeymin = 128;
    public volatile int preferedOldsa = 0;
    /**
     * Whether an SA that dies of its hard lifetime (or of its soft addtime without ever being used) is announced with
     * a hard SADB_EXPIRE (carrying LIFETIME_HARD) to registered sockets. NetBSD 1.271 sends none (spec §4.9);
     * RFC 2367 §3.1.7 asks for it and Linux sends it, and an IKE daemon needs it to forget the SA. Default: on.
     */
    public volatile boolean sendHardExpire = true;

    /**
     * Takes the {@code net.key} values from the sysctl tree now and on every later write, so that
     * {@code sysctl -w net.key.larval_lifetime=60} reaches the engine at once.
     */
    public KeySettings bindTo(org.jipsec.core.sysctl.Sysctl tree) {
        bind(tree, org.jipsec.core.sysctl.SysctlNames.KEY_DEBUG, v -> debug = v);
        bind(tree, org.jipsec.core.sysctl.SysctlNames.KEY_SPI_TRY, v -> spiTry = v);
        bind(tree, org.jipsec.core.sysctl.SysctlNames.KEY_SPI_MIN_VALUE, v -> spiMinValue = v);
        bind(tree, org.jipsec.core.sysctl.SysctlNames.KEY_SPI_MAX_VALUE, v -> spiMaxValue = v);
        bind(tree, org.jipsec.core.sysctl.SysctlNames.KEY_LARVAL_LIFETIME, v -> larvalLifetime = v);
        bind(tree, org.jipsec.core.sysctl.SysctlNames.KEY_BLOCKACQ_COUNT, v -> blockacqCount = v);
        bind(tree, org.jipsec.core.sysctl.SysctlNames.KEY_BLOCKACQ_LIFETIME, v -> blockacqLifetime = v);
        bind(tree, org.jipsec.core.sysctl.SysctlNames.KEY_ESP_KEYMIN, v -> espKeymin = v);
        bind(tree, org.jipsec.core.sysctl.SysctlNames.KEY_ESP_AUTH, v -> espAuth = v);
        bind(tree, org.jipsec.core.sysctl.SysctlNames.KEY_AH_KEYMIN, v -> ahKeymin = v);
        bind(tree, org.jipsec.core.sysctl.SysctlNames.KEY_PREFERED_OLDSA, v -> preferedOldsa = v);
        return this;
    }

    private static void bind(org.jipsec.core.sysctl.Sysctl tree, String name, java.util.function.IntConsumer set) {
        set.accept(tree.intValue(name));
        tree.addListener(name, (n, oldValue, newValue) -> set.accept(newValue));
    }
}
