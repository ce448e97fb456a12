package org.sipanchor.sdp;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * An SDP body (RFC 4566), read into a small model and shaped without losing a byte of what is not changed.
 *
 * <p>Immutable. Every line keeps its original bytes and line ending (CRLF or LF, and whether the last line has
 * one), so {@code parse(body).toBytes()} is {@code body}, and a transformation rewrites only the lines it must.
 * Lines sipanchor writes get the line ending of the body's first line.
 *
 * <p>{@link #toString()} is {@link #toLogString()}: crypto keys and ICE passwords are masked, so a session
 * description can be logged as it is. The exact text is {@link #toBytes()}.
 *
 * <pre>{@code
 * SessionDescription sdp = SessionDescription.parse(body);     // the message body, as bytes
 * byte[] shaped = sdp.filterCodecs(List.of("PCMU", "PCMA"))   // G.711 and telephone-event
 *                    .hold()                                  // RFC 3264 section 8.4
 *                    .maskIdentity("sipanchor")              // o= username and s=
 *                    .toBytes();
 * log.info("offer {}", sdp);                                  // a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:***
 * }</pre>
 *
 * <p>{@link #parse(byte[])} throws {@link SdpException} for a body that is not SDP, naming the line.
 */
public final class SessionDescription {

    private static final Set<String> AUDIO_VIDEO = Set.of("audio", "video");

    private final List<Line> sessionLines;
    private final List<MediaDescription> media;
    private final String eol;
    private final String finalEol;
    private final byte[] trailer;

    private final Origin origin;
    private final String sessionName;
    private final Optional<Connection> connection;
    private final List<Attribute> attributes;
    private final Direction direction;
    /** Written on first use: parsing and each transformation make descriptions that are never sent. */
    private volatile byte[] bytes;

    private SessionDescription(List<Line> sessionLines, List<MediaDescription> media,
                               String eol, String finalEol, byte[] trailer) {
        this(sessionLines, media, eol, finalEol, trailer, media.isEmpty() ? null : media.get(0).mLine());
    }

    /** {@code next}: the line after the session part, named when a mandatory session line is missing. */
    private SessionDescription(List<Line> sessionLines, List<MediaDescription> media,
                               String eol, String finalEol, byte[] trailer, Line next) {
        this.sessionLines = List.copyOf(sessionLines);
        this.eol = eol;
        this.finalEol = finalEol;
        this.trailer = trailer;
        Line v = sessionLine(0, 'v', "v=0", next);
        if (!v.value().equals("0")) {
            throw SdpException.malformed(v, "unsupported SDP version, only v=0 exists");
        }
        this.origin = readOrigin(sessionLine(1, 'o', "o= (origin)", next));
        this.sessionName = sessionLine(2, 's', "s= (session name)", next).value();

        Optional<Connection> c = Optional.empty();
        List<Attribute> attrs = new ArrayList<>();
        Direction d = Direction.SENDRECV;
        boolean directionSeen = false;
        for (Line l : this.sessionLines.subList(3, this.sessionLines.size())) {
            switch (l.type()) {
                case 'v', 'o', 's' -> throw SdpException.malformed(l, l.type() + "= may appear only once, at the top");
                case 'c' -> {
                    if (c.isPresent()) {
                        throw SdpException.malformed(l, "a second c= line in the session part");
                    }
                    c = Optional.of(Connection.parse(l));
                }
                case 'b' -> MediaDescription.checkBandwidth(l);
                case 't' -> {
                    String[] t = Fields.of(l.value());
                    if (t.length != 2 || MediaDescription.number(t[0], Long.MAX_VALUE) < 0
                            || MediaDescription.number(t[1], Long.MAX_VALUE) < 0) {
                        throw SdpException.malformed(l, "expected t=<start-time> <stop-time>");
                    }
                }
                case 'a' -> {
                    if (!Attribute.isToken(l.attributeName())) {
                        throw SdpException.malformed(l, "attribute name is not a token");
                    }
                    Attribute a = l.toAttribute();
                    attrs.add(a);
                    Optional<Direction> ad = Direction.fromAttribute(a.name());
                    if (ad.isPresent() && !directionSeen) {
                        d = ad.get();
                        directionSeen = true;
                    }
                }
                default -> {
                    // i=, u=, e=, p=, r=, z=, k= and letters defined later: kept as they are
                }
            }
        }
        this.connection = c;
        this.attributes = List.copyOf(attrs);
        this.direction = d;
        MediaDescription.Context context = new MediaDescription.Context(direction, connection, eol);
        this.media = media.stream().map(m -> m.in(context)).toList();
    }

    /** {@code session}'s session part, read already (its lines are the same), with {@code media}. */
    private SessionDescription(SessionDescription session, List<MediaDescription> media) {
        this.sessionLines = session.sessionLines;
        this.eol = session.eol;
        this.finalEol = session.finalEol;
        this.trailer = session.trailer;
        this.origin = session.origin;
        this.sessionName = session.sessionName;
        this.connection = session.connection;
        this.attributes = session.attributes;
        this.direction = session.direction;
        MediaDescription.Context context = new MediaDescription.Context(direction, connection, eol);
        this.media = media.stream().map(m -> m.in(context)).toList();
    }

    /**
     * Reads an SDP body. Tolerates what real endpoints send (LF-only line endings, blank lines and no line ending
     * at the end, trailing blanks, unknown attributes and line types); refuses what is not SDP.
     *
     * @throws SdpException naming the first offending line
     */
    public static SessionDescription parse(byte[] body) {
        Objects.requireNonNull(body, "body");
        List<byte[]> raws = new ArrayList<>();
        List<String> eols = new ArrayList<>();
        int start = 0;
        while (start < body.length) {
            int lf = indexOf(body, (byte) '\n', start);
            int end = lf < 0 ? body.length : lf;
            String ending = lf < 0 ? "" : "\n";
            if (end > start && body[end - 1] == '\r') {
                end--;
                ending = "\r" + ending;
            }
            raws.add(Arrays.copyOfRange(body, start, end));
            eols.add(ending);
            start = lf < 0 ? body.length : lf + 1;
        }
        int last = raws.size() - 1;
        while (last >= 0 && isBlank(raws.get(last))) {
            last--;
        }
        if (last < 0) {
            throw SdpException.malformed(1, "", "empty SDP body");
        }
        String eol = eols.get(0).equals("\n") ? "\n" : "\r\n";
        ByteArrayOutputStream trailer = new ByteArrayOutputStream();
        for (int i = last + 1; i < raws.size(); i++) {
            trailer.writeBytes(raws.get(i));
            trailer.writeBytes(eols.get(i).getBytes(StandardCharsets.US_ASCII));
        }

        List<Line> lines = new ArrayList<>(last + 1);
        for (int i = 0; i <= last; i++) {
            // the last line takes the body's usual ending, written only if a line is ever added after it
            Line l = Line.parsed(raws.get(i), i == last ? eol : eols.get(i), i + 1);
            checkShape(l, raws.get(i));
            lines.add(l);
        }

        int firstM = 0;
        while (firstM < lines.size() && lines.get(firstM).type() != 'm') {
            firstM++;
        }
        List<Line> session = lines.subList(0, firstM);
        List<List<Line>> sections = new ArrayList<>();
        for (int i = firstM; i < lines.size(); i++) {
            if (lines.get(i).type() == 'm') {
                sections.add(new ArrayList<>());
            }
            sections.get(sections.size() - 1).add(lines.get(i));
        }

        // the session part is checked first, so that the first bad line is the one reported
        SessionDescription header = new SessionDescription(session, List.of(), eol, eols.get(last),
                trailer.toByteArray(), firstM < lines.size() ? lines.get(firstM) : null);
        MediaDescription.Context context = new MediaDescription.Context(header.direction, header.connection, eol);
        List<MediaDescription> media = new ArrayList<>(sections.size());
        for (List<Line> s : sections) {
            media.add(new MediaDescription(s.get(0), s.subList(1, s.size()), context));
        }
        return header.withMediaList(media);
    }

    /** Reads an SDP body given as text (encoded as UTF-8). */
    public static SessionDescription parse(String body) {
        return parse(body.getBytes(StandardCharsets.UTF_8));
    }

    /** The body: byte for byte what was parsed, where no transformation changed it. */
    public byte[] toBytes() {
        return bytes().clone();
    }

    /** {@code v=}: always 0. */
    public int version() {
        return 0;
    }

    public Origin origin() {
        return origin;
    }

    /** {@code s=}, which real endpoints often leave as {@code -} or a blank. */
    public String sessionName() {
        return sessionName;
    }

    /** The session-level {@code c=} line, if any (each media section may have its own). */
    public Optional<Connection> connection() {
        return connection;
    }

    /** The session-level {@code a=} lines, in order. */
    public List<Attribute> attributes() {
        return attributes;
    }

    /** The value of the first session-level attribute with that name (ignoring case). */
    public Optional<String> attribute(String name) {
        return attributes.stream().filter(a -> a.is(name)).map(Attribute::value).findFirst();
    }

    /** The values of every session-level attribute with that name, e.g. both {@code a=group} lines. */
    public List<String> attributeValues(String name) {
        return attributes.stream().filter(a -> a.is(name)).map(Attribute::value).toList();
    }

    /** The session-level direction, the default of every media section: {@link Direction#SENDRECV} if unset. */
    public Direction direction() {
        return direction;
    }

    /** The media sections, in {@code m=} order (which offer and answer must keep: RFC 3264 section 8). */
    public List<MediaDescription> media() {
        return media;
    }

    /** Whether SDES keys ({@code a=crypto}) are offered at session level or in any media section. */
    public boolean hasCrypto() {
        return attributes.stream().anyMatch(a -> a.is("crypto")) || media.stream().anyMatch(MediaDescription::hasCrypto);
    }

    /** Whether ICE is in use: {@code a=ice-ufrag} or {@code a=candidate} anywhere. */
    public boolean hasIce() {
        return attributes.stream().anyMatch(a -> a.is("ice-ufrag"))
                || media.stream().anyMatch(m -> m.hasAttribute("ice-ufrag") || m.hasAttribute("candidate"));
    }

    /** Whether at least one media section is in use (see {@link MediaDescription#isEnabled()}). */
    public boolean hasEnabledMedia() {
        return media.stream().anyMatch(MediaDescription::isEnabled);
    }

    // ---- transformations

    /** {@link #filterCodecs(CodecFilter)} keeping these codecs and telephone-event. */
    public SessionDescription filterCodecs(Collection<String> keepNames) {
        return filterCodecs(CodecFilter.keep(keepNames));
    }

    /** {@link #filterCodecs(String, CodecFilter)} keeping these codecs and telephone-event. */
    public SessionDescription filterCodecs(String mediaType, Collection<String> keepNames) {
        return filterCodecs(mediaType, CodecFilter.keep(keepNames));
    }

    /**
     * Keeps only the codecs the filter allows in every audio and video section (rules in {@link CodecFilter}).
     *
     * <p>A section left without a real codec is rejected as RFC 3264 section 6 says a stream without a common
     * codec is: port 0, its {@code m=} line otherwise untouched (an {@code m=} line needs a format) and its mid
     * taken out of the BUNDLE group (RFC 8843). If that leaves no enabled section at all, there is nothing to
     * offer or answer: {@link SdpException} with {@link SdpException.Reason#NO_MEDIA_LEFT}, naming the first
     * section that lost its codecs (a SIP application answers 488).
     */
    public SessionDescription filterCodecs(CodecFilter filter) {
        return filter(null, filter);
    }

    /** {@link #filterCodecs(CodecFilter)} on the sections of one media type ({@code "audio"}, ...) only. */
    public SessionDescription filterCodecs(String mediaType, CodecFilter filter) {
        return filter(Objects.requireNonNull(mediaType, "mediaType"), filter);
    }

    /**
     * Puts every enabled RTP stream on hold, per RFC 3264 section 8.4: sendrecv becomes sendonly, recvonly becomes
     * inactive, sendonly and inactive stay. Ports and addresses are untouched (the stream stays negotiated);
     * non-RTP sections (T.38, data channels) too.
     */
    public SessionDescription hold() {
        return withRtpDirections(null);
    }

    /** Puts every enabled RTP stream on hold with {@code a=inactive}: neither side sends. */
    public SessionDescription holdInactive() {
        return withRtpDirections(Direction.INACTIVE);
    }

    /** Takes every enabled RTP stream off hold: {@code a=sendrecv}. */
    public SessionDescription resume() {
        return withRtpDirections(Direction.SENDRECV);
    }

    /** Sets the direction of every enabled RTP stream (see {@link MediaDescription#withDirection(Direction)}). */
    public SessionDescription withDirection(Direction newDirection) {
        return withRtpDirections(Objects.requireNonNull(newDirection, "newDirection"));
    }

    /** The media section at that index with another port; port 0 disables it without any other change. */
    public SessionDescription withMediaPort(int index, int port) {
        return withMedia(index, media.get(index).withPort(port));
    }

    /**
     * Rejects or removes the media section at that index as RFC 3264 says (sections 6 and 8.2): port 0, and, as
     * RFC 8843 asks, its mid out of the BUNDLE group. The section stays: {@code m=} lines are never removed.
     */
    public SessionDescription disableMedia(int index) {
        MediaDescription m = media.get(index);
        SessionDescription out = withMedia(index, m.disabled());
        return m.isEnabled() && m.mid().isPresent() ? out.withoutBundleMids(Set.of(m.mid().get())) : out;
    }

    /**
     * Refuses the media section at that index leaving nothing of the endpoint in it ({@link MediaDescription#detached()}):
     * port 0, no attributes, {@code c=IN IP4 0.0.0.0}, and its mid out of the BUNDLE group.
     */
    public SessionDescription detachMedia(int index) {
        MediaDescription m = media.get(index);
        SessionDescription out = withMedia(index, m.detached());
        return m.mid().isPresent() ? out.withoutBundleMids(Set.of(m.mid().get())) : out;
    }

    /** The 1-based line number of the {@code m=} line of the media section at that index, as parsed. */
    public int mediaLineNumber(int index) {
        return lineNumberOf(index);
    }

    /** This description with the media section at that index replaced. */
    public SessionDescription withMedia(int index, MediaDescription section) {
        Objects.requireNonNull(section, "section");
        if (media.get(index) == section) {
            return this;
        }
        List<MediaDescription> out = new ArrayList<>(media);
        out.set(index, section);
        return withMediaList(out);
    }

    /**
     * The same bytes as {@code parse(sdp).maskIdentity(name).toBytes()}, written without building the model when the
     * description starts as RFC 4566 says and as RTPEngine writes it ({@code v=0}, then an {@code o=} line of six
     * fields with single spaces, then {@code s=}); anything else goes through the model. sipanchor masks every SDP
     * RTPEngine returns, twice per call: this saves two of the four parses a call's SDP costs.
     *
     * @throws SdpException when {@code sdp} needs the model and is not SDP
     */
    public static byte[] maskIdentity(byte[] sdp, String name) {
        checkName(name);
        int vEnd = lineEnd(sdp, 0);
        int oStart = next(sdp, vEnd);
        int oEnd = lineEnd(sdp, oStart);
        int sStart = next(sdp, oEnd);
        int sEnd = lineEnd(sdp, sStart);
        if (sEnd < 0 || !startsWith(sdp, 0, vEnd, "v=0") || vEnd != 3 || !startsWith(sdp, oStart, oEnd, "o=")
                || !startsWith(sdp, sStart, sEnd, "s=") || !plainOrigin(sdp, oStart + 2, oEnd)) {
            return parse(sdp).maskIdentity(name).toBytes();
        }
        int userEnd = oStart + 2;
        while (sdp[userEnd] != ' ') {
            userEnd++;
        }
        byte[] nameBytes = name.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(sdp.length + 2 * nameBytes.length);
        out.write(sdp, 0, oStart + 2);
        out.write(nameBytes, 0, nameBytes.length);
        out.write(sdp, userEnd, sStart + 2 - userEnd);
        out.write(nameBytes, 0, nameBytes.length);
        out.write(sdp, sEnd, sdp.length - sEnd);
        return out.toByteArray();
    }

    /** Where the line starting at {@code from} ends (its CR or LF), or -1 when there is none. */
    private static int lineEnd(byte[] sdp, int from) {
        if (from < 0) {
            return -1;
        }
        for (int i = from; i < sdp.length; i++) {
            if (sdp[i] == '\r' || sdp[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    /** The start of the line after the one ending at {@code end}. */
    private static int next(byte[] sdp, int end) {
        if (end < 0) {
            return -1;
        }
        if (sdp[end] == '\r' && end + 1 < sdp.length && sdp[end + 1] == '\n') {
            return end + 2;
        }
        return end + 1;
    }

    private static boolean startsWith(byte[] sdp, int from, int end, String prefix) {
        if (from < 0 || end - from < prefix.length()) {
            return false;
        }
        for (int i = 0; i < prefix.length(); i++) {
            if (sdp[from + i] != prefix.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** Six fields, single spaces, printable ASCII: what the model would write back unchanged. */
    private static boolean plainOrigin(byte[] sdp, int from, int end) {
        int spaces = 0;
        for (int i = from; i < end; i++) {
            byte b = sdp[i];
            if (b == ' ') {
                if (i == from || i == end - 1 || sdp[i - 1] == ' ') {
                    return false;
                }
                spaces++;
            } else if (b <= ' ' || b >= 0x7f) {
                return false;
            }
        }
        return spaces == 5;
    }

    private static void checkName(String name) {
        Objects.requireNonNull(name, "name");
        if (name.isEmpty() || name.codePoints().anyMatch(cp -> Character.isWhitespace(cp) || Character.isISOControl(cp))) {
            throw new IllegalArgumentException("an SDP name must be non-empty, without blanks: '" + name + "'");
        }
    }

    /**
     * Hides who built the SDP (the {@code sdp_name} setting): the {@code o=} username and the {@code s=} line
     * become {@code name}. Session id, version and the {@code o=} address stay: RTPEngine rewrites the address
     * when asked to ({@code replace origin}), and a version must only move forward.
     *
     * @throws IllegalArgumentException if the name is empty or has blanks or control characters (an {@code o=}
     *                                  username cannot)
     */
    public SessionDescription maskIdentity(String name) {
        checkName(name);
        List<Line> out = new ArrayList<>(sessionLines);
        out.set(1, sessionLines.get(1).replacedBy(origin.withUsername(name).toLine()));
        out.set(2, sessionLines.get(2).replacedBy("s=" + name));
        return withSessionLines(out);
    }

    /** This description without any attribute of that name (ignoring case), at session level and in every section. */
    public SessionDescription withoutAttribute(String name) {
        List<Line> session = sessionLines.stream().filter(l -> !l.isAttribute(name)).toList();
        List<MediaDescription> out = media.stream().map(m -> m.withoutAttribute(name)).toList();
        return new SessionDescription(session, out, eol, finalEol, trailer);
    }

    // ---- rendering

    /** The SDP with keys masked (see {@link Attribute#toString()}), one line per {@code \n}: for logs. */
    public String toLogString() {
        StringBuilder sb = new StringBuilder();
        for (Line l : sessionLines) {
            sb.append(l.redacted()).append('\n');
        }
        for (MediaDescription m : media) {
            sb.append(m).append('\n');
        }
        return sb.toString();
    }

    /** Same as {@link #toLogString()}: safe to log, not the body (use {@link #toBytes()}). */
    @Override
    public String toString() {
        return toLogString();
    }

    /** Equal when the bodies are the same bytes. */
    @Override
    public boolean equals(Object o) {
        return o instanceof SessionDescription other && Arrays.equals(bytes(), other.bytes());
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes());
    }

    // ---- internals

    private SessionDescription withMediaList(List<MediaDescription> newMedia) {
        return new SessionDescription(this, newMedia);
    }

    private SessionDescription withSessionLines(List<Line> newSessionLines) {
        return new SessionDescription(newSessionLines, media, eol, finalEol, trailer);
    }

    private SessionDescription filter(String mediaType, CodecFilter filter) {
        Objects.requireNonNull(filter, "filter");
        List<MediaDescription> out = new ArrayList<>(media.size());
        List<String> lostMids = new ArrayList<>();
        int firstLost = -1;
        for (int i = 0; i < media.size(); i++) {
            MediaDescription m = media.get(i);
            boolean applies = mediaType == null
                    ? AUDIO_VIDEO.contains(m.type().toLowerCase(Locale.ROOT))
                    : m.type().equalsIgnoreCase(mediaType);
            MediaDescription f = applies ? m.filterCodecs(filter) : m;
            if (m.isEnabled() && !f.isEnabled()) {
                m.mid().ifPresent(lostMids::add);
                firstLost = firstLost < 0 ? i : firstLost;
            }
            out.add(f);
        }
        SessionDescription result = withMediaList(out).withoutBundleMids(Set.copyOf(lostMids));
        if (hasEnabledMedia() && !result.hasEnabledMedia()) {
            throw new SdpException(SdpException.Reason.NO_MEDIA_LEFT, lineNumberOf(firstLost),
                    media.get(firstLost).mLine().text(), "no media stream has a codec left after keeping " + filter.names());
        }
        return result;
    }

    private SessionDescription withRtpDirections(Direction fixed) {
        List<MediaDescription> out = new ArrayList<>(media.size());
        for (MediaDescription m : media) {
            boolean applies = m.isRtp() && m.isEnabled();
            out.add(applies ? m.withDirection(fixed == null ? m.direction().held() : fixed) : m);
        }
        return withMediaList(out);
    }

    // RFC 8843 section 7.3.3 / 7.5.3: a rejected or removed section is no longer part of its BUNDLE group
    private SessionDescription withoutBundleMids(Set<String> mids) {
        if (mids.isEmpty()) {
            return this;
        }
        List<Line> out = new ArrayList<>(sessionLines.size());
        for (Line l : sessionLines) {
            String[] t = l.isAttribute("group") ? Fields.of(l.attributeValue()) : new String[0];
            if (t.length == 0 || !t[0].equalsIgnoreCase("BUNDLE")) {
                out.add(l);
                continue;
            }
            List<String> kept = Arrays.stream(t).skip(1).filter(mid -> !mids.contains(mid)).toList();
            if (!kept.isEmpty()) {
                out.add(l.replacedBy(kept.size() == t.length - 1 ? l.text() : "a=group:" + t[0] + " " + String.join(" ", kept)));
            }
        }
        return withSessionLines(out);
    }

    private int lineNumberOf(int mediaIndex) {
        int n = sessionLines.size();
        for (int i = 0; i < mediaIndex; i++) {
            n += 1 + media.get(i).lines().size();
        }
        return n + 1;
    }

    private Line sessionLine(int index, char type, String what, Line next) {
        if (index < sessionLines.size()) {
            Line l = sessionLines.get(index);
            if (l.type() != type) {
                throw SdpException.malformed(l, index == 0 ? "SDP must start with v=" : "expected " + what + " here");
            }
            return l;
        }
        if (next != null) {
            throw SdpException.malformed(next, "expected " + what + " before the first m= line");
        }
        int missing = sessionLines.isEmpty() ? 1 : sessionLines.get(sessionLines.size() - 1).number() + 1;
        throw SdpException.malformed(missing, "", "the SDP ends before " + what);
    }

    private static Origin readOrigin(Line l) {
        String[] t = Fields.of(l.value());
        if (t.length != 6) {
            throw SdpException.malformed(l, "expected o=<username> <sess-id> <sess-version> <nettype> <addrtype> <address>");
        }
        return new Origin(t[0], t[1], t[2], t[3], t[4], t[5]);
    }

    private static void checkShape(Line l, byte[] raw) {
        if (isBlank(raw)) {
            throw SdpException.malformed(l, "blank line inside the SDP");
        }
        for (byte b : raw) {
            if (b == 0 || b == '\r') {
                throw SdpException.malformed(l, b == 0 ? "NUL byte in the line" : "CR without LF inside the line");
            }
        }
        char type = l.type();
        if (type < 'a' || type > 'z') {
            throw SdpException.malformed(l, "not an SDP line of the form <letter>=<value>");
        }
    }

    private static boolean isBlank(byte[] raw) {
        for (byte b : raw) {
            if (b != ' ' && b != '\t') {
                return false;
            }
        }
        return true;
    }

    private static int indexOf(byte[] a, byte b, int from) {
        for (int i = from; i < a.length; i++) {
            if (a[i] == b) {
                return i;
            }
        }
        return -1;
    }

    private byte[] bytes() {
        byte[] b = bytes;
        if (b == null) {
            b = serialize();
            bytes = b; // a race writes the same bytes twice, harmlessly
        }
        return b;
    }

    private byte[] serialize() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        List<Line> all = new ArrayList<>(sessionLines);
        for (MediaDescription m : media) {
            all.add(m.mLine());
            all.addAll(m.lines());
        }
        for (int i = 0; i < all.size(); i++) {
            all.get(i).writeTo(out, i == all.size() - 1 ? finalEol : all.get(i).eol());
        }
        out.writeBytes(trailer);
        return out.toByteArray();
    }
}
