package org.sipanchor.servlet;

import java.io.IOException;
import java.util.Optional;
import java.util.logging.Logger;

import javax.servlet.sip.SipServletRequest;
import javax.servlet.sip.SipServletResponse;

import org.sipanchor.media.MediaException;
import org.sipanchor.media.SdpBody;
import org.sipanchor.sdp.SdpException;
import org.sipanchor.sdp.SessionDescription;

/**
 * The SIP reply for a request whose media could not be anchored, in one place: 503 with Retry-After when no
 * RTPEngine could take it, 488 when its SDP is malformed or RTPEngine refused it, 413 when its SDP is too large to
 * anchor, 500 for a profile nobody defined or a request sipanchor built wrong.
 *
 * <p>The caller is told what failed in a Warning header (RFC 3261 section 20.43), never how: the reply goes to
 * whoever sent the request, so it names no RTPEngine address, no daemon error text and no configuration. The one
 * detail it keeps is the line at fault when the request's own SDP does not parse: that is the caller's text,
 * and the caller needs it. The full reason, internal detail included, goes to a log line with the Call-ID.
 *
 * <pre>{@code
 * 503 + Warning: 399 sipanchor "media relay unavailable"                 (log: which instances, why)
 * 488 + Warning: 399 sipanchor "media relay refused the session"         (log: RTPEngine's error-reason)
 * 488 + Warning: 399 sipanchor "malformed SDP: line 2 'x=y': ..."        (the caller's own line)
 * 413 + Warning: 399 sipanchor "SDP too large to anchor"                 (log: its size and the transport's limit)
 * 500 + Warning: 399 sipanchor "media profile not available"             (log: the profile and the known ones)
 * 413 / 488 / 415 for an offer refused before RTPEngine (media.limits, media over TCP, a multipart body): the
 *     Warning names the limit and the caller's line, e.g. "too many media sections: line 30 'm=audio 5000 RTP/AVP 0'
 *     is section 9 of 12 (at most 8)"
 * }</pre>
 */
public final class MediaFailureReply {

    /** Seconds a caller is asked to wait before retrying when no RTPEngine is available. */
    public static final int RETRY_AFTER_SECONDS = 5;

    static final String UNAVAILABLE = "media relay unavailable";
    static final String REFUSED = "media relay refused the session";
    static final String NO_PROFILE = "media profile not available";
    static final String NOT_ANCHORED = "media could not be anchored";
    static final String TOO_LARGE = "SDP too large to anchor";

    private static final Logger LOG = Logger.getLogger(MediaFailureReply.class.getName());

    private MediaFailureReply() {
    }

    /** The status that answers {@code failure}. */
    public static int status(MediaException failure) {
        return switch (failure.kind()) {
            case UNAVAILABLE -> SipServletResponse.SC_SERVICE_UNAVAILABLE;
            case MALFORMED_SDP, REFUSED, UNACCEPTABLE -> SipServletResponse.SC_NOT_ACCEPTABLE_HERE;
            case UNSUPPORTED_BODY -> SipServletResponse.SC_UNSUPPORTED_MEDIA_TYPE;
            case TOO_LARGE -> SipServletResponse.SC_REQUEST_ENTITY_TOO_LARGE;
            case UNKNOWN_PROFILE, INTERNAL -> SipServletResponse.SC_SERVER_INTERNAL_ERROR;
        };
    }

    /**
     * The text of the Warning header that answers {@code failure} for a request whose SDP body is {@code requestSdp}:
     * what failed, in words safe to tell any caller.
     *
     * <p>Malformed SDP may come from the request's SDP or from SDP sipanchor received elsewhere
     * (RTPEngine's rewritten body, the other party's): the line is quoted only when the request's own body does
     * not parse, and then the quoted line is the one found in that body.
     */
    public static String warningText(MediaException failure, Optional<byte[]> requestSdp) {
        if (failure.callerWarning().isPresent()) {
            return failure.callerWarning().get(); // the limit and the caller's own line, nothing of RTPEngine's
        }
        return switch (failure.kind()) {
            case UNAVAILABLE -> UNAVAILABLE;
            case REFUSED -> REFUSED;
            case UNKNOWN_PROFILE -> NO_PROFILE;
            case TOO_LARGE -> TOO_LARGE;
            case INTERNAL, UNACCEPTABLE, UNSUPPORTED_BODY -> NOT_ANCHORED;
            case MALFORMED_SDP -> requestSdp.flatMap(MediaFailureReply::parseFailure)
                    .map(e -> "malformed SDP: line " + e.lineNumber()
                            + (e.line().isEmpty() ? "" : " '" + e.line() + "'") + ": " + e.problem())
                    .orElse(NOT_ANCHORED);
        };
    }

    private static Optional<SdpException> parseFailure(byte[] sdp) {
        try {
            SessionDescription.parse(sdp);
            return Optional.empty();
        } catch (SdpException e) {
            return Optional.of(e);
        }
    }

    /** Rejects {@code request} because of {@code failure}, and logs why in full. */
    public static void send(SipServletRequest request, MediaException failure) throws IOException {
        int status = status(failure);
        String warning = warningText(failure, SdpBody.of(request));
        LOG.warning(() -> "call-id=" + request.getCallId() + " " + request.getMethod() + " rejected with " + status
                + " (\"" + warning + "\"): " + failure.reason());
        SipServletResponse response = request.createResponse(status);
        response.setHeader("Warning", warningHeader(warning));
        if (status == SipServletResponse.SC_SERVICE_UNAVAILABLE) {
            response.setHeader("Retry-After", Integer.toString(RETRY_AFTER_SECONDS));
        }
        if (status == SipServletResponse.SC_UNSUPPORTED_MEDIA_TYPE) {
            response.setHeader("Accept", "application/sdp"); // RFC 3261 section 21.4.13
        }
        response.send();
    }

    /** A Warning header value (RFC 3261 warning-value) whose quoted text cannot be broken out of. */
    static String warningHeader(String text) {
        return "399 sipanchor \"" + text.replaceAll("[\"\\\\\\p{Cntrl}]", "'") + "\"";
    }
}
