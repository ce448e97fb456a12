package org.sipanchor.media;

import java.util.Optional;

import javax.servlet.sip.SipServletMessage;

import jakarta.inject.Singleton;

import org.sipanchor.sdp.SdpException;
import org.sipanchor.sdp.SessionDescription;

/**
 * Shapes a message's SDP without RTPEngine: parse it, change it with {@link SessionDescription}'s methods
 * (codec filter, hold, identity masking...), put it back. Inside sipanchor's servlet bases, shape offers and
 * answers in their {@code shapeOffer}/{@code shapeAnswer} hooks instead: the container does not let a servlet
 * change a request it received, and the hooks run before RTPEngine sees the SDP.
 *
 * <pre>{@code
 * @Inject SdpService sdp;
 *
 * SipServletRequest toCallee = ...;   // a request this servlet creates or relays
 * sdp.parse(toCallee).ifPresent(offer -> sdp.apply(offer.filterCodecs(List.of("PCMU", "PCMA")), toCallee));
 * }</pre>
 *
 * Malformed SDP is an unchecked {@link MediaException} of kind {@code MALFORMED_SDP} naming the line; the servlet
 * bases answer it 488.
 */
@Singleton
public class SdpService {

    /**
     * The message's SDP, if it has any.
     *
     * @throws MediaException of kind {@code MALFORMED_SDP}, naming the line that does not parse
     */
    public Optional<SessionDescription> parse(SipServletMessage message) {
        Optional<byte[]> body = SdpBody.of(message);
        if (body.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(SessionDescription.parse(body.get()));
        } catch (SdpException e) {
            throw MediaException.malformedSdp(message.getCallId(), e);
        }
    }

    /** Puts {@code sdp} into the message as its body. */
    public void apply(SessionDescription sdp, SipServletMessage message) {
        SdpBody.replace(message, sdp.toBytes());
    }
}
