package org.sipanchor.media;

import org.sipanchor.sdp.SdpException;

/** A message's SDP cannot be parsed; the reason names the line (with any key masked). */
public final class MalformedSdpException extends MediaException {
    private static final long serialVersionUID = 1L;

    public MalformedSdpException(String callId, SdpException cause) {
        super(callId, "malformed SDP: " + cause.getMessage(), cause);
    }
}
