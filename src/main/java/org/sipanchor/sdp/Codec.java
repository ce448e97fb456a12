package org.sipanchor.sdp;

import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * One RTP payload format of a media section: payload type, encoding name, clock rate, channels and the
 * {@code a=fmtp} parameters, from {@code a=rtpmap} or, for a static payload type without one, from RFC 3551.
 *
 * <pre>{@code
 * Codec opus = media.codecs().get(111);
 * opus.name();           // "opus"
 * opus.clockRate();      // 48000
 * opus.channels();       // 2
 * opus.parameters();     // Optional[minptime=10;useinbandfec=1]
 * opus.is("OPUS/48000"); // true
 * }</pre>
 *
 * @param channels the audio channel count; 1 when {@code a=rtpmap} gives none, and for video
 */
public record Codec(int payloadType, String name, int clockRate, int channels, Optional<String> parameters) {

    // RFC 3551 tables 4 and 5: what a static payload type means when no a=rtpmap says otherwise
    private static final Map<Integer, Codec> STATIC = Map.ofEntries(
            fixed(0, "PCMU", 8000, 1), fixed(3, "GSM", 8000, 1), fixed(4, "G723", 8000, 1),
            fixed(5, "DVI4", 8000, 1), fixed(6, "DVI4", 16000, 1), fixed(7, "LPC", 8000, 1),
            fixed(8, "PCMA", 8000, 1), fixed(9, "G722", 8000, 1), fixed(10, "L16", 44100, 2),
            fixed(11, "L16", 44100, 1), fixed(12, "QCELP", 8000, 1), fixed(13, "CN", 8000, 1),
            fixed(14, "MPA", 90000, 1), fixed(15, "G728", 8000, 1), fixed(16, "DVI4", 11025, 1),
            fixed(17, "DVI4", 22050, 1), fixed(18, "G729", 8000, 1), fixed(25, "CelB", 90000, 1),
            fixed(26, "JPEG", 90000, 1), fixed(28, "nv", 90000, 1), fixed(31, "H261", 90000, 1),
            fixed(32, "MPV", 90000, 1), fixed(33, "MP2T", 90000, 1), fixed(34, "H263", 90000, 1));

    public Codec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(parameters, "parameters");
        if (payloadType < 0 || payloadType > 127) {
            throw new IllegalArgumentException("payload type out of range 0-127: " + payloadType);
        }
    }

    private static Map.Entry<Integer, Codec> fixed(int pt, String name, int rate, int channels) {
        return Map.entry(pt, new Codec(pt, name, rate, channels, Optional.empty()));
    }

    /** The RFC 3551 meaning of a static payload type, if it has one. */
    public static Optional<Codec> ofStaticPayloadType(int payloadType) {
        return Optional.ofNullable(STATIC.get(payloadType));
    }

    /**
     * Whether this codec matches a name as users write it: {@code "PCMU"}, {@code "telephone-event/8000"} or
     * {@code "opus/48000/2"}, ignoring case. A rate or channel count, when given, must match too.
     */
    public boolean is(String spec) {
        String[] parts = spec.strip().split("/", -1);
        if (!parts[0].equalsIgnoreCase(name)) {
            return false;
        }
        if (parts.length > 1 && !parts[1].equals(Integer.toString(clockRate))) {
            return false;
        }
        return parts.length <= 2 || parts[2].equals(Integer.toString(channels));
    }

    /** The payload type an RTX format repairs ({@code apt=} in RFC 4588), if this is one. */
    public OptionalInt associatedPayloadType() {
        return parameter("apt").map(v -> {
            try {
                return OptionalInt.of(Integer.parseInt(v));
            } catch (NumberFormatException e) {
                return OptionalInt.empty();
            }
        }).orElse(OptionalInt.empty());
    }

    /** A {@code key=value} parameter of {@code a=fmtp} (key compared ignoring case). */
    public Optional<String> parameter(String key) {
        if (parameters.isEmpty()) {
            return Optional.empty();
        }
        for (String p : parameters.get().split(";")) {
            int eq = p.indexOf('=');
            if (eq > 0 && p.substring(0, eq).strip().equalsIgnoreCase(key)) {
                return Optional.of(p.substring(eq + 1).strip());
            }
        }
        return Optional.empty();
    }

    /** Formats that ride along with a real codec rather than carry media of their own. */
    boolean isAuxiliary() {
        String n = name.toLowerCase(Locale.ROOT);
        return n.equals("telephone-event") || n.equals("cn") || n.equals("rtx") || n.equals("red")
                || n.equals("ulpfec") || n.startsWith("flexfec");
    }

    boolean isNamed(String encodingName) {
        return name.equalsIgnoreCase(encodingName);
    }
}
