package org.jipsec.cli.ike;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code swanctl --list-sas} output (strongSwan 5.9.8 {@code swanctl/commands/list_sas.c}), parsed:
 * <pre>
 * lab: #1, ESTABLISHED, IKEv2, 8f1b…_i* 3c2d…_r
 *   local  '10.197.0.1' @ 10.197.0.1[4500]
 *   remote '10.197.0.2' @ 10.197.0.2[4500]
 *   AES_GCM_16-128/PRF_HMAC_SHA2_256/CURVE_25519
 *   lab: #1, reqid 1, INSTALLED, TUNNEL-in-UDP, ESP:AES_GCM_16-128
 *     in  c1a2b3c4,    840 bytes,    10 packets,     0s ago
 *     out c5d6e7f8,    840 bytes,    10 packets,     0s ago
 * </pre>
 */
final class SaList {
    private SaList() {}

    record Child(
            String name,
            int uniqueId,
            String state,
            String mode,
            String algorithms,
            String spiIn,
            String spiOut,
            long bytesIn,
            long packetsIn,
            long bytesOut,
            long packetsOut) {}

    record IkeSa(
            String name,
            int uniqueId,
            String state,
            String spiI,
            String spiR,
            boolean initiator,
            String local,
            String remote,
            String algorithms,
            List<Child> children) {}

    private static final Pattern IKE =
            Pattern.compile("^(\\S+): #(\\d+), (\\w+), IKEv\\d, ([0-9a-f]{16})_i(\\*?) ([0-9a-f]{16})_r(\\*?)");
    private static final Pattern ENDPOINT = Pattern.compile("^\\s+(local|remote)\\s+'[^']*' @ (\\S+)");
    private static final Pattern ALGS = Pattern.compile("^\\s+([A-Z][A-Z0-9_]+(?:-\\d+)?(?:/[A-Z0-9_-]+)+)\\s*$");
    private static final Pattern CHILD = Pattern.compile("^\\s+(\\S+): #(\\d+), reqid \\d+, (\\w+), (\\S+), (\\S+)");
    private static final Pattern TRAFFIC =
            Pattern.compile("^\\s+(in|out)\\s+([0-9a-f]{8})\\S*,\\s+(\\d+) bytes,\\s+(\\d+) packets");

    static List<IkeSa> parse(String text) {
        List<IkeSa> out = new ArrayList<>();
        String[] lines = text.split("\n");
        int i = 0;
        while (i < lines.length) {
            Matcher m = IKE.matcher(lines[i]);
            if (!m.find()) {
                i++;
                continue;
            }
            String local = "", remote = "", algs = "";
            List<Child> children = new ArrayList<>();
            i++;
            while (i < lines.length && !IKE.matcher(lines[i]).find()) {
                Matcher e = ENDPOINT.matcher(lines[i]);
                Matcher a = ALGS.matcher(lines[i]);
                Matcher c = CHILD.matcher(lines[i]);
                if (e.find()) {
                    if (e.group(1).equals("local")) local = e.group(2);
                    else remote = e.group(2);
                    i++;
                } else if (c.find()) {
                    String spiIn = "", spiOut = "";
                    long bi = 0, pi = 0, bo = 0, po = 0;
                    i++;
                    while (i < lines.length
                            && !CHILD.matcher(lines[i]).find()
                            && !IKE.matcher(lines[i]).find()) {
                        Matcher t = TRAFFIC.matcher(lines[i]);
                        if (t.find()) {
                            if (t.group(1).equals("in")) {
                                spiIn = t.group(2);
                                bi = Long.parseLong(t.group(3));
                                pi = Long.parseLong(t.group(4));
                            } else {
                                spiOut = t.group(2);
                                bo = Long.parseLong(t.group(3));
                                po = Long.parseLong(t.group(4));
                            }
                        }
                        i++;
                    }
                    children.add(new Child(
                            c.group(1),
                            Integer.parseInt(c.group(2)),
                            c.group(3),
                            c.group(4),
                            c.group(5),
                            spiIn,
                            spiOut,
                            bi,
                            pi,
                            bo,
                            po));
                } else {
                    if (a.find() && algs.isEmpty()) algs = a.group(1);
                    i++;
                }
            }
            out.add(new IkeSa(
                    m.group(1),
                    Integer.parseInt(m.group(2)),
                    m.group(3),
                    m.group(4),
                    m.group(6),
                    !m.group(5).isEmpty(),
                    local,
                    remote,
                    algs,
                    List.copyOf(children)));
        }
        return out;
    }
}
