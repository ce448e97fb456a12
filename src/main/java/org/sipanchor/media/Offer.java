package org.sipanchor.media;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;

import javax.servlet.sip.SipServletRequest;

/**
 * One SDP offer of a call, as RTPEngine is told about it.
 *
 * @param fromTag      the tag of the party that sends the offer
 * @param toTag        the other party's tag, once the dialog has one (re-INVITE, UPDATE)
 * @param viaBranch    the proxy branch the offer goes out on, when a call forks
 * @param sdp          the offer as received
 * @param receivedFrom where the signalling came from (RTPEngine uses it with the {@code SIP source address} flag)
 */
public record Offer(String fromTag, Optional<String> toTag, Optional<String> viaBranch, byte[] sdp,
        Optional<InetAddress> receivedFrom) {

    public Offer {
        sdp = sdp.clone();
    }

    /** The via-branch of a call's branch {@code index} (a proxy's branch, a B2BUA's B-leg) as sipanchor names it to RTPEngine. */
    public static String branch(int index) {
        return "sipanchor-" + index;
    }

    /** An initial offer: a From tag and an SDP. */
    public static Offer of(String fromTag, byte[] sdp) {
        return new Offer(fromTag, Optional.empty(), Optional.empty(), sdp, Optional.empty());
    }

    public Offer withToTag(String tag) {
        return new Offer(fromTag, Optional.of(tag), viaBranch, sdp, receivedFrom);
    }

    public Offer withViaBranch(String branch) {
        return new Offer(fromTag, toTag, Optional.of(branch), sdp, receivedFrom);
    }

    public Offer withReceivedFrom(InetAddress source) {
        return new Offer(fromTag, toTag, viaBranch, sdp, Optional.of(source));
    }

    /** This offer with the address {@code request} came from, when the container knows it. */
    public Offer withSourceOf(SipServletRequest request) {
        String remote = request.getRemoteAddr();
        if (remote == null) {
            return this;
        }
        try {
            // an IP literal: no name lookup happens
            return withReceivedFrom(InetAddress.getByName(remote));
        } catch (UnknownHostException e) {
            return this; // RTPEngine then takes the address from the SDP
        }
    }

    @Override
    public byte[] sdp() {
        return sdp.clone();
    }
}
