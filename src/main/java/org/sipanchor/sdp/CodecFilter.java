package org.sipanchor.sdp;

import java.util.Arrays;
import java.util.Collection;
import java.util.List;

/**
 * Which codecs {@link SessionDescription#filterCodecs(CodecFilter)} keeps.
 *
 * <p>Rules, per RTP media section:
 * <ul>
 *   <li>A format is kept when its encoding name is listed, ignoring case. A name may carry a clock rate and a
 *       channel count to be more precise: {@code "telephone-event/8000"}, {@code "opus/48000/2"}.</li>
 *   <li>{@code telephone-event} is kept without being listed (DTMF is signalling, not audio), unless
 *       {@link #withoutTelephoneEvent()}. Of several, those whose clock rate matches a kept codec are kept
 *       (RFC 4733 section 2.1 ties the event clock to the audio clock); if none matches, all are kept.</li>
 *   <li>{@code CN} (comfort noise) is a codec like any other: list it to keep it.</li>
 *   <li>{@code rtx} follows its primary ({@code apt=}): kept exactly when the primary is kept.
 *       {@code red} is kept when listed and every payload type its {@code a=fmtp} names is kept;
 *       {@code ulpfec} and {@code flexfec} when listed.</li>
 *   <li>A section left with no real codec (only telephone-event, CN, rtx, red or FEC, or nothing) is rejected
 *       the RFC 3264 way, with port 0; see {@link SessionDescription#filterCodecs(CodecFilter)}.</li>
 * </ul>
 *
 * <pre>{@code
 * sdp.filterCodecs(CodecFilter.keep("PCMU", "PCMA"));                          // G.711 plus DTMF
 * sdp.filterCodecs(CodecFilter.keep("AMR-WB").withoutTelephoneEvent());         // AMR-WB only
 * }</pre>
 */
public record CodecFilter(List<String> names, boolean keepTelephoneEvent) {

    public CodecFilter {
        names = List.copyOf(names);
        for (String n : names) {
            if (n.isBlank()) {
                throw new IllegalArgumentException("blank codec name in " + names);
            }
        }
    }

    /** Keeps the listed codecs, and telephone-event. */
    public static CodecFilter keep(String... names) {
        return new CodecFilter(Arrays.asList(names), true);
    }

    /** Keeps the listed codecs, and telephone-event. */
    public static CodecFilter keep(Collection<String> names) {
        return new CodecFilter(List.copyOf(names), true);
    }

    /** The same filter, dropping telephone-event unless it is listed by name. */
    public CodecFilter withoutTelephoneEvent() {
        return new CodecFilter(names, false);
    }

    boolean lists(Codec codec) {
        for (String n : names) {
            if (codec.is(n)) {
                return true;
            }
        }
        return false;
    }
}
