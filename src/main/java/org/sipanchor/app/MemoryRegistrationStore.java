package org.sipanchor.app;

import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.logging.Logger;

import org.sipanchor.config.RegistrarConfig;

/**
 * Bindings in this node's memory, the default: one map per address, least recently refreshed first. The total counts
 * lapsed bindings until the purge or a look at their address drops them.
 */
final class MemoryRegistrationStore implements RegistrationStore {

    private static final Logger LOG = Logger.getLogger(MemoryRegistrationStore.class.getName());

    private final RegistrarConfig limits;
    /** Address to its contacts, least recently refreshed first. */
    private final Map<String, Map<String, Binding>> bindings = new HashMap<>();
    private int total;

    MemoryRegistrationStore(RegistrarConfig limits) {
        this.limits = limits;
    }

    @Override
    public synchronized List<Binding> update(String key, List<Change> changes, String callId, long cseq, Instant now)
            throws RegistrationRejected {
        Map<String, Binding> current = live(key, now);
        for (Change change : changes) {
            Binding existing = current.get(change.contact());
            if (existing != null && existing.callId().equals(callId) && existing.cseq() >= cseq) {
                dropIfEmpty(key, current);
                throw new RegistrationRejected(500, "Out Of Order REGISTER");
            }
        }
        Set<String> added = new HashSet<>();
        changes.stream().filter(change -> change.expiresSecs() > 0).forEach(change -> added.add(change.contact()));
        added.removeAll(current.keySet());
        long removed = changes.stream().filter(change -> change.expiresSecs() == 0 && current.containsKey(change.contact())).count();
        int afterUpdate = (int) (current.size() + added.size() - removed);
        int growth = Math.min(afterUpdate, limits.maxContactsPerUser()) - current.size();
        if (growth > 0 && total + growth > limits.maxBindings()) {
            dropIfEmpty(key, current);
            throw new RegistrationRejected(503, "Registrar Full", OptionalInt.of(LocationService.FULL_RETRY_AFTER_SECS));
        }
        for (Change change : changes) {
            // removed first, so that a refresh moves to the end: the order is that of the last refresh
            if (current.remove(change.contact()) != null) {
                total--;
            }
            if (change.expiresSecs() > 0) {
                current.put(change.contact(), new Binding(change.contact(), now.plusSeconds(change.expiresSecs()), callId, cseq));
                total++;
            }
        }
        Iterator<String> oldest = current.keySet().iterator();
        while (current.size() > limits.maxContactsPerUser()) {
            String pushedOut = oldest.next();
            oldest.remove();
            total--;
            LOG.fine(() -> "call-id=" + callId + " " + key + " has more than " + limits.maxContactsPerUser()
                    + " contacts: " + pushedOut + " goes");
        }
        dropIfEmpty(key, current);
        return List.copyOf(current.values());
    }

    @Override
    public synchronized List<Binding> lookup(String key, Instant now) {
        if (!bindings.containsKey(key)) {
            return List.of();
        }
        Map<String, Binding> current = live(key, now);
        List<Binding> result = List.copyOf(current.values());
        dropIfEmpty(key, current);
        return result;
    }

    @Override
    public synchronized void removeAll(String key) {
        Map<String, Binding> gone = bindings.remove(key);
        if (gone != null) {
            total -= gone.size();
        }
    }

    /** Lapsed bindings not purged yet included. */
    @Override
    public synchronized int size(Instant now) {
        return total;
    }

    @Override
    public synchronized int purgeExpired(Instant now) {
        int before = total;
        Iterator<Map.Entry<String, Map<String, Binding>>> addresses = bindings.entrySet().iterator();
        while (addresses.hasNext()) {
            Map<String, Binding> contacts = addresses.next().getValue();
            dropLapsed(contacts, now);
            if (contacts.isEmpty()) {
                addresses.remove();
            }
        }
        return before - total;
    }

    @Override
    public String describe() {
        return "memory";
    }

    @Override
    public void close() {
        // nothing held outside the heap
    }

    /** The bindings of an address with lapsed ones dropped; the returned map is the stored one. */
    private Map<String, Binding> live(String key, Instant now) {
        Map<String, Binding> current = bindings.computeIfAbsent(key, ignored -> new LinkedHashMap<>());
        dropLapsed(current, now);
        return current;
    }

    private void dropLapsed(Map<String, Binding> contacts, Instant now) {
        Iterator<Binding> each = contacts.values().iterator();
        while (each.hasNext()) {
            if (!each.next().expires().isAfter(now)) {
                each.remove();
                total--;
            }
        }
    }

    /** An address without contacts takes no memory. */
    private void dropIfEmpty(String key, Map<String, Binding> contacts) {
        if (contacts.isEmpty()) {
            bindings.remove(key);
        }
    }
}
