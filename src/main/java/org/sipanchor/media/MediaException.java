package org.sipanchor.media;

/**
 * Media could not be anchored, changed or released for a call. Every subclass names the Call-ID, so one log
 * line finds the call; the servlet layer turns each kind into the SIP reply users expect.
 */
public abstract class MediaException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String callId;
    private final String reason;

    protected MediaException(String callId, String message) {
        this(callId, message, null);
    }

    protected MediaException(String callId, String message, Throwable cause) {
        super("call-id=" + callId + ": " + message, cause);
        this.callId = callId;
        this.reason = message;
    }

    public String callId() {
        return callId;
    }

    /** The reason without the Call-ID prefix, fit for a SIP reason phrase or Warning header. */
    public String reason() {
        return reason;
    }
}
