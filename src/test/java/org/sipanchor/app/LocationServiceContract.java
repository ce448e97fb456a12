package org.sipanchor.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.sipanchor.app.LocationService.ContactUpdate;
import org.sipanchor.config.RegistrarConfig;

/**
 * What the location service does (RFC 3261 section 10.3), whichever store keeps the bindings: each store's test
 * extends this one with {@link #locations(RegistrarConfig, MutableClock)}.
 */
abstract class LocationServiceContract {

    protected final MutableClock clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
    protected LocationService locations;

    /** A location service on the store under test, empty, on the test's clock. */
    abstract LocationService locations(RegistrarConfig limits, MutableClock clock);

    @BeforeEach
    void emptyStore() {
        locations = locations(new RegistrarConfig(60, 3600, 600, 3, 5), clock);
    }

    @AfterEach
    void closeStore() {
        locations.stop();
    }

    @Test
    @DisplayName("stores a contact with the expiry it asked for, and forgets it when that lapses")
    void bindingLapses() throws Exception {
        locations.update("sip:bob@example.com", List.of(new ContactUpdate("sip:bob@10.0.0.2:5062", 120)), -1, "c1", 1);
        assertEquals(List.of("sip:bob@10.0.0.2:5062"), contacts("sip:bob@example.com"));
        clock.advance(Duration.ofSeconds(119));
        assertEquals(1, locations.lookup("sip:bob@example.com").size());
        clock.advance(Duration.ofSeconds(1));
        assertEquals(List.of(), contacts("sip:bob@example.com"));
    }

    @Test
    @DisplayName("compares addresses by scheme, user and host, ignoring port, parameters and host case")
    void addressOfRecordMatching() throws Exception {
        locations.update("<sip:Bob@Example.COM:5060;transport=tcp>", List.of(new ContactUpdate("sip:bob@10.0.0.2", -1)), -1, "c1", 1);
        assertEquals(List.of("sip:bob@10.0.0.2"), contacts("sip:Bob@example.com"));
        assertEquals(List.of(), contacts("sip:bob@example.com"), "the user part is case-sensitive");
    }

    @Test
    @DisplayName("keeps several contacts of one address, in registration order, for forking")
    void severalContacts() throws Exception {
        locations.update("sip:bob@example.com", List.of(new ContactUpdate("sip:bob@10.0.0.2", -1)), -1, "c1", 1);
        locations.update("sip:bob@example.com", List.of(new ContactUpdate("sip:bob@10.0.0.3", -1)), -1, "c2", 1);
        assertEquals(List.of("sip:bob@10.0.0.2", "sip:bob@10.0.0.3"), contacts("sip:bob@example.com"));
    }

    @Test
    @DisplayName("uses the Expires header, then the default, and caps at the maximum")
    void expiryChoice() throws Exception {
        Instant now = clock.instant();
        List<Binding> fromHeader = locations.update("sip:a@x", List.of(new ContactUpdate("sip:a@1.1.1.1", -1)), 300, "c", 1);
        assertEquals(now.plusSeconds(300), fromHeader.get(0).expires());
        List<Binding> fromDefault = locations.update("sip:b@x", List.of(new ContactUpdate("sip:b@1.1.1.1", -1)), -1, "c", 1);
        assertEquals(now.plusSeconds(600), fromDefault.get(0).expires());
        List<Binding> capped = locations.update("sip:c@x", List.of(new ContactUpdate("sip:c@1.1.1.1", 86400)), -1, "c", 1);
        assertEquals(now.plusSeconds(3600), capped.get(0).expires());
    }

    @Test
    @DisplayName("refuses an interval below the minimum with 423")
    void tooBrief() {
        RegistrationRejected rejected = assertThrows(RegistrationRejected.class,
                () -> locations.update("sip:a@x", List.of(new ContactUpdate("sip:a@1.1.1.1", 30)), -1, "c", 1));
        assertEquals(423, rejected.status());
    }

    @Test
    @DisplayName("removes a contact registered again with expires 0, and all of them with Contact: *")
    void removal() throws Exception {
        locations.update("sip:a@x", List.of(new ContactUpdate("sip:a@1.1.1.1", -1), new ContactUpdate("sip:a@1.1.1.2", -1)), -1, "c", 1);
        locations.update("sip:a@x", List.of(new ContactUpdate("sip:a@1.1.1.1", 0)), -1, "c", 2);
        assertEquals(List.of("sip:a@1.1.1.2"), contacts("sip:a@x"));
        locations.removeAll("sip:a@x");
        assertEquals(List.of(), contacts("sip:a@x"));
    }

