package org.jipsec.core.setkey;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * Turns a setkey address word into addresses, as setkey's {@code parse_addr} does with getaddrinfo(3) (spec §2.3):
 * {@code family} comes from {@code -4}/{@code -6} (0 = any), {@code numericOnly} from {@code -n}
 * ({@code AI_NUMERICHOST}). The core resolves numeric literals only ({@link #NUMERIC}); the CLI injects a resolver
 * that also asks the system for host names.
 */
@FunctionalInterface
public interface HostResolver {

    /**
     * Resolves {@code host} as setkey does.
     *
     * @return the addresses, never empty
     * @throws UnknownHostException with the text setkey prints (getaddrinfo's gai_strerror)
     */
    List<InetAddress> resolve(String host, int family, boolean numericOnly) throws UnknownHostException;

    /** Numeric literals only ({@code 10.0.0.1}, {@code fe80::1%2}); a name fails as getaddrinfo with AI_NUMERICHOST. */
    HostResolver NUMERIC = (host, family, numericOnly) -> List.of(literal(host, family));

    /** Parses a numeric IPv4/IPv6 literal without any name lookup; checks the family. */
    static InetAddress literal(String host, int family) throws UnknownHostException {
        int pct = host.indexOf('%');
        String lit = pct >= 0 ? host.substring(0, pct) : host;
        boolean v4 = lit.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}");
        boolean v6 = !v4 && lit.matches("[0-9A-Fa-f:.]+") && lit.contains(":");
        if (!v4 && !v6) throw new UnknownHostException("Name or service not known");
        InetAddress a;
        try {
            a = InetAddress.getByName(host); // a literal: InetAddress performs no lookup for it
        } catch (UnknownHostException | RuntimeException e) {
            throw new UnknownHostException("Name or service not known");
        }
        if ((family == 4 && !(a instanceof Inet4Address)) || (family == 6 && !(a instanceof Inet6Address)))
            throw new UnknownHostException("Address family for hostname not supported");
        return a;
    }
}
