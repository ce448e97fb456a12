package org.sipanchor.sdp;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** The real-world SDP bodies under {@code src/test/resources/sdp/}, read byte for byte. */
final class Fixtures {

    static final List<String> ALL = List.of(
            "chrome-offer.sdp", "firefox-offer.sdp", "volte-offer.sdp", "t38-reinvite.sdp", "video-call.sdp",
            "srtp-offer.sdp", "sipp-pcmu.sdp", "lf-only.sdp", "no-trailing-newline.sdp", "trailing-empty-line.sdp");

    /** The SDES keys of srtp-offer.sdp: never to be seen in a log. */
    static final List<String> SRTP_KEYS = List.of(
            "PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR", "d0RmdmcmVCspeEc3QGZiNWpVLFJhQX1cfHAwJSoj");

    private Fixtures() {
    }

    static byte[] bytes(String name) {
        try (InputStream in = Fixtures.class.getResourceAsStream("/sdp/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static SessionDescription sdp(String name) {
        return SessionDescription.parse(bytes(name));
    }

    static String text(SessionDescription sdp) {
        return new String(sdp.toBytes(), StandardCharsets.UTF_8);
    }

    /** The lines of a body, without their endings. */
    static List<String> lines(SessionDescription sdp) {
        return new ArrayList<>(Arrays.asList(text(sdp).split("\r?\n", -1)));
    }

    /** An SDP body from lines joined with CRLF and a final CRLF, the way SIP stacks send it. */
    static String crlf(String... lines) {
        return String.join("\r\n", lines) + "\r\n";
    }
}
