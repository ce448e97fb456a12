package org.sipanchor.media;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The sides of a call's parties")
class MediaCallSidesTest {

    @Test
    @DisplayName("follow the first offer when nothing is pinned: its sender on the side the offer shows, everyone else opposite")
    void firstOfferDecides() {
        MediaCall call = new MediaCall("call-1", "srtp_to_rtp");
        assertEquals(Side.B, call.placeOfferer("caller", Side.B));
        assertEquals(Side.A, call.sideOf("callee"));
        assertEquals(Side.B, call.placeOfferer("caller", Side.A), "later offers keep the sides");
    }

    @Test
    @DisplayName("follow a pinned party whatever its offer shows: a B2BUA knows its access side")
    void pinnedPartyWins() {
        MediaCall call = new MediaCall("call-2", "srtp_to_rtp");
        call.pinSide("caller", Side.A);
        assertEquals(Side.A, call.placeOfferer("caller", Side.B), "an RTP offer from the SRTP side stays on side A");
        assertEquals(Side.B, call.sideOf("callee"));
    }

    @Test
    @DisplayName("put the other party opposite the pinned one when it offers first (a late offer from the callee)")
    void otherPartyOffersFirst() {
        MediaCall call = new MediaCall("call-3", "wss_to_rtp");
        call.pinSide("caller", Side.B);
        assertEquals(Side.A, call.placeOfferer("callee", Side.B), "the callee is opposite the pinned caller");
        assertEquals(Side.B, call.sideOf("caller"));
    }

    @Test
    @DisplayName("cannot be pinned once the call has had its first offer")
    void pinningAfterTheFirstOfferChangesNothing() {
        MediaCall call = new MediaCall("call-4", "srtp_to_rtp");
        call.placeOfferer("caller", Side.A);
        call.pinSide("caller", Side.B);
        assertEquals(Side.A, call.sideOf("caller"));
    }
}