    @Test
    @DisplayName("refuses a refresh with the same Call-ID and an older CSeq with 500")
    void outOfOrder() throws Exception {
        locations.update("sip:a@x", List.of(new ContactUpdate("sip:a@1.1.1.1", -1)), -1, "c", 5);
        RegistrationRejected rejected = assertThrows(RegistrationRejected.class,
                () -> locations.update("sip:a@x", List.of(new ContactUpdate("sip:a@1.1.1.1", -1)), -1, "c", 4));
        assertEquals(500, rejected.status());
        locations.update("sip:a@x", List.of(new ContactUpdate("sip:a@1.1.1.1", -1)), -1, "other-call-id", 1);
    }

    @Test
    @DisplayName("keeps at most max_contacts_per_user contacts: a new one pushes out the one refreshed longest ago")
    void contactsPerUserBounded() throws Exception {
        register("sip:a@x", "sip:a@1.1.1.1", "c1");
        register("sip:a@x", "sip:a@1.1.1.2", "c2");
        register("sip:a@x", "sip:a@1.1.1.3", "c3");
        register("sip:a@x", "sip:a@1.1.1.1", "c4"); // a refresh: now the most recent
        register("sip:a@x", "sip:a@1.1.1.4", "c5");
        assertEquals(List.of("sip:a@1.1.1.3", "sip:a@1.1.1.1", "sip:a@1.1.1.4"), contacts("sip:a@x"));
        assertEquals(3, locations.size());
    }

    @Test
    @DisplayName("refuses with 403 one REGISTER that alone carries more contacts than a user may have")
    void tooManyContactsAtOnce() {
        List<ContactUpdate> four = List.of(new ContactUpdate("sip:a@1.1.1.1", -1), new ContactUpdate("sip:a@1.1.1.2", -1),
                new ContactUpdate("sip:a@1.1.1.3", -1), new ContactUpdate("sip:a@1.1.1.4", -1));
        RegistrationRejected rejected = assertThrows(RegistrationRejected.class, () -> locations.update("sip:a@x", four, -1, "c", 1));
        assertEquals(403, rejected.status());
        assertEquals(List.of(), contacts("sip:a@x"));
    }

    @Test
    @DisplayName("past max_bindings in all, refuses new contacts with 503 and Retry-After, but refreshes and removals go on")
    void totalBounded() throws Exception {
        register("sip:a@x", "sip:a@1.1.1.1", "a");
        register("sip:a@x", "sip:a@1.1.1.2", "a2");
        register("sip:b@x", "sip:b@1.1.1.1", "b");
        register("sip:c@x", "sip:c@1.1.1.1", "c");
        register("sip:d@x", "sip:d@1.1.1.1", "d");
        RegistrationRejected full = assertThrows(RegistrationRejected.class, () -> register("sip:e@x", "sip:e@1.1.1.1", "e"));
        assertEquals(503, full.status());
        assertTrue(full.retryAfterSecs().isPresent());
        assertThrows(RegistrationRejected.class, () -> register("sip:a@x", "sip:a@1.1.1.3", "a3"), "a new contact of a known user too");
        assertEquals(List.of(), contacts("sip:e@x"));

        locations.update("sip:b@x", List.of(new ContactUpdate("sip:b@1.1.1.1", 600)), -1, "b", 2);
        assertEquals(5, locations.size(), "a refresh takes no room");
        locations.update("sip:b@x", List.of(new ContactUpdate("sip:b@1.1.1.1", 0)), -1, "b", 3);
        register("sip:e@x", "sip:e@1.1.1.1", "e");
        assertEquals(List.of("sip:e@1.1.1.1"), contacts("sip:e@x"));
    }

    @Test
    @DisplayName("purges lapsed bindings of addresses nobody looks up, giving their room back")
    void purgeWithoutLookup() throws Exception {
        locations.update("sip:a@x", List.of(new ContactUpdate("sip:a@1.1.1.1", 120)), -1, "a", 1);
        locations.update("sip:b@x", List.of(new ContactUpdate("sip:b@1.1.1.1", 600)), -1, "b", 1);
        clock.advance(Duration.ofSeconds(120));
        assertEquals(1, locations.purgeExpired());
        assertEquals(1, locations.size());
        assertEquals(List.of("sip:b@1.1.1.1"), contacts("sip:b@x"));
    }

    @Test
    @DisplayName("counts lapsed bindings it drops on lookup out of the total")
    void lookupKeepsTotal() throws Exception {
        locations.update("sip:a@x", List.of(new ContactUpdate("sip:a@1.1.1.1", 120)), -1, "a", 1);
        clock.advance(Duration.ofSeconds(121));
        assertEquals(List.of(), contacts("sip:a@x"));
        assertEquals(0, locations.size());
    }

    private void register(String aor, String contact, String callId) throws RegistrationRejected {
        locations.update(aor, List.of(new ContactUpdate(contact, -1)), -1, callId, 1);
    }

    private List<String> contacts(String aor) {
        return locations.lookup(aor).stream().map(Binding::contact).toList();
    }
}
