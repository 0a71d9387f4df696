import java.net.*;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.*;
import org.jipsec.core.ike.config.*;
import org.jipsec.core.ike.engine.*;

public class ProbeInitiator {
    public static void main(String[] a) throws Exception {
        String text = new String(java.nio.file.Files.readAllBytes(java.nio.file.Path.of(a[0])));
        IkeConfig cfg = SwanctlConfig.load("/x", new ConfigSource() {
            public String read(String p) { return text; }
            public List<String> glob(String p, String d) { return List.of(); }
        });
        IkeConfig.Connection c = cfg.connections().getFirst();
        IkeEndpoint me = new IkeEndpoint(InetAddress.getByName("10.231.0.1"), 500);
        IkeEndpoint peer = new IkeEndpoint(InetAddress.getByName("10.231.0.2"), 500);
        IkeSaEngine e = new IkeSaEngine(IkeSaEngine.Role.INITIATOR, IkeSaConfig.of(c, c.local().getFirst().id(),
                cfg.secrets().getFirst().secret()), new SecureRandom(), me, peer);
        DatagramSocket s500 = new DatagramSocket(new InetSocketAddress(me.address(), 500));
        DatagramSocket s4500 = new DatagramSocket(new InetSocketAddress(me.address(), 4500));
        s500.setSoTimeout(3000); s4500.setSoTimeout(3000);
        boolean floated = false;
        List<IkeAction> actions = e.handle(new IkeEvent.Initiate(0));
        for (int round = 0; round < 4; round++) {
            byte[] toSend = null;
            for (IkeAction x : actions) {
                System.out.println("action: " + (x instanceof IkeAction.Send s ? "Send " + s.bytes().length + " bytes" : x));
                if (x instanceof IkeAction.Send s) toSend = s.bytes();
                if (x instanceof IkeAction.Established est && (est.remoteBehindNat() || est.localBehindNat())) floated = true;
            }
            if (toSend == null) break;
            byte[] rx;
            if (!floated && e.state() != IkeSaEngine.State.AUTH_SENT) {
                s500.send(new DatagramPacket(toSend, toSend.length, peer.address(), 500));
                DatagramPacket p = new DatagramPacket(new byte[65535], 65535);
                s500.receive(p);
                rx = Arrays.copyOf(p.getData(), p.getLength());
            } else {
                byte[] m = new byte[toSend.length + 4];
                System.arraycopy(toSend, 0, m, 4, toSend.length);
                s4500.send(new DatagramPacket(m, m.length, peer.address(), 4500));
                DatagramPacket p = new DatagramPacket(new byte[65535], 65535);
                s4500.receive(p);
                rx = Arrays.copyOfRange(p.getData(), 4, p.getLength());
            }
            actions = e.handle(new IkeEvent.Datagram(peer, me, rx, 0));
            if (e.state() == IkeSaEngine.State.ESTABLISHED || e.state() == IkeSaEngine.State.FAILED) {
                for (IkeAction x : actions) {
                    System.out.println("action: " + x);
                    if (x instanceof IkeAction.InstallChild ic) {
                        System.out.println("lab key check: encr_i " + HexFormat.of().formatHex(ic.encrOut())
                                + " encr_r " + HexFormat.of().formatHex(ic.encrIn()));
                    }
                }
                break;
            }
        }
        System.out.println("final state: " + e.state());
    }
}
