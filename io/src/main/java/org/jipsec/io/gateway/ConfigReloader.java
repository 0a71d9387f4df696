package org.jipsec.io.gateway;

import java.io.IOException;
import java.util.concurrent.locks.Lock;
import java.util.function.Consumer;
import org.jipsec.core.config.ConfigDiff;
import org.jipsec.core.config.ConfigException;
import org.jipsec.core.config.ConfigPlan;
import org.jipsec.core.config.Installed;
import org.jipsec.core.pfkey.KeyEngine;
import org.jipsec.core.pfkey.Outcome;

/**
 * jipsecd's {@code --config}: loaded at start, reloaded on SIGHUP, for the full gateway and for {@code --no-tun}.
 *
 * <p>A reload reads and validates the whole file first ({@link Source#read()}, outside the engine lock: a slow file,
 * a FIFO, never holds up the data plane or PF_KEY), then, under the lock, computes the change from what the engine
 * holds and what the previous load installed ({@link ConfigDiff}) and applies it. A file that cannot be read, does
 * not parse or holds anything the engine would refuse changes nothing, and the log says so in one line. Unchanged
 * SAs and policies are kept as they are, with their sequence numbers, replay windows, lifetimes and policy ids.
 */
public final class ConfigReloader {

    /** Reads and validates the configuration: a plan, or one line saying why not (file name included). */
    @FunctionalInterface
    public interface Source {
        ConfigPlan read() throws ConfigException;
    }

    private final Source source;
    private final KeyEngine keys;
    private final GatewayDaemon.Log log;
    private final int pid = (int) ProcessHandle.current().pid();
    /** What the last load installed; guarded by the engine lock. */
    private Installed installed = Installed.NONE;

    public ConfigReloader(Source source, KeyEngine keys, GatewayDaemon.Log log) {
        this.source = source;
        this.keys = keys;
        this.log = log;
    }

    /**
     * The load at start, before any socket serves (no lock, nobody to tell).
     *
     * @throws IOException with one line when the file is refused: the daemon does not start
     */
    public void loadAtStart() throws IOException {
        ConfigPlan plan;
        try {
            plan = source.read();
        } catch (ConfigException e) {
            throw new IOException(e.getMessage() + "; configuration not applied", e);
        }
        try {
            for (String w : plan.warnings()) log.line(w);
            ConfigDiff change = ConfigDiff.compute(plan, installed, keys);
            ConfigDiff.Applied done = change.apply(keys, pid, o -> {});
            installed = done.installed();
            if (!done.failedLines().isEmpty()) {
                throw new IOException(
                        "the key engine refused lines " + done.failedLines() + "; configuration not applied");
            }
        } catch (ConfigException e) {
            throw new IOException(e.getMessage() + "; configuration not applied", e);
        } finally {
            plan.wipe();
        }
    }

    /**
     * SIGHUP: reads and validates outside {@code lock}, then applies the change under it, handing each PF_KEY
     * outcome to {@code announce} and running {@code underLock} after it. One log line.
     *
     * @return whether the file was applied
     */
    public boolean reload(Lock lock, Consumer<Outcome> announce, Runnable underLock) {
        ConfigPlan plan;
        try {
            plan = source.read();
        } catch (ConfigException e) {
            log.line("reload: configuration refused, nothing changed: " + e.getMessage());
            return false;
        }
        try {
            for (String w : plan.warnings()) log.line("reload: " + w);
            lock.lock();
            try {
                ConfigDiff change = ConfigDiff.compute(plan, installed, keys);
                ConfigDiff.Applied done = change.apply(keys, pid, announce);
                installed = done.installed();
                underLock.run();
                log.line("reload: configuration applied: " + change.summary()
                        + (done.failedLines().isEmpty() ? "" : "; the key engine refused lines " + done.failedLines())
                        + "; now " + keys.sad().size() + " SAs, "
                        + keys.policies().size() + " policies");
                return done.failedLines().isEmpty();
            } finally {
                lock.unlock();
            }
        } catch (ConfigException e) {
            log.line("reload: configuration refused, nothing changed: " + e.getMessage());
            return false;
        } finally {
            plan.wipe();
        }
    }
}
