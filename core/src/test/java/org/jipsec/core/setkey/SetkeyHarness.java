package org.jipsec.core.setkey;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.time.InstantSource;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.jipsec.core.pfkey.AlgorithmCatalog;
import org.jipsec.core.pfkey.KeyEngine;
import org.jipsec.core.pfkey.KeySettings;
import org.jipsec.core.pfkey.SpdPolicyStore;
import org.jipsec.core.spd.Spd;
import org.jipsec.core.sysctl.Sysctl;

/**
 * An in-process jipsecd for setkey tests: a key engine with the real SPD store and the real algorithm table, a
 * settable clock (UTC), files held in memory, and setkey's output captured.
 */
final class SetkeyHarness {
    /** 2025-11-28 10:00:00 UTC. */
    static final long T0 = 1_764_324_000L;

    final AtomicLong clock = new AtomicLong(T0);
    final Sysctl sysctl = Sysctl.withNetbsdDefaults();
    final KeyEngine engine;
    final Map<String, String> files = new HashMap<>();
    final Map<String, byte[]> rawFiles = new HashMap<>();
    String stdin = "";
    HostResolver resolver = HostResolver.NUMERIC;
    ZoneId zone = ZoneOffset.UTC;
    int pid = 4711;
    int loopRounds = 1;

    SetkeyHarness() {
        Spd spd = new Spd(
                new InstantSource() {
                    @Override
                    public Instant instant() {
                        return Instant.ofEpochSecond(clock.get());
                    }
                },
                sysctl);
        engine = new KeyEngine(
                new KeySettings().bindTo(sysctl),
                clock::get,
                new SplittableRandom(7),
                new SpdPolicyStore(spd),
                AlgorithmCatalog.TABLE);
    }

    record Result(int status, String out, String err) {}

    Result run(String... argv) {
        StringWriter o = new StringWriter(), e = new StringWriter();
        SetkeyOptions opts;
        try {
            opts = SetkeyOptions.parse(List.of(argv));
        } catch (SetkeyOptions.UsageException x) {
            return new Result(1, "", x.getMessage());
        }
        int[] rounds = {loopRounds};
        SetkeyRunner.Environment env = new SetkeyRunner.Environment() {
            @Override
            public KeyChannel open() {
                return new EmbeddedKeyChannel(engine);
            }

            @Override
            public String readStdin() {
                return stdin;
            }

            @Override
            public String readFile(String name) throws IOException {
                String s = files.get(name);
                if (s == null) throw new IOException(name + ": No such file or directory");
                return s;
            }

            @Override
            public byte[] readBytes(String name) throws IOException {
                byte[] b = rawFiles.get(name);
                if (b == null) throw new IOException(name + ": No such file or directory");
                return b;
            }

            @Override
            public HostResolver resolver() {
                return resolver;
            }

            @Override
            public long nowMicros() {
                return clock.get() * 1_000_000L;
            }

            @Override
            public ZoneId zone() {
                return zone;
            }

            @Override
            public void sleepOneSecond() throws InterruptedException {
                if (--rounds[0] <= 0) throw new InterruptedException();
                clock.incrementAndGet();
            }

            @Override
            public int pid() {
                return pid;
            }
        };
        int status = new SetkeyRunner(env, new PrintWriter(o), new PrintWriter(e)).run(opts);
        return new Result(status, o.toString(), e.toString());
    }

    /** Runs {@code setkey -f} over {@code text}. */
    Result script(String text, String... flags) {
        files.put("test.conf", text);
        String[] argv = new String[flags.length + 2];
        System.arraycopy(flags, 0, argv, 0, flags.length);
        argv[flags.length] = "-f";
        argv[flags.length + 1] = "test.conf";
        return run(argv);
    }
}
