package org.jipsec.core.crypto;

/** The three PF_KEY algorithm namespaces: {@code sadb_sa_encrypt}, {@code sadb_sa_auth} and IPComp's calg. */
public enum AlgorithmKind {
    /** ESP encryption, including combined-mode (AEAD) algorithms. PF_KEY {@code SADB_EALG_*}. */
    ENCRYPTION,
    /** Integrity (ESP auth or AH). PF_KEY {@code SADB_AALG_*}. */
    AUTHENTICATION,
    /** IPComp. PF_KEY {@code SADB_X_CALG_*}. */
    COMPRESSION
}
