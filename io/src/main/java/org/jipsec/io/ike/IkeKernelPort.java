package org.jipsec.io.ike;

import java.io.IOException;
import org.jipsec.core.ikekernel.ChildSaInstall;
import org.jipsec.core.ikekernel.DeleteSa;
import org.jipsec.core.ikekernel.GetSpi;
import org.jipsec.core.ikekernel.KernelEvent;
import org.jipsec.core.ikekernel.SpdAdd;

/**
 * The PF_KEY requests {@code jipsec iked} makes (ikev2-notes §4): implemented by {@link PfkeyKernel} against a PF_KEY
 * v2 socket, and by a recording fake in tests. Each call blocks until the kernel answered; a refusal is a
 * {@link KernelException} naming the request and the errno's meaning.
 */
public interface IkeKernelPort {

    /** SADB_GETSPI: a larval inbound SA; {@code acquireSeq} the ACQUIRE's seq or 0. */
    PfkeyKernel.Allocated getSpi(GetSpi request, int acquireSeq) throws IOException;

    /** SADB_UPDATE of the larval SA {@code larval}. */
    void update(ChildSaInstall sa, PfkeyKernel.Allocated larval) throws IOException;

    /** SADB_ADD. */
    void add(ChildSaInstall sa) throws IOException;

    /** SADB_DELETE; false if the SA was already gone (ENOENT). */
    boolean delete(DeleteSa d) throws IOException;

    /** SADB_X_SPDADD; the policy id. */
    int spdAdd(SpdAdd policy) throws IOException;

    /** SADB_X_SPDDELETE2 by id. */
    void spdDelete(int id) throws IOException;

    /** SADB_GET: the SA's current lifetime; empty when the SA is gone or the kernel does not say. */
    default java.util.Optional<org.jipsec.core.ikekernel.GetSa.Usage> usage(org.jipsec.core.ikekernel.SaId sa)
            throws IOException {
        return java.util.Optional.empty();
    }

    /** SADB_X_SPDGET of the ACQUIRE's policy: its selector, mode and reqid. */
    KernelEvent.Acquire resolve(KernelEvent.Acquire acquire) throws IOException;
}
