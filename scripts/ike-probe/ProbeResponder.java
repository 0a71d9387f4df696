import java.net.*;
import java.security.SecureRandom;
import java.util.*;
import org.jipsec.core.ike.config.*;
import org.jipsec.core.ike.engine.*;

public class ProbeResponder {
    public static void main(String[] a) throws Exception {
        String text = new String(java.nio.file.Files.readAllBytes(java.nio.file.Path.of(a[0])));
        IkeConfig cfg = SwanctlConfig.load("/x", new ConfigSource() {
            public String read(String p) { return text; }
            public List<String> glob(String p, String d) { return List.of(); }
        });
        IkeConfig.Connection c = cfg.connections().getFirst();
        IkeEndpoint me = new IkeEndpoint(InetAddress.getByName("10.231.0.1"), 500);
        IkeEndpoint peer = new IkeEndpoint(InetAddress.getByName("10.231.0.2"), 500);
        IkeSaEngine e = new IkeSaEngine(IkeSaEngine.Role.RESPONDER, IkeSaConfig.of(c, c.local().getFirst().id(),
                cfg.secrets().getFirst().secret()), new SecureRandom(), me, peer);
        DatagramSocket s500 = new DatagramSocket(new InetSocketAddress(me.address(), 500));
        DatagramSocket s4500 = new DatagramSocket(new InetSocketAddress(me.address(), 4500));
        s500.setSoTimeout(200); s4500.setSoTimeout(200);
        long end = System.currentTimeMillis() + 20_000;
        while (System.currentTimeMillis() < end && e.state() != IkeSaEngine.State.ESTABLISHED
                && e.state() != IkeSaEngine.State.FAILED) {
            for (DatagramSocket s : List.of(s500, s4500)) {
                DatagramPacket p = new DatagramPacket(new byte[65535], 65535);
                try { s.receive(p); } catch (SocketTimeoutException t) { continue; }
                boolean encap = s == s4500;
                byte[] rx = Arrays.copyOfRange(p.getData(), encap ? 4 : 0, p.getLength());
                for (IkeAction x : e.handle(new IkeEvent.Datagram(peer, me, rx, 0))) {
                    if (x instanceof IkeAction.Send sd) {
                        byte[] m = sd.bytes();
                        if (encap) { byte[] n = new byte[m.length + 4]; System.arraycopy(m, 0, n, 4, m.length); m = n; }
                        s.send(new DatagramPacket(m, m.length, p.getAddress(), p.getPort()));
                        System.out.println("action: Send " + sd.bytes().length + " bytes" + (encap ? " (4500)" : ""));
                    } else {
                        System.out.println("action: " + x);
                    }
                    if (x instanceof IkeAction.InstallChild ic) System.out.println("lab key check: encr_i "
                            + HexFormat.of().formatHex(ic.encrIn()));
                }
            }
        }
        System.out.println("final state: " + e.state());
    }
}
