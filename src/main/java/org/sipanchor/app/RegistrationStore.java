package org.sipanchor.app;

import java.time.Instant;
import java.util.List;

/**
 * Where the {@link LocationService} keeps bindings: this node's memory ({@link MemoryRegistrationStore}) or a store
 * the nodes of a farm share ({@link RedisRegistrationStore}). Both apply the same rules, each atomically for one
 * address: an out-of-order refresh is refused, a new contact pushes out the one of the address refreshed longest ago
 * past {@code max_contacts_per_user}, and a REGISTER that would grow the total past {@code max_bindings} is refused.
 * Keys are normalised addresses of record; times come from the caller's clock.
 *
 * <p>A store that cannot be reached throws {@link LocationUnavailableException} from every method, within its
 * timeout: it never answers as if an address had no contacts.
 */
interface RegistrationStore extends AutoCloseable {

    /** One contact of a REGISTER with its expiry settled: seconds from now, 0 to remove it. */
    record Change(String contact, int expiresSecs) {
    }

    /**
     * Applies the changes of one REGISTER to an address.
     *
     * @return the address's live bindings after the update, the one refreshed longest ago first
     * @throws RegistrationRejected 500 for a refresh older than the stored one of the same Call-ID, 503 when full
     */
    List<Binding> update(String key, List<Change> changes, String callId, long cseq, Instant now) throws RegistrationRejected;

    /** The live bindings of an address, the one refreshed longest ago first. */
    List<Binding> lookup(String key, Instant now);

    /** Removes every binding of an address. */
    void removeAll(String key);

    /** How many bindings the store counts against {@code max_bindings}. */
    int size(Instant now);

    /**
     * Drops lapsed bindings.
     *
     * @return how many went
     */
    int purgeExpired(Instant now);

    /** What logs may say about the store (no password). */
    String describe();

    @Override
    void close();
}
