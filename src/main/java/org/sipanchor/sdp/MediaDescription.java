package org.sipanchor.sdp;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * One media section of a {@link SessionDescription}: its {@code m=} line and the lines up to the next one.
 * Immutable; the {@code with...} methods return a new section in which every line they do not change keeps its
 * original bytes. Put a changed section back with {@link SessionDescription#withMedia(int, MediaDescription)}.
 *
 * <pre>{@code
 * MediaDescription audio = sdp.media().get(0);
 * audio.type();                    // "audio"
 * audio.port();                    // 49170
 * audio.protocol();                // "RTP/AVP"
 * audio.formats();                 // ["0", "8", "101"]
 * audio.codecs().get(0).name();    // "PCMU" (static payload type, no a=rtpmap needed)
 * audio.direction();               // SENDRECV unless an a= line here or at session level says otherwise
 * sdp.withMedia(0, audio.withDirection(Direction.SENDONLY));
 * }</pre>
 */
public final class MediaDescription {

    // attributes whose value starts with the payload type they describe: they go when that format goes
    private static final Set<String> PER_FORMAT = Set.of("rtpmap", "fmtp", "rtcp-fb", "imageattr", "framesize");
    private static final String SESSION_ONLY_TYPES = "vostrzuep";

    /** What a section inherits from the session part, and the line ending new lines get. */
    record Context(Direction sessionDirection, Optional<Connection> sessionConnection, String eol) {
    }

    private final Line mLine;
    private final List<Line> lines;
    private final Context context;

    private final String type;
    private final int port;
    private final OptionalInt portCount;
    private final String protocol;
    private final List<String> formats;
    private final Optional<Connection> connection;
    private final List<Attribute> attributes;
    private final Map<Integer, Codec> codecs;

    MediaDescription(Line mLine, List<Line> lines, Context context) {
        this.mLine = mLine;
        this.lines = List.copyOf(lines);
        this.context = context;

        String[] t = Fields.of(mLine.value());
        if (t.length < 3) {
            throw SdpException.malformed(mLine, "expected m=<media> <port> <proto> <fmt> ...");
        }
        if (!Attribute.isToken(t[0])) {
            throw SdpException.malformed(mLine, "media type is not a token: " + t[0]);
        }
        this.type = t[0];
        String portField = t[1];
        int slash = portField.indexOf('/');
        this.port = number(slash < 0 ? portField : portField.substring(0, slash), 65535);
        if (port < 0) {
            throw SdpException.malformed(mLine, "port is not a number 0-65535: " + portField);
        }
        if (slash < 0) {
            this.portCount = OptionalInt.empty();
        } else {
            int count = number(portField.substring(slash + 1), 65535);
            if (count < 1) {
                throw SdpException.malformed(mLine, "port count is not a positive number: " + portField);
            }
            this.portCount = OptionalInt.of(count);
        }
        this.protocol = t[2];
        this.formats = List.of(t).subList(3, t.length);
        // a rejected stream is sometimes written without formats; an active one cannot be
        if (formats.isEmpty() && port != 0) {
            throw SdpException.malformed(mLine, "no media formats");
        }
        if (isRtp()) {
            for (String f : formats) {
                if (number(f, 127) < 0) {
                    throw SdpException.malformed(mLine, "payload type is not a number 0-127: " + f);
                }
            }
        }

        Optional<Connection> c = Optional.empty();
        List<Attribute> attrs = new ArrayList<>();
        for (Line l : this.lines) {
            char lt = l.type();
            if (SESSION_ONLY_TYPES.indexOf(lt) >= 0) {
                throw SdpException.malformed(l, lt + "= belongs to the session part, not to a media section");
            }
            switch (lt) {
                case 'c' -> {
                    Connection parsed = Connection.parse(l);
                    // several c= lines only happen with layered multicast; the first is the one to use
                    if (c.isEmpty()) {
                        c = Optional.of(parsed);
                    }
                }
                case 'b' -> checkBandwidth(l);
                case 'a' -> {
                    if (!Attribute.isToken(l.attributeName())) {
                        throw SdpException.malformed(l, "attribute name is not a token");
                    }
                    if (isRtp() && l.isAttribute("rtpmap")) {
                        checkRtpmap(l);
                    }
                    attrs.add(l.toAttribute());
                }
                default -> {
                    // i=, k= and letters defined later: kept as they are
                }
            }
        }
        this.connection = c;
        this.attributes = List.copyOf(attrs);
        if (port != 0 && connection.isEmpty() && context.sessionConnection().isEmpty()) {
            throw SdpException.malformed(mLine, "no c= line, neither in this media section nor in the session part");
        }
        this.codecs = isRtp() ? Collections.unmodifiableMap(readCodecs()) : Map.of();
    }

    /** {@code audio}, {@code video}, {@code image} (T.38), {@code application} (data channel), ... */
    public String type() {
        return type;
    }

    /** The transport port; 0 for a rejected or disabled stream (and for a bundle-only one). */
    public int port() {
        return port;
    }

    /** The {@code /<number of ports>} of the {@code m=} line, when present. */
    public OptionalInt portCount() {
        return portCount;
    }

    /** {@code RTP/AVP}, {@code RTP/SAVP}, {@code UDP/TLS/RTP/SAVPF}, {@code udptl}, {@code UDP/DTLS/SCTP}, ... */
    public String protocol() {
        return protocol;
    }

    /** The formats of the {@code m=} line, in order: payload types for RTP, {@code t38}, ... */
    public List<String> formats() {
        return formats;
    }

    /** The {@code m=} line as written (keys cannot appear in it), e.g. {@code m=message 2855 TCP/MSRP *}. */
    public String mediaLine() {
        return mLine.redacted();
    }

    /**
     * Whether the media runs over TCP ({@code TCP/MSRP}, {@code TCP/TLS/MSRP}, {@code TCP/BFCP}, {@code TCP/RTP/AVP},
     * ...): RTPEngine relays UDP only, so it cannot anchor such a section.
     */
    public boolean isOverTcp() {
        String p = protocol.toUpperCase(Locale.ROOT);
        return p.equals("TCP") || p.startsWith("TCP/");
    }

    /** Whether the protocol is an RTP profile (AVP, SAVP, AVPF, SAVPF, over UDP, TCP, TLS or DTLS). */
    public boolean isRtp() {
        return protocol.toUpperCase(Locale.ROOT).contains("RTP/");
    }

    /**
     * Whether the stream is in use: a non-zero port, or port 0 with {@code a=bundle-only} (RFC 8843), which
     * shares the transport of its BUNDLE group rather than being rejected.
     */
    public boolean isEnabled() {
        return port != 0 || hasAttribute("bundle-only");
    }

    /** This section's own {@code c=} line. */
    public Optional<Connection> connection() {
        return connection;
    }

    /** The address media goes to: this section's {@code c=}, else the session's. */
    public Optional<Connection> effectiveConnection() {
        return connection.or(context::sessionConnection);
    }

    /** This section's {@code a=} lines, in order. */
    public List<Attribute> attributes() {
        return attributes;
    }

    /** The value of the first attribute with that name (ignoring case); empty string for a property attribute. */
    public Optional<String> attribute(String name) {
        return attributes.stream().filter(a -> a.is(name)).map(Attribute::value).findFirst();
    }

    /** The values of every attribute with that name, e.g. all {@code a=candidate} lines. */
    public List<String> attributeValues(String name) {
        return attributes.stream().filter(a -> a.is(name)).map(Attribute::value).toList();
    }

    public boolean hasAttribute(String name) {
        return attributes.stream().anyMatch(a -> a.is(name));
    }

    /** {@code a=mid} (RFC 5888), which BUNDLE groups refer to. */
    public Optional<String> mid() {
        return attribute("mid");
    }

    /** Whether this section offers SDES keys ({@code a=crypto}, RFC 4568). */
    public boolean hasCrypto() {
        return hasAttribute("crypto");
    }

    /**
     * The stream direction: this section's direction attribute, else the session-level one, else
     * {@link Direction#SENDRECV} (RFC 4566 section 6).
     */
    public Direction direction() {
        for (Attribute a : attributes) {
            Optional<Direction> d = Direction.fromAttribute(a.name());
            if (d.isPresent()) {
                return d.get();
            }
        }
        return context.sessionDirection();
    }

    /**
     * Whether whoever wrote this section holds the stream: it does not want to receive ({@code a=sendonly},
     * {@code a=inactive}), or its address is {@code 0.0.0.0}, the RFC 2543 hold older endpoints still send. An ICE
     * section with {@code 0.0.0.0} and port 9 is not held: that is the trickle placeholder (RFC 8840).
     */
    public boolean isHeld() {
        if (!direction().receives()) {
            return true;
        }
        boolean icePlaceholder = port == 9 || hasAttribute("ice-ufrag");
        return !icePlaceholder && effectiveConnection().map(Connection::isUnspecified).orElse(false);
    }

    /**
     * The RTP payload formats by payload type, in {@code m=} order: from {@code a=rtpmap}, or from RFC 3551 for a
     * static payload type without one. A dynamic payload type without {@code a=rtpmap} is absent. Empty for a
     * protocol that is not RTP.
     */
    public Map<Integer, Codec> codecs() {
        return codecs;
    }

    /** The first codec with that name ({@code "opus"}, {@code "telephone-event/8000"}), ignoring case. */
    public Optional<Codec> codec(String spec) {
        return codecs.values().stream().filter(c -> c.is(spec)).findFirst();
    }

    /**
     * This section with another port; the rest of the {@code m=} line and every other line unchanged.
     *
     * @throws IllegalArgumentException if the port is not 0-65535
     * @throws IllegalStateException    if a non-zero port would enable a rejected section that lacks what an
     *                                  enabled one needs (a format, a {@code c=} line): build a new section instead
     */
    public MediaDescription withPort(int newPort) {
        if (newPort < 0 || newPort > 65535) {
            throw new IllegalArgumentException("port out of range 0-65535: " + newPort);
        }
        if (newPort != 0 && (formats.isEmpty() || effectiveConnection().isEmpty())) {
            throw new IllegalStateException("a media section without formats or c= cannot be enabled: " + mLine.text());
        }
        return newPort == port ? this : new MediaDescription(mLine.replacedBy(mLineText(newPort, formats)), lines, context);
    }

    /**
     * This section rejected or removed the RFC 3264 way (sections 6 and 8.2): port 0, no {@code a=bundle-only}.
     * Its formats and attributes stay: an {@code m=} line needs at least one format, and they are harmless.
     */
    public MediaDescription disabled() {
        return withPort(0).withoutAttribute("bundle-only");
    }

    /**
     * This section refused without a trace of the endpoint: port 0, and in place of its own lines a single
     * {@code c=IN IP4 0.0.0.0}. {@link #disabled()} keeps the lines, which is not enough for a section that goes to
     * RTPEngine unanchored: RTPEngine 10.5 passes {@code TCP/MSRP} through, adds the session's original address as
     * the section's c= line, and keeps {@code a=path} with the endpoint's address in it.
     */
    public MediaDescription detached() {
        return new MediaDescription(mLine.replacedBy(mLineText(0, formats)), List.of(Line.built("c=IN IP4 0.0.0.0", context.eol())), context);
    }

    /**
     * This section with that direction attribute: the first direction attribute is replaced where it stands, any
     * other one removed; without one, the attribute is added at the end of the section. Unchanged when the
     * section already has that direction (inherited from the session part counts).
     */
    public MediaDescription withDirection(Direction newDirection) {
        Objects.requireNonNull(newDirection, "newDirection");
        long own = lines.stream().filter(MediaDescription::isDirectionLine).count();
        if (direction() == newDirection && own <= 1) {
            return this;
        }
        String text = "a=" + newDirection.attributeName();
        List<Line> out = new ArrayList<>(lines.size() + 1);
        boolean placed = false;
        for (Line l : lines) {
            if (!isDirectionLine(l)) {
                out.add(l);
            } else if (!placed) {
                out.add(l.replacedBy(text));
                placed = true;
            }
        }
        if (!placed) {
            out.add(Line.built(text, context.eol()));
        }
        return new MediaDescription(mLine, out, context);
    }

    /**
     * This section keeping only the formats the filter allows (see {@link CodecFilter} for the rules), with the
     * {@code a=rtpmap}, {@code a=fmtp}, {@code a=rtcp-fb}, {@code a=imageattr} and {@code a=framesize} lines of the
     * dropped ones removed. When no real codec is left the section is {@link #disabled()} instead, its lines
     * untouched. A section that is not RTP, or not enabled, is returned unchanged.
     */
    public MediaDescription filterCodecs(CodecFilter filter) {
        Objects.requireNonNull(filter, "filter");
        if (!isRtp() || !isEnabled()) {
            return this;
        }
        Set<Integer> kept = keptPayloadTypes(filter);
        boolean realCodecLeft = kept.stream().anyMatch(pt -> !codecs.get(pt).isAuxiliary());
        if (!realCodecLeft) {
            return disabled();
        }
        List<String> keptFormats = formats.stream().filter(f -> kept.contains(Integer.parseInt(f))).toList();
        if (keptFormats.equals(formats)) {
            return this;
        }
        Set<Integer> dropped = formats.stream().map(Integer::parseInt).filter(pt -> !kept.contains(pt))
                .collect(Collectors.toSet());
        List<Line> out = new ArrayList<>(lines.size());
        for (Line l : lines) {
            if (!describesOneOf(l, dropped)) {
                out.add(l);
            }
        }
        return new MediaDescription(mLine.replacedBy(mLineText(port, keptFormats)), out, context);
    }

    /** This section without any attribute of that name (ignoring case). */
    public MediaDescription withoutAttribute(String name) {
        if (!hasAttribute(name)) {
            return this;
        }
        return new MediaDescription(mLine, lines.stream().filter(l -> !l.isAttribute(name)).toList(), context);
    }

    /** This section with the attribute added after its last line. */
    public MediaDescription withAttribute(Attribute attribute) {
        List<Line> out = new ArrayList<>(lines);
        out.add(Line.built(attribute.toLine(), context.eol()));
        return new MediaDescription(mLine, out, context);
    }

    /** The section's lines with keys masked, one per {@code \n}: for logs. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(mLine.redacted());
        for (Line l : lines) {
            sb.append('\n').append(l.redacted());
        }
        return sb.toString();
    }

    // ---- for SessionDescription

    Line mLine() {
        return mLine;
    }

    List<Line> lines() {
        return lines;
    }

    /** The same lines read in another session's context (its direction, connection and line ending). */
    MediaDescription in(Context newContext) {
        return newContext.equals(context) ? this : new MediaDescription(mLine, lines, newContext);
    }

    static void checkBandwidth(Line line) {
        String v = line.value();
        int colon = v.indexOf(':');
        if (colon <= 0 || !Attribute.isToken(v.substring(0, colon)) || number(v.substring(colon + 1), Long.MAX_VALUE) < 0) {
            throw SdpException.malformed(line, "expected b=<bwtype>:<bandwidth>");
        }
    }

    /** A decimal number no larger than max, or -1 (digits only: no sign, no blanks). */
    static long number(String s, long max) {
        if (s.isEmpty() || s.length() > 18) {
            return -1;
        }
        long n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            n = n * 10 + (c - '0');
        }
        return n <= max ? n : -1;
    }

    private static int number(String s, int max) {
        return (int) number(s, (long) max);
    }

    // ---- internals

    private String mLineText(int newPort, List<String> newFormats) {
        StringBuilder sb = new StringBuilder("m=").append(type).append(' ').append(newPort);
        portCount.ifPresent(n -> sb.append('/').append(n));
        sb.append(' ').append(protocol);
        for (String f : newFormats) {
            sb.append(' ').append(f);
        }
        return sb.toString();
    }

    private static boolean isDirectionLine(Line l) {
        return l.type() == 'a' && Direction.fromAttribute(l.attributeName()).isPresent();
    }

    private static boolean describesOneOf(Line l, Set<Integer> payloadTypes) {
        if (l.type() != 'a' || !PER_FORMAT.contains(l.attributeName().toLowerCase(Locale.ROOT))) {
            return false;
        }
        String first = Fields.of(l.attributeValue(), 2)[0];
        int pt = number(first, 127);
        return pt >= 0 && payloadTypes.contains(pt);
    }

    private void checkRtpmap(Line l) {
        String[] v = Fields.of(l.attributeValue(), 2);
        if (number(v[0], 127) < 0) {
            throw SdpException.malformed(l, "rtpmap payload type is not a number 0-127: " + v[0]);
        }
        String[] enc = v.length < 2 ? new String[0] : v[1].strip().split("/", -1);
        if (enc.length < 2 || enc.length > 3 || enc[0].isEmpty() || number(enc[1], Integer.MAX_VALUE) <= 0
                || (enc.length == 3 && number(enc[2], Integer.MAX_VALUE) <= 0)) {
            throw SdpException.malformed(l, "expected a=rtpmap:<payload type> <encoding name>/<clock rate>[/<channels>]");
        }
    }

    private Map<Integer, Codec> readCodecs() {
        Map<Integer, String[]> rtpmaps = new LinkedHashMap<>();
        Map<Integer, String> fmtps = new LinkedHashMap<>();
        for (Line l : lines) {
            if (l.isAttribute("rtpmap")) {
                String[] v = Fields.of(l.attributeValue(), 2);
                rtpmaps.putIfAbsent(number(v[0], 127), v[1].strip().split("/"));
            } else if (l.isAttribute("fmtp")) {
                String[] v = Fields.of(l.attributeValue(), 2);
                int pt = number(v[0], 127);
                if (pt >= 0) {
                    fmtps.putIfAbsent(pt, v.length < 2 ? "" : v[1].strip());
                }
            }
        }
        Map<Integer, Codec> out = new LinkedHashMap<>();
        for (String f : formats) {
            int pt = Integer.parseInt(f);
            Optional<String> params = Optional.ofNullable(fmtps.get(pt)).filter(p -> !p.isEmpty());
            String[] map = rtpmaps.get(pt);
            if (map != null) {
                int channels = map.length > 2 ? Integer.parseInt(map[2]) : 1;
                out.putIfAbsent(pt, new Codec(pt, map[0], Integer.parseInt(map[1]), channels, params));
            } else {
                Codec.ofStaticPayloadType(pt).ifPresent(c ->
                        out.putIfAbsent(pt, new Codec(pt, c.name(), c.clockRate(), c.channels(), params)));
            }
        }
        return out;
    }

    private Set<Integer> keptPayloadTypes(CodecFilter filter) {
        Set<Integer> kept = new HashSet<>();
        for (Codec c : codecs.values()) {
            if (!c.isNamed("rtx") && filter.lists(c)) {
                kept.add(c.payloadType());
            }
        }
        if (filter.keepTelephoneEvent()) {
            Set<Integer> rates = new HashSet<>();
            for (int pt : kept) {
                if (!codecs.get(pt).isAuxiliary()) {
                    rates.add(codecs.get(pt).clockRate());
                }
            }
            List<Codec> events = codecs.values().stream().filter(c -> c.isNamed("telephone-event")).toList();
            List<Codec> matching = events.stream().filter(c -> rates.contains(c.clockRate())).toList();
            (matching.isEmpty() ? events : matching).forEach(c -> kept.add(c.payloadType()));
        }
        // RED (RFC 2198) is only meaningful while every encoding it carries is still there
        for (Codec c : codecs.values()) {
            if (c.isNamed("red") && kept.contains(c.payloadType()) && c.parameters().isPresent()) {
                for (String ref : c.parameters().get().split("/")) {
                    int pt = number(ref.strip(), 127);
                    if (pt < 0 || !kept.contains(pt)) {
                        kept.remove(c.payloadType());
                        break;
                    }
                }
            }
        }
        // RTX (RFC 4588) repairs one primary format and is useless without it
        for (Codec c : codecs.values()) {
            if (c.isNamed("rtx")) {
                OptionalInt apt = c.associatedPayloadType();
                if (apt.isPresent() && kept.contains(apt.getAsInt())) {
                    kept.add(c.payloadType());
                }
            }
        }
        return kept;
    }
}
