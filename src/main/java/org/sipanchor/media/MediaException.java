package org.sipanchor.media;

import java.util.Collection;
import java.util.TreeSet;

import org.sipanchor.sdp.SdpException;

/**
 * Media could not be anchored, changed or released for a call. It names the Call-ID, so that one log line finds
 * the call, and says what kind of failure it was; the servlet bases turn each kind into the SIP reply users expect
 * (503 with Retry-After, 488, 415, 413, 500). It is unchecked: a servlet lets it reach the base, which answers the request.
 *
 * <pre>{@code
 * try {
 *     call.caller().play("/prompts/welcome.wav");
 * } catch (MediaException e) {
 *     if (e.kind() == MediaException.Kind.UNAVAILABLE) {
 *         log.warning(e.getMessage());   // "call-id=a84b4c76e66710: no rtpengine took 'play media' ..."
 *     }
 * }
 * }</pre>
 */
public final class MediaException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** What went wrong, as far as the reply to the caller is concerned. */
    public enum Kind {
        /** SDP that does not parse; the reason names the line (with any key masked). */
        MALFORMED_SDP,
        /** SDP over {@code media.limits.max_sdp_bytes}, or too large for the NG transport (UDP carries 65,507 bytes). */
        TOO_LARGE,
        /** An offer against a rule of {@code media.limits}: too many media sections, media RTPEngine cannot anchor. */
        UNACCEPTABLE,
        /** SDP in a body sipanchor does not rewrite (multipart). */
        UNSUPPORTED_BODY,
        /** RTPEngine refused the request and said why (its {@code error-reason}). */
        REFUSED,
        /** No RTPEngine could take the request: none is up, all timed out, or all refused for capacity. */
        UNAVAILABLE,
        /** The call names a profile nobody defined. */
        UNKNOWN_PROFILE,
        /** sipanchor built a request RTPEngine's vocabulary does not allow: a bug or a bad profile, not the caller's doing. */
        INTERNAL
    }

    private final Kind kind;
    private final String callId;
    private final String reason;
    private final String callerWarning;

    public MediaException(Kind kind, String callId, String reason, Throwable cause) {
        this(kind, callId, reason, null, cause);
    }

    private MediaException(Kind kind, String callId, String reason, String callerWarning, Throwable cause) {
        super("call-id=" + callId + ": " + reason, cause);
        this.kind = kind;
        this.callId = callId;
        this.reason = reason;
        this.callerWarning = callerWarning;
    }

    /**
     * An offer sipanchor refused itself, before any RTPEngine heard of it; {@code warning} is what the caller is told:
     * the limit, and the caller's own line at fault (never anything of RTPEngine's); {@code rule} names the setting
     * for the log.
     */
    public static MediaException refusedOffer(Kind kind, String callId, String warning, String rule) {
        return new MediaException(kind, callId, "offer refused before RTPEngine (" + rule + "): " + warning, warning, null);
    }

    /** SDP that does not parse, naming its line. */
    public static MediaException malformedSdp(String callId, SdpException cause) {
        return new MediaException(Kind.MALFORMED_SDP, callId, "malformed SDP: " + cause.getMessage(), cause);
    }

    /** A profile nobody defined, with the names that exist (for the log only). */
    public static MediaException unknownProfile(String callId, String profile, Collection<String> known) {
        return new MediaException(Kind.UNKNOWN_PROFILE, callId, "unknown media profile \"" + profile + "\" (known: "
                + String.join(", ", new TreeSet<>(known)) + ")", null);
    }

    public Kind kind() {
        return kind;
    }

    public String callId() {
        return callId;
    }

    /** The reason without the Call-ID prefix, for the log (it may name RTPEngine's addresses: not for the caller). */
    public String reason() {
        return reason;
    }

    /** What the caller may be told, when the failure is about the caller's own offer (a limit, a line of it). */
    public java.util.Optional<String> callerWarning() {
        return java.util.Optional.ofNullable(callerWarning);
    }
}
