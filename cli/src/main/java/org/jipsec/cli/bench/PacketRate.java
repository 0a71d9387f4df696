package org.jipsec.cli.bench;

/**
 * A small-packet run: what the sender ({@link PacketBlast}) sent in how long, and what arrived at the far end
 * (the receiving namespace's UDP {@code NoPorts} count: datagrams to a port nobody listens on, counted by the
 * kernel, so no receiving program limits the figure). Pure.
 *
 * @param sent     datagrams the sender handed to the kernel
 * @param received datagrams that reached the far end
 * @param seconds  the sender's run time
 * @param ipBytes  IP bytes the sender sent (headers included)
 */
public record PacketRate(long sent, long received, double seconds, long ipBytes) {

    public double sentPps() {
        return sent / seconds;
    }

    public double receivedPps() {
        return received / seconds;
    }

    public long lost() {
        return Math.max(0, sent - received);
    }

    public double lostPercent() {
        return sent == 0 ? 0 : 100.0 * lost() / sent;
    }

    /** Received IP throughput in Mbit/s, at the sent mix's mean packet size. */
    public double receivedMbps() {
        return sent == 0 ? 0 : receivedPps() * ((double) ipBytes / sent) * 8 / 1e6;
    }

    /**
     * Reads {@code key value} lines: {@code sent}, {@code seconds}, {@code ip-bytes} (written by {@link PacketBlast})
     * and {@code received} (by the bench script); other lines are ignored.
     *
     * @throws IllegalArgumentException when a key is missing or a value is not a number
     */
    public static PacketRate parse(String text) {
        Double sent = null, received = null, seconds = null, bytes = null;
        for (String line : text.lines().toList()) {
            String[] kv = line.strip().split("\\s+", -1);
            if (kv.length != 2) continue;
            Double v;
            try {
                v = Double.valueOf(kv[1]);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("packet rate: '" + line.strip() + "' is not 'key number'");
            }
            switch (kv[0]) {
                case "sent" -> sent = v;
                case "received" -> received = v;
                case "seconds" -> seconds = v;
                case "ip-bytes" -> bytes = v;
                default -> {}
            }
        }
        if (sent == null || received == null || seconds == null || bytes == null || seconds <= 0) {
            throw new IllegalArgumentException("packet rate: want sent, received, seconds (> 0) and ip-bytes");
        }
        return new PacketRate(sent.longValue(), received.longValue(), seconds, bytes.longValue());
    }
}
