package org.jipsec.cli;

import java.io.PrintWriter;
import java.util.List;
import org.jipsec.core.engine.IpsecEngine;
import org.jipsec.core.setkey.EmbeddedKeyChannel;
import org.jipsec.core.setkey.HostResolver;
import org.jipsec.core.setkey.KeyChannel;
import org.jipsec.core.setkey.SetkeyOptions;
import org.jipsec.core.setkey.SetkeyRunner;

/**
 * Loads a setkey file into an engine of this process (no daemon, no socket) exactly as {@code setkey -c} would send
 * it to jipsecd: every statement is a PF_KEY request to the engine's key engine, so SAs and policies land in the same
 * SAD and SPD, with the same checks and messages. setkey's own output (its per-line results) goes to {@code err}.
 */
final class OfflineSetkey {

    private OfflineSetkey() {}

    /** Runs setkey text against {@code engine}; returns setkey's exit status (0: everything applied). */
    static int load(IpsecEngine engine, String text, PrintWriter err) {
        SetkeyRunner.Environment env = new SetkeyRunner.Environment() {
            @Override
            public KeyChannel open() {
                return new EmbeddedKeyChannel(engine.keyEngine(), o -> {});
            }

            @Override
            public String readStdin() {
                return text;
            }

            @Override
            public String readFile(String name) throws java.io.IOException {
                return new String(SetkeyCommand.readFileBytes(name), java.nio.charset.StandardCharsets.UTF_8);
            }

            @Override
            public byte[] readBytes(String name) throws java.io.IOException {
                return SetkeyCommand.readFileBytes(name);
            }

            @Override
            public HostResolver resolver() {
                return SetkeyCommand::resolve;
            }

            @Override
            public long nowMicros() {
                return System.currentTimeMillis() * 1000;
            }

            @Override
            public java.time.ZoneId zone() {
                return java.time.ZoneId.systemDefault();
            }

            @Override
            public void sleepOneSecond() throws InterruptedException {
                throw new InterruptedException();
            }

            @Override
            public int pid() {
                return (int) ProcessHandle.current().pid();
            }
        };
        SetkeyOptions o;
        try {
            o = SetkeyOptions.parse(List.of("-s", "-c")); // all or nothing: jipsec's strict mode
        } catch (SetkeyOptions.UsageException e) {
            throw new IllegalStateException(e); // a constant argument list: cannot happen
        }
        int status = new SetkeyRunner(env, err, err).run(o);
        err.flush();
        return status;
    }
}
