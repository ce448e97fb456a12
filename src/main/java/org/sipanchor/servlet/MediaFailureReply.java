package org.sipanchor.servlet;

import java.io.IOException;
import java.util.logging.Logger;

import javax.servlet.sip.SipServletRequest;
import javax.servlet.sip.SipServletResponse;

import org.sipanchor.media.MalformedSdpException;
import org.sipanchor.media.MediaException;
import org.sipanchor.media.MediaRejectedException;
import org.sipanchor.media.MediaUnavailableException;

/**
 * The SIP reply for a request whose media could not be anchored, in one place: 503 with Retry-After when no
 * RTPEngine could take it, 488 when its SDP is malformed or RTPEngine refused it, 500 for a profile nobody
 * defined. The reason goes into a Warning header (RFC 3261 section 20.43) and a log line with the Call-ID.
 */
public final class MediaFailureReply {

    /** Seconds a caller is asked to wait before retrying when no RTPEngine is available. */
    public static final int RETRY_AFTER_SECONDS = 5;

    private static final Logger LOG = Logger.getLogger(MediaFailureReply.class.getName());

    private MediaFailureReply() {
    }

    /** The status that answers {@code failure}. */
    public static int status(MediaException failure) {
        if (failure instanceof MediaUnavailableException) {
            return SipServletResponse.SC_SERVICE_UNAVAILABLE;
        }
        if (failure instanceof MalformedSdpException || failure instanceof MediaRejectedException) {
            return SipServletResponse.SC_NOT_ACCEPTABLE_HERE;
        }
        return SipServletResponse.SC_SERVER_INTERNAL_ERROR;
    }

    /** Rejects {@code request} because of {@code failure}, and logs why. */
    public static void send(SipServletRequest request, MediaException failure) throws IOException {
        int status = status(failure);
        LOG.warning(() -> "call-id=" + request.getCallId() + " " + request.getMethod() + " rejected with " + status
                + ": " + failure.reason());
        SipServletResponse response = request.createResponse(status);
        response.setHeader("Warning", "399 sipanchor \"" + failure.reason().replaceAll("[\"\\r\\n]", "'") + "\"");
        if (status == SipServletResponse.SC_SERVICE_UNAVAILABLE) {
            response.setHeader("Retry-After", Integer.toString(RETRY_AFTER_SECONDS));
        }
        response.send();
    }
}
