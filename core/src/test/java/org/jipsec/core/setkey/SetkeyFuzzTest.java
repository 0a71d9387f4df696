package org.jipsec.core.setkey;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.jipsec.core.pfkey.PfkeyCodec;
import org.jipsec.core.pfkey.PfkeyException;
import org.jipsec.core.pfkey.PfkeyMessage;
import org.jipsec.core.pfkey.Sadb;
import org.jipsec.core.setkey.dump.SaDumpPrinter;
import org.jipsec.core.setkey.dump.SaShortDumpPrinter;
import org.jipsec.core.setkey.dump.SpdDumpPrinter;

/**
 * Jazzer: setkey input is untrusted text (a configuration file), its command line untrusted words, and the dump
 * printers read whatever messages a daemon (or a raw message file) delivers. Each throws only its declared exception,
 * and a statement that parses always becomes a well-formed PF_KEY message.
 */
class SetkeyFuzzTest {

    @FuzzTest(maxDuration = "30s")
    void parserAndMessageBuilderThrowOnlySetkeyException(FuzzedDataProvider data) {
        String text = data.consumeRemainingAsString();
        try {
            for (SetkeyStatement s : SetkeyParser.parse(text, HostResolver.NUMERIC, KeyLengthCheck.TABLE)
                    .statements()) {
                PfkeyMessage m = SetkeyMessages.build(s, 1);
                if (m != null) {
                    byte[] wire = PfkeyCodec.encode(m);
                    assertTrue(wire.length % 8 == 0 && wire.length >= PfkeyCodec.BASE_BYTES);
                }
            }
        } catch (SetkeyException expected) {
            assertTrue(expected.line() >= 1);
        }
    }

    @FuzzTest(maxDuration = "20s")
    void optionsThrowOnlyUsageException(FuzzedDataProvider data) {
        List<String> argv = new ArrayList<>();
        while (data.remainingBytes() > 0) argv.add(data.consumeString(12));
        try {
            SetkeyOptions.parse(argv);
        } catch (SetkeyOptions.UsageException expected) {
            assertTrue(expected.getMessage().contains("--")
                    || expected.getMessage().contains("option"));
        }
    }

    @FuzzTest(maxDuration = "30s")
    void dumpPrintersAcceptEveryDecodableMessage(FuzzedDataProvider data) {
        long now = data.consumeLong();
        boolean ports = data.consumeBoolean();
        byte[] raw = data.consumeRemainingAsBytes();
        PfkeyMessage m;
        try {
            m = PfkeyCodec.decode(raw, 0, raw.length, Sadb.MAX_MESSAGE_BYTES);
        } catch (PfkeyException e) {
            return;
        }
        assertTrue(SaDumpPrinter.format(m, ports, now, ZoneOffset.UTC).endsWith("\n"));
        assertTrue(SpdDumpPrinter.format(m, ports, ZoneOffset.UTC).endsWith("\n"));
        assertTrue(SaShortDumpPrinter.format(m, Math.floorMod(now, 4_000_000_000L), ZoneOffset.UTC)
                .endsWith("\n"));
    }
}
