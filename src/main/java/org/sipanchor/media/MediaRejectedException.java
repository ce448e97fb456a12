package org.sipanchor.media;

/** RTPEngine refused the request and said why (its {@code error-reason}). */
public final class MediaRejectedException extends MediaException {
    private static final long serialVersionUID = 1L;

    public MediaRejectedException(String callId, String message, Throwable cause) {
        super(callId, message, cause);
    }
}
