package org.jipsec.io;

import java.io.IOException;
import java.net.InetAddress;
import org.jipsec.io.netns.NetnsLab;
import org.jipsec.io.netns.VethPair;

/** Two fresh namespaces joined by a veth pair: A = 10.88.0.1 / fd88::1, B = 10.88.0.2 / fd88::2. */
public record TwoHosts(
        String a, String b, VethPair veth, InetAddress a4, InetAddress b4, InetAddress a6, InetAddress b6) {

    public static TwoHosts create(NetnsLab lab) throws IOException {
        String a = lab.namespace();
        String b = lab.namespace();
        VethPair v = lab.veth(a, b);
        lab.address(a, v.a(), "10.88.0.1/24");
        lab.address(b, v.b(), "10.88.0.2/24");
        lab.address(a, v.a(), "fd88::1/64");
        lab.address(b, v.b(), "fd88::2/64");
        return new TwoHosts(
                a,
                b,
                v,
                InetAddress.getByName("10.88.0.1"),
                InetAddress.getByName("10.88.0.2"),
                InetAddress.getByName("fd88::1"),
                InetAddress.getByName("fd88::2"));
    }
}
