package org.sipanchor.media;

/** No RTPEngine could take the request: none is up, all timed out, or all refused for capacity. */
public final class MediaUnavailableException extends MediaException {
    private static final long serialVersionUID = 1L;

    public MediaUnavailableException(String callId, String message, Throwable cause) {
        super(callId, message, cause);
    }
}
