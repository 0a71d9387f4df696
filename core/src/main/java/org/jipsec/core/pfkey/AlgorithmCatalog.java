package org.jipsec.core.pfkey;

import java.util.List;
import java.util.Optional;
import org.jipsec.core.crypto.Algorithm;
import org.jipsec.core.crypto.AlgorithmKind;
import org.jipsec.core.crypto.AlgorithmTable;

/**
 * The algorithms the key engine accepts and advertises (REGISTER's SUPPORTED lists, ACQUIRE proposals, key length
 * checks at ADD/UPDATE). {@link #TABLE} is jipsec's one algorithm table; tests may pass a fixed list.
 */
public interface AlgorithmCatalog {

    List<Algorithm> all(AlgorithmKind kind);

    default Optional<Algorithm> byNumber(AlgorithmKind kind, int number) {
        for (Algorithm a : all(kind)) if (a.number() == number) return Optional.of(a);
        return Optional.empty();
    }

    /**
     * jipsec's table, without the rows whose SAs are refused (IPComp {@code oui}, {@code lzs}: setkey accepts the
     * words, NetBSD's kernel implements deflate only — an ADD naming them gets EINVAL, as there).
     */
    AlgorithmCatalog TABLE = kind ->
            AlgorithmTable.all(kind).stream().filter(Algorithm::implemented).toList();

    static AlgorithmCatalog of(List<Algorithm> algorithms) {
        return kind -> algorithms.stream().filter(a -> a.kind() == kind).toList();
    }
}
