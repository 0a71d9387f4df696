package org.jipsec.cli.lab;

import java.io.IOException;
import org.jipsec.io.netns.NetnsLab;
import org.jipsec.io.netns.VethPair;

/**
 * Two hosts as network namespaces joined by one veth pair:
 * <pre>
 *   host A                                         host B
 *   10.1.0.1/32 on lo                              10.2.0.1/32 on lo
 *   192.0.2.1/24 on veth  ====== veth pair ======  192.0.2.2/24 on veth
 * </pre>
 * The inner addresses sit on {@code lo} (no dummy module on these machines); the gateways' TUN devices carry
 * the routes to the other subnet. Closing the {@link NetnsLab} removes everything.
 */
public record TwoHosts(String nsA, String nsB, VethPair veth) {
    public static final String OUTER_A = "192.0.2.1";
    public static final String OUTER_B = "192.0.2.2";
    public static final String INNER_A = "10.1.0.1";
    public static final String INNER_B = "10.2.0.1";
    public static final String SUBNET_A = "10.1.0.0/24";
    public static final String SUBNET_B = "10.2.0.0/24";

    /** Builds both hosts in {@code lab}. */
    public static TwoHosts build(NetnsLab lab) throws IOException {
        String a = lab.namespace();
        String b = lab.namespace();
        VethPair v = lab.veth(a, b);
        lab.address(a, v.a(), OUTER_A + "/24");
        lab.address(b, v.b(), OUTER_B + "/24");
        lab.address(a, "lo", INNER_A + "/32");
        lab.address(b, "lo", INNER_B + "/32");
        return new TwoHosts(a, b, v);
    }
}
