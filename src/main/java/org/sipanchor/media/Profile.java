package org.sipanchor.media;

import java.io.Serializable;
import java.util.Objects;

/**
 * A media profile a call is anchored with: a named bundle of RTPEngine flags per side (see {@link MediaProfiles}).
 * The four built-in profiles are constants; a profile of {@code media.profiles} is looked up once, when the
 * application starts, so that a name nobody defined stops the deployment with the names that exist instead of
 * failing the first call:
 *
 * <pre>{@code
 * public class MySbc extends MediaB2buaServlet {
 *     private Profile secureTrunk;
 *
 *     public void init() throws ServletException {
 *         super.init();
 *         secureTrunk = profileNamed("srtp_to_srtp");     // from media.profiles; unknown names fail here
 *     }
 *
 *     protected Profile profile(SipServletRequest invite) {
 *         return invite.getRequestURI().getScheme().equals("sips") ? secureTrunk : Profile.SRTP_TO_RTP;
 *     }
 * }
 * }</pre>
 */
public final class Profile implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Plain RTP on both sides: the media is anchored, nothing else changes. */
    public static final Profile RTP_PASSTHROUGH = new Profile("rtp_passthrough");
    /** SDES-SRTP on side A (access, VoLTE), plain RTP on side B (the core). */
    public static final Profile SRTP_TO_RTP = new Profile("srtp_to_rtp");
    /** A browser over WebSocket on side A (RTP/AVPF, ICE), plain RTP on side B. */
    public static final Profile WS_TO_RTP = new Profile("ws_to_rtp");
    /** A browser over secure WebSocket on side A (DTLS-SRTP, ICE, rtcp-mux), plain RTP on side B. */
    public static final Profile WSS_TO_RTP = new Profile("wss_to_rtp");

    private final String name;

    /** Only {@link MediaProfiles} makes profiles, so that every one a call can name exists. */
    Profile(String name) {
        this.name = Objects.requireNonNull(name, "name");
    }

    /** The name in {@code media.profiles} or of the built-in profile. */
    public String name() {
        return name;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Profile profile && profile.name.equals(name);
    }

    @Override
    public int hashCode() {
        return name.hashCode();
    }

    @Override
    public String toString() {
        return name;
    }
}
