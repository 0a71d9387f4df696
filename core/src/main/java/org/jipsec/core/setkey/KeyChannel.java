package org.jipsec.core.setkey;

import java.io.IOException;
import java.util.List;
import org.jipsec.core.pfkey.PfkeyMessage;

/**
 * Where setkey's PF_KEY requests go: jipsecd's socket (the CLI's adapter over {@code PfkeyClient}) or an in-process
 * {@link org.jipsec.core.pfkey.KeyEngine} ({@link EmbeddedKeyChannel}). setkey's {@code sendkeymsg} (spec §2.1): send
 * one message, then receive while the reply is an error or carries {@code seq != 0} (dump chains end with seq 0).
 */
public interface KeyChannel extends AutoCloseable {

    /** Sends {@code request} and returns its replies: one message, or a whole dump chain, or one error reply. */
    List<PfkeyMessage> exchange(PfkeyMessage request) throws IOException;

    /** The next message the daemon sends on its own (setkey -x); null at end of stream. */
    default PfkeyMessage receive() throws IOException {
        throw new UnsupportedOperationException(
                "this channel delivers no unsolicited messages (setkey -x needs jipsecd)");
    }

    @Override
    default void close() throws IOException {}
}
