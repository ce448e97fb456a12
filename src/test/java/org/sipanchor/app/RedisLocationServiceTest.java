package org.sipanchor.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.sipanchor.app.LocationService.ContactUpdate;
import org.sipanchor.config.RegistrarConfig;
import org.sipanchor.config.RegistrarStoreConfig;
import org.sipanchor.testing.RedisServer;

/**
 * The location service on a real Redis: everything the memory store does (the inherited specification), and what only
 * a shared store can show: two nodes see each other's registrations, bindings lapse by Redis's own TTLs, a Redis that
 * is down or frozen refuses within the timeout instead of answering "no contacts".
 */
@DisplayName("The location service on Redis, shared by the nodes of a farm")
class RedisLocationServiceTest extends LocationServiceContract {

    @RegisterExtension
    static final RedisServer REDIS = new RedisServer();

    private static final Duration TIMEOUT = Duration.ofMillis(250);

    @BeforeEach
    void emptyRedis() {
        REDIS.start();
        assertEquals("+OK", REDIS.command("FLUSHALL"));
    }

    @Override
    LocationService locations(RegistrarConfig limits, MutableClock clock) {
        return node(limits, clock);
    }

    private static LocationService node(RegistrarConfig limits, Clock clock) {
        RegistrarStoreConfig store = new RegistrarStoreConfig("127.0.0.1", REDIS.port(), Optional.empty(), Optional.empty(), 0,
                false, TIMEOUT);
        return new LocationService(limits, clock, new RedisRegistrationStore(store, limits));
    }

    @Test
    @DisplayName("a REGISTER through one node is found by a look-up through another")
    void sharedBetweenNodes() throws Exception {
        LocationService other = node(new RegistrarConfig(60, 3600, 600, 3, 5), clock);
        try {
            locations.update("sip:bob@example.com", List.of(new ContactUpdate("sip:bob@10.0.0.2:5062", 120)), -1, "c1", 1);
            assertEquals(List.of("sip:bob@10.0.0.2:5062"), other.lookup("sip:Bob@EXAMPLE.com".replace("Bob", "bob"))
                    .stream().map(Binding::contact).toList());
            other.removeAll("sip:bob@example.com");
            assertEquals(List.of(), locations.lookup("sip:bob@example.com"));
        } finally {
            other.stop();
        }
    }

    @Test
    @DisplayName("bindings lapse by Redis TTLs: an address nobody refreshes leaves no key behind")
    void expiryByRedisTtl() throws Exception {
        LocationService realTime = node(new RegistrarConfig(1, 3600, 600, 3, 5), Clock.systemUTC());
        try {
            realTime.update("sip:carol@example.com", List.of(new ContactUpdate("sip:carol@10.0.0.3", 1)), -1, "c1", 1);
            String key = RedisRegistrationStore.PREFIX + "aor:sip:carol@example.com";
            long ttl = REDIS.integer("PTTL " + key);
            assertTrue(ttl > 0 && ttl <= 1000, "the key expires with its only binding, in " + ttl + " ms");
            Thread.sleep(ttl + 100);
            assertEquals(0, REDIS.integer("EXISTS " + key));
            assertEquals(List.of(), realTime.lookup("sip:carol@example.com"));
        } finally {
            realTime.stop();
        }
    }

    @Test
    @DisplayName("nodes racing to add contacts for one user never leave more than max_contacts_per_user")
    void atomicAcrossNodes() throws Exception {
        LocationService other = node(new RegistrarConfig(60, 3600, 600, 3, 50), clock);
        ExecutorService threads = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> updates = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                LocationService node = i % 2 == 0 ? locations : other;
                String contact = "sip:dave@10.0.1." + i;
                String callId = "race-" + i;
                updates.add(threads.submit(() -> node.update("sip:dave@example.com", List.of(new ContactUpdate(contact, -1)),
                        -1, callId, 1)));
            }
            for (Future<?> update : updates) {
                update.get();
            }
            assertEquals(3, other.lookup("sip:dave@example.com").size());
            assertEquals(3, locations.size());
        } finally {
            threads.shutdownNow();
            other.stop();
        }
    }

    @Test
    @DisplayName("Redis down: REGISTER and look-ups fail with LocationUnavailableException, never an empty answer; it recovers")
    void redisDown() throws Exception {
        locations.update("sip:erin@example.com", List.of(new ContactUpdate("sip:erin@10.0.0.5", -1)), -1, "c1", 1);
        REDIS.kill();
        try {
            assertThrows(LocationUnavailableException.class, () -> locations.lookup("sip:erin@example.com"));
            assertThrows(LocationUnavailableException.class,
                    () -> locations.update("sip:erin@example.com", List.of(new ContactUpdate("sip:erin@10.0.0.6", -1)), -1, "c2", 1));
        } finally {
            REDIS.start();
        }
        Thread.sleep(RedisRegistrationStore.BACK_OFF_MILLIS + 100);
        locations.update("sip:erin@example.com", List.of(new ContactUpdate("sip:erin@10.0.0.6", -1)), -1, "c2", 1);
        assertEquals(List.of("sip:erin@10.0.0.6"), locations.lookup("sip:erin@example.com").stream().map(Binding::contact).toList(),
                "a restarted Redis (no persistence in this test) has only what was registered since");
    }

    @Test
    @DisplayName("Redis frozen: a look-up gives up within the store timeout instead of holding a SIP thread")
    void redisFrozen() {
        REDIS.pause();
        try {
            // the bound is the point of the test, not a performance figure: 250 ms configured, 3 s allowed
            assertTimeoutPreemptively(Duration.ofSeconds(3), () -> {
                assertThrows(LocationUnavailableException.class, () -> locations.lookup("sip:frank@example.com"));
                // and the next ones are refused at once while the store backs off
                assertThrows(LocationUnavailableException.class, () -> locations.lookup("sip:frank@example.com"));
            });
        } finally {
            REDIS.resume();
        }
    }
}
