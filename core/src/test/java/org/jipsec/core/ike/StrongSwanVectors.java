package org.jipsec.core.ike;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One recorded strongSwan 5.9.8 ↔ strongSwan 5.9.8 run (resources org/jipsec/core/ike/strongswan/NAME.txt):
 * the IKE messages as captured (non-ESP marker removed) and the keys charon logged at ike/chd level 4.
 * Recorded in a network-namespace lab; the PSK is a published lab secret. Scenarios: gcm
 * (aes128gcm16-prfsha256-x25519, ESP aes128gcm16), cbc (aes256-sha256-modp2048, ESP aes128-sha256-modp2048),
 * ecp (aes256gcm16-prfsha384-ecp384, ESP aes256gcm16-ecp256), chacha (chacha20poly1305-prfsha512-ecp256, ESP
 * aes128gcm16). Each run: IKE_SA_INIT, IKE_AUTH, child rekey, INFORMATIONAL delete, IKE rekey, delete.
 */
public record StrongSwanVectors(String name, List<Message> messages, Map<String, byte[]> values) {

    public record Message(boolean fromInitiator, byte[] bytes) {}

    public static final List<String> RUNS = List.of("gcm", "cbc", "ecp", "chacha");

    public static StrongSwanVectors load(String name) {
        String path = "/org/jipsec/core/ike/strongswan/" + name + ".txt";
        try (InputStream in = StrongSwanVectors.class.getResourceAsStream(path)) {
            if (in == null) throw new IllegalStateException("missing " + path);
            List<Message> messages = new ArrayList<>();
            Map<String, byte[]> values = new LinkedHashMap<>();
            for (String line : new String(in.readAllBytes(), StandardCharsets.US_ASCII).split("\n")) {
                if (line.isBlank() || line.startsWith("#")) continue;
                int eq = line.indexOf(" = ");
                String key = line.substring(0, eq);
                String value = line.substring(eq + 3).trim();
                if (key.startsWith("msg.")) {
                    messages.add(
                            new Message(value.startsWith("i "), HexFormat.of().parseHex(value.substring(2))));
                } else {
                    values.put(key, HexFormat.of().parseHex(value));
                }
            }
            return new StrongSwanVectors(name, messages, values);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public byte[] value(String key) {
        byte[] v = values.get(key);
        if (v == null) throw new IllegalArgumentException(name + ": no " + key);
        return v;
    }

    public byte[] message(int i) {
        return messages.get(i).bytes();
    }
}
