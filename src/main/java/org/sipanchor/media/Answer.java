package org.sipanchor.media;

import java.util.Optional;

/**
 * One SDP answer of a call, as RTPEngine is told about it.
 *
 * @param fromTag   the tag of the party that made the offer being answered
 * @param toTag     the tag of the party that answers
 * @param viaBranch the proxy branch the answer came back on, when the call forked
 * @param sdp       the answer as received
 */
public record Answer(String fromTag, String toTag, Optional<String> viaBranch, byte[] sdp) {

    public Answer {
        sdp = sdp.clone();
    }

    public static Answer of(String fromTag, String toTag, byte[] sdp) {
        return new Answer(fromTag, toTag, Optional.empty(), sdp);
    }

    public Answer withViaBranch(String branch) {
        return new Answer(fromTag, toTag, Optional.of(branch), sdp);
    }

    @Override
    public byte[] sdp() {
        return sdp.clone();
    }
}
