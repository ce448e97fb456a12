package org.sipanchor.media;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;

import org.sipanchor.sdp.SessionDescription;

/**
 * A named bundle of RTPEngine keys, one set per {@link Side}: the keys that describe how media must look on
 * that side, sent with every offer and answer whose SDP goes to it. Because each side is described on its
 * own, one profile serves a call in either direction: {@code srtp_to_rtp} turns an SRTP offer from a UE into
 * RTP for the core, and an RTP offer from the core into SRTP for the UE.
 *
 * <pre>{@code
 * MediaProfile profile = profiles.get("srtp_to_rtp");
 * Side offerer = profile.sideOf(SessionDescription.parse(offerBytes));   // A when the offer is RTP/SAVP
 * Map<String, Object> keys = profile.offerToward(offerer.other());       // {transport-protocol=RTP/AVP, ...}
 * }</pre>
 *
 * @param name            the name calls select it by
 * @param offerTowardA    keys for an offer sent to side A (checked against RTPEngine's offer vocabulary)
 * @param answerTowardA   keys for an answer sent to side A (the subset an answer honours)
 * @param offerTowardB    likewise for side B
 * @param answerTowardB   likewise for side B
 * @param looksLikeSideA  whether an offer comes from side A, by what it carries (SRTP, ICE, DTLS...)
 */
record MediaProfile(String name, Map<String, Object> offerTowardA, Map<String, Object> answerTowardA,
        Map<String, Object> offerTowardB, Map<String, Object> answerTowardB, Predicate<SessionDescription> looksLikeSideA) {

    public MediaProfile {
        offerTowardA = copy(offerTowardA);
        answerTowardA = copy(answerTowardA);
        offerTowardB = copy(offerTowardB);
        answerTowardB = copy(answerTowardB);
    }

    /** The RTPEngine keys for an offer whose SDP goes to {@code side}. */
    public Map<String, Object> offerToward(Side side) {
        return side == Side.A ? offerTowardA : offerTowardB;
    }

    /** The RTPEngine keys for an answer whose SDP goes to {@code side}. */
    public Map<String, Object> answerToward(Side side) {
        return side == Side.A ? answerTowardA : answerTowardB;
    }

    /** The side the party that sent {@code offer} is on. */
    public Side sideOf(SessionDescription offer) {
        return looksLikeSideA.test(offer) ? Side.A : Side.B;
    }

    private static Map<String, Object> copy(Map<String, Object> keys) {
        return java.util.Collections.unmodifiableMap(new LinkedHashMap<>(keys));
    }
}
