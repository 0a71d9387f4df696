package org.jipsec.core.setkey;

import java.net.InetAddress;
import java.util.Arrays;
import org.jipsec.core.crypto.Algorithm;
import org.jipsec.core.ipsec.Endpoint;
import org.jipsec.core.ipsec.IpsecMode;
import org.jipsec.core.ipsec.IpsecProtocol;
import org.jipsec.core.ipsec.SaType;

/**
 * {@code add [-46n] src[port] dst[port] proto spi ext* algo ;} (parse.y {@code add}; spec §2.3, §2.4), with the
 * values setkey's parse_init defaults give (flags CYCSEQ, mode any, reqid 0, replay 0).
 *
 * @param protocol     ESP, AH or IPComp; null for a TCP-MD5 SA ({@code tcp}, satype TCPSIGNATURE)
 * @param flags        {@code sadb_sa_flags}: CYCSEQ unless nocyclic-seq, padding, OLD for ah-old/esp-old, DERIV, IV4B, RAWCPI
 * @param saType       the PF_KEY SA type the message carries
 * @param espUdp       protocol {@code esp-udp}: UDP-encapsulated ESP (NAT-T type ESPINUDP)
 * @param natOa        the address after {@code esp-udp} (NAT-OA), or null
 * @param replayBytes  {@code -r N}: window in bytes as PF_KEY carries it (8·N packets)
 * @param encryption   {@code -E} algorithm or {@code -C} compression algorithm, or null
 * @param auth         {@code -A} algorithm, or null
 * @param update       {@code update} instead of {@code add}: NetBSD's setkey sends SADB_UPDATE with the same extensions
 */
public record AddStatement(
        int line,
        Endpoint src,
        Endpoint dst,
        IpsecProtocol protocol,
        boolean espUdp,
        InetAddress natOa,
        long spi,
        IpsecMode mode,
        int reqid,
        int replayBytes,
        int flags,
        Algorithm encryption,
        byte[] encryptionKey,
        Algorithm auth,
        byte[] authKey,
        long hardAddtime,
        long softAddtime,
        long hardBytes,
        long softBytes,
        SaType saType,
        boolean update)
        implements SetkeyStatement {

    public AddStatement {
        encryptionKey = encryptionKey == null ? new byte[0] : encryptionKey.clone();
        authKey = authKey == null ? new byte[0] : authKey.clone();
    }

    @Override
    public byte[] encryptionKey() {
        return encryptionKey.clone();
    }

    @Override
    public byte[] authKey() {
        return authKey.clone();
    }

    /** Replay window in packets. */
    public int replayPackets() {
        return replayBytes * 8;
    }

    public void zeroKeys() {
        Arrays.fill(encryptionKey, (byte) 0);
        Arrays.fill(authKey, (byte) 0);
    }

    @Override
    public String toString() {
        return (update ? "update " : "add ") + src + " " + dst + " " + (espUdp ? "esp-udp" : saType.dumpName()) + " "
                + spi
                + " -m " + mode.keyword() + (encryption == null ? "" : " " + encryption.name())
                + (auth == null ? "" : " " + auth.name()) + " (line " + line + ")";
    }
}
