package org.jipsec.io.ike;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jipsec.core.ikekernel.ChildSaInstall;
import org.jipsec.core.ikekernel.DeleteSa;
import org.jipsec.core.ikekernel.GetSpi;
import org.jipsec.core.ikekernel.KernelEvent;
import org.jipsec.core.ikekernel.SpdAdd;
import org.jipsec.core.ipsec.SaType;

/**
 * A PF_KEY kernel for runtime tests: records every request as one line ("GETSPI seq=7", "UPDATE 0x1000 10.0.0.2->
 * 10.0.0.1", "ADD …", "DELETE …", "SPDADD out … reqid 1", "SPDDELETE 3"), keeps the SAs and policies it holds, and
 * answers as jipsecd would (ENOENT-like refusals for UPDATE of an unknown larval SA).
 */
final class FakeIkeKernel implements IkeKernelPort {

    final List<String> log = new ArrayList<>();
    final Map<Integer, String> sas = new LinkedHashMap<>(); // spi -> "src->dst"
    final Map<Integer, String> larval = new LinkedHashMap<>();
    final Map<Integer, SpdAdd> policies = new LinkedHashMap<>();
    /** What SADB_GET answers per SPI (the data plane's counters); absent = no current lifetime. */
    final Map<Integer, org.jipsec.core.ikekernel.GetSa.Usage> usage = new LinkedHashMap<>();

    private final int spiBase;
    private int nextSpi;
    private int nextPolicy = 1;

    FakeIkeKernel(int spiBase) {
        this.spiBase = spiBase;
        this.nextSpi = spiBase;
    }

    List<String> take() {
        List<String> l = List.copyOf(log);
        log.clear();
        return l;
    }

    @Override
    public PfkeyKernel.Allocated getSpi(GetSpi r, int acquireSeq) {
        int spi = ++nextSpi;
        larval.put(
                spi,
                r.source().address().getHostAddress() + "->"
                        + r.destination().address().getHostAddress());
        log.add("GETSPI seq=" + acquireSeq + " " + larval.get(spi) + " reqid " + r.reqid() + " -> "
                + Integer.toHexString(spi) + natt(r.natT()));
        return new PfkeyKernel.Allocated(spi, acquireSeq == 0 ? 1000 + spi : acquireSeq);
    }

    @Override
    public void update(ChildSaInstall sa, PfkeyKernel.Allocated a) throws IOException {
        String k = sa.sa().source().address().getHostAddress() + "->"
                + sa.sa().destination().address().getHostAddress();
        log.add("UPDATE " + Integer.toHexString(sa.sa().spi()) + " " + k + " reqid " + sa.reqid() + natt(sa.natT()));
        if (larval.remove(sa.sa().spi()) == null) throw new IOException("no larval SA");
        sas.put(sa.sa().spi(), k);
    }

    @Override
    public void add(ChildSaInstall sa) {
        String k = sa.sa().source().address().getHostAddress() + "->"
                + sa.sa().destination().address().getHostAddress();
        log.add("ADD " + Integer.toHexString(sa.sa().spi()) + " " + k + " reqid " + sa.reqid() + natt(sa.natT()));
        sas.put(sa.sa().spi(), k);
    }

    @Override
    public boolean delete(DeleteSa d) {
        log.add("DELETE " + Integer.toHexString(d.sa().spi()) + " "
                + d.sa().source().address().getHostAddress() + "->"
                + d.sa().destination().address().getHostAddress());
        boolean had = sas.remove(d.sa().spi()) != null;
        return larval.remove(d.sa().spi()) != null || had;
    }

    @Override
    public Optional<org.jipsec.core.ikekernel.GetSa.Usage> usage(org.jipsec.core.ikekernel.SaId sa) {
        return Optional.ofNullable(usage.get(sa.spi()));
    }

    @Override
    public int spdAdd(SpdAdd p) throws IOException {
        Integer old = policies.entrySet().stream()
                .filter(e -> e.getValue().selector().equals(p.selector()))
                .map(Map.Entry::getKey)
                .findFirst()
                .orElse(null);
        if (old != null && !p.update()) {
            log.add("SPDADD EEXIST");
            throw new KernelException("X_SPDADD: exists", org.jipsec.core.pfkey.Errno.EEXIST.number());
        }
        if (old != null) policies.remove(old);
        int id = nextPolicy++;
        policies.put(id, p);
        log.add((p.update() ? "SPDUPDATE " : "SPDADD ")
                + p.selector().direction().keyword() + " "
                + p.selector().source().address().getHostAddress()
                + "/" + p.selector().sourcePrefixBits() + " "
                + p.selector().destination().address().getHostAddress()
                + "/" + p.selector().destinationPrefixBits() + " " + p.level().keyword() + " reqid " + p.reqid()
                + " -> " + id);
        return id;
    }

    @Override
    public void spdDelete(int id) {
        log.add("SPDDELETE " + id);
        policies.remove(id);
    }

    @Override
    public KernelEvent.Acquire resolve(KernelEvent.Acquire a) throws IOException {
        SpdAdd p = policies.get(a.policyId().orElse(-1));
        if (p == null) throw new IOException("no policy " + a.policyId());
        log.add("SPDGET " + a.policyId().get());
        return a.withPolicy(p.selector(), p.mode(), p.reqid());
    }

    /** The ACQUIRE the data plane would send for the first packet on outbound policy {@code id}. */
    KernelEvent.Acquire acquireFor(int id, int seq) {
        SpdAdd p = policies.get(id);
        return new KernelEvent.Acquire(
                seq,
                SaType.ESP,
                p.tunnelSource().orElseThrow(),
                p.tunnelDestination().orElseThrow(),
                Optional.of(id),
                Optional.empty(),
                Optional.empty(),
                0);
    }

    int outboundPolicy() {
        return policies.entrySet().stream()
                .filter(e -> e.getValue().selector().direction().keyword().equals("out"))
                .findFirst()
                .orElseThrow()
                .getKey();
    }

    private static String natt(java.util.Optional<org.jipsec.core.ikekernel.NatT> n) {
        return n.map(x -> " natt " + x.sourcePort() + "->" + x.destinationPort())
                .orElse("");
    }
}
