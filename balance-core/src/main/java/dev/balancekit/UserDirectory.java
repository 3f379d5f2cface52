package dev.balancekit;

import reactor.core.publisher.Mono;

/**
 * Resolves a user id to a label (an e-mail address, a name) for listings. The ledger itself keys
 * everything by user id; the directory only decorates output.
 */
@FunctionalInterface
public interface UserDirectory {

    /** A directory that knows nobody. */
    UserDirectory NONE = user -> Mono.empty();

    /**
     * Looks up a user's label.
     *
     * @param user the user id
     * @return the label, or empty when unknown
     */
    Mono<String> labelOf(String user);
}
