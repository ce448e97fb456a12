package org.sipanchor.media;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

import javax.servlet.sip.SipServletMessage;

/**
 * The SDP body of a SIP message: read when the Content-Type is {@code application/sdp} and the body is not
 * empty; written back with the same Content-Type (the container recomputes Content-Length).
 */
public final class SdpBody {

    private static final String SDP = "application/sdp";
    /** A part's Content-Type header naming SDP (RFC 2046 part headers, case-insensitive, at a line start). */
    private static final Pattern SDP_PART = Pattern.compile("(?im)^content-type[ \\t]*:[ \\t]*application/sdp\\b");

    private SdpBody() {
    }

    /** The message's SDP bytes, if it carries SDP. */
    public static Optional<byte[]> of(SipServletMessage message) {
        String type = message.getContentType();
        if (type == null || !type.toLowerCase(Locale.ROOT).trim().startsWith(SDP) || message.getContentLength() == 0) {
            return Optional.empty();
        }
        try {
            byte[] raw = message.getRawContent();
            return raw == null || raw.length == 0 ? Optional.empty() : Optional.of(raw);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the body of " + message.getCallId(), e);
        }
    }

    /**
     * Whether the message's body is multipart (RFC 5621) with an {@code application/sdp} part at any depth: an offer
     * {@link #of} does not see, which must not be relayed as it is.
     */
    public static boolean isMultipartWithSdp(SipServletMessage message) {
        String type = message.getContentType();
        if (type == null || !type.toLowerCase(Locale.ROOT).trim().startsWith("multipart/")) {
            return false;
        }
        try {
            byte[] raw = message.getRawContent();
            // ISO-8859-1 maps every byte to one char: a part's headers are found whatever the other parts hold
            return raw != null && SDP_PART.matcher(new String(raw, StandardCharsets.ISO_8859_1)).find();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the body of " + message.getCallId(), e);
        }
    }

    /** Replaces the message's body with {@code sdp}, keeping its Content-Type ({@code application/sdp} if it had none). */
    public static void replace(SipServletMessage message, byte[] sdp) {
        String type = message.getContentType() == null ? SDP : message.getContentType();
        try {
            message.setContent(sdp, type);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot set the body of " + message.getCallId(), e);
        }
    }
}
