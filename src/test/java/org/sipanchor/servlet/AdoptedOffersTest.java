package org.sipanchor.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The offers of adopted dialogs waiting for their answers: found by transaction, bounded, forgotten in time. */
@DisplayName("Offers waiting in adopted dialogs")
class AdoptedOffersTest {

    private final AtomicLong now = new AtomicLong();
    private final AdoptedOffers offers = new AdoptedOffers(2, 1_000, now::get);
    private final RouteMedia media = new RouteMedia(Optional.of("10.0.0.7:2223"), "rtp_passthrough");

    @Test
    @DisplayName("the reply to a request finds its offer by Call-ID, CSeq and method, until it is answered")
    void foundByTransaction() {
        offers.expect("call-1", 2, "INVITE", new AdoptedOffers.Waiting(media, "alice"));
        assertEquals("alice", offers.find("call-1", 2, "INVITE").orElseThrow().offererTag());
        assertEquals(media, offers.find("call-1", 2, "INVITE").orElseThrow().media());
        assertTrue(offers.find("call-1", 3, "INVITE").isEmpty(), "another transaction");
        assertTrue(offers.find("call-1", 2, "UPDATE").isEmpty(), "another method");
        offers.answered("call-1", 2, "INVITE");
        assertTrue(offers.find("call-1", 2, "INVITE").isEmpty());
    }

    @Test
    @DisplayName("an offer never answered is forgotten after its lifetime")
    void forgottenInTime() {
        offers.expect("call-1", 2, "INVITE", new AdoptedOffers.Waiting(media, "alice"));
        now.addAndGet(999);
        assertTrue(offers.find("call-1", 2, "INVITE").isPresent());
        now.addAndGet(1);
        assertTrue(offers.find("call-1", 2, "INVITE").isEmpty());
        assertEquals(0, offers.size());
    }

    @Test
    @DisplayName("beyond its capacity the oldest offer goes")
    void bounded() {
        offers.expect("call-1", 2, "INVITE", new AdoptedOffers.Waiting(media, "alice"));
        offers.expect("call-2", 2, "INVITE", new AdoptedOffers.Waiting(media, "bob"));
        offers.expect("call-3", 2, "INVITE", new AdoptedOffers.Waiting(media, "carol"));
        assertEquals(2, offers.size());
        assertTrue(offers.find("call-1", 2, "INVITE").isEmpty());
        assertTrue(offers.find("call-3", 2, "INVITE").isPresent());
    }
}
