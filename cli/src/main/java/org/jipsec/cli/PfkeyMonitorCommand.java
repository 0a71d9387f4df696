package org.jipsec.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.jipsec.core.pfkey.KeyDebug;
import org.jipsec.core.pfkey.PfkeyCodec;
import org.jipsec.core.pfkey.PfkeyException;
import org.jipsec.core.pfkey.PfkeyMessage;
import org.jipsec.core.pfkey.Sadb;
import org.jipsec.io.pfkey.PfkeyClient;
import org.jipsec.io.pfkey.PfkeyServer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code jipsec pfkey-monitor}: like {@code setkey -x}, turns the PF_KEY socket promiscuous (X_PROMISC satype 1) and
 * prints every message the engine sends, each after a timestamp line, in key_debug.c's format (spec §2.1, §3.5).
 */
@Command(
        footerHeading = "%nExample:%n",
        footer = {"  jipsec pfkey-monitor --pfkey /run/jipsec/pfkey --count 10"},
        name = "pfkey-monitor",
        mixinStandardHelpOptions = true,
        description = "Print every PF_KEY message jipsecd sends, as setkey -x does.")
public final class PfkeyMonitorCommand implements Callable<Integer> {

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("MMM dd HH:mm:ss", Locale.ROOT);

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--pfkey", paramLabel = "PATH", description = "PF_KEY socket path (default: ${DEFAULT-VALUE})")
    Path pfkey = Path.of(PfkeyServer.DEFAULT_PATH_NAME); // a constant: PfkeyServer is not initialised

    @Option(names = "--show-keys", description = "Print key bytes (hidden by default)")
    boolean showKeys;

    @Option(names = "--count", paramLabel = "N", description = "Stop after N messages (default: run until closed)")
    long count = Long.MAX_VALUE;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        PfkeyClient client;
        try {
            client = PfkeyClient.connect(pfkey);
        } catch (java.io.IOException e) {
            err.println("jipsec pfkey-monitor: cannot connect to " + pfkey + ": " + e.getMessage());
            err.flush();
            return 1;
        }
        try (client) {
            client.send(PfkeyMessage.of(Sadb.SADB_X_PROMISC, 1, client.nextSeq(), client.pid(), List.of()));
            for (long n = 0; n < count; n++) {
                byte[] raw = client.receiveRaw();
                if (raw == null) break;
                byte[] inner = PfkeyCodec.unwrapPromisc(raw).orElse(raw);
                LocalDateTime now = LocalDateTime.now(java.time.ZoneId.systemDefault()); // setkey -x: local time
                out.printf("%s.%06d%n", STAMP.format(now), now.get(java.time.temporal.ChronoField.MICRO_OF_SECOND));
                try {
                    out.print(KeyDebug.format(
                            PfkeyCodec.decode(inner, 0, inner.length, Sadb.MAX_MESSAGE_BYTES), showKeys));
                } catch (PfkeyException e) {
                    // the body may hold a KEY extension: only the base header is shown unless keys were asked for
                    int shown = showKeys ? inner.length : Math.min(inner.length, PfkeyCodec.BASE_BYTES);
                    out.println("undecodable message (" + e.getMessage() + "): "
                            + HexFormat.of().formatHex(inner, 0, shown)
                            + (shown < inner.length ? " (+" + (inner.length - shown) + " bytes not shown)" : ""));
                }
                out.flush();
            }
        }
        return 0;
    }
}
