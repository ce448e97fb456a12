package org.sipanchor.ng;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A reply from RTPEngine: its {@link Result} and the raw reply dictionary, with typed getters for the common fields.
 *
 * <p>Byte strings stay bytes: {@link #sdp()} is exactly what RTPEngine sent. Text getters decode UTF-8.
 *
 * <pre>{@code
 * NgReply reply = client.execute(offer);
 * byte[] rewritten = reply.sdp();
 * reply.warning().ifPresent(w -> log.warn("rtpengine: " + w));
 * }</pre>
 *
 * @param result     what kind of reply this is
 * @param dictionary the whole reply dictionary as decoded (unmodifiable; byte strings as {@code byte[]})
 */
public record NgReply(Result result, Map<String, Object> dictionary) {

    /** The {@code result} key of a reply. */
    public enum Result {
        /** {@code ok}, possibly with a {@link #warning()}. */
        OK("ok"),
        /** {@code pong}, the reply to {@code ping}. */
        PONG("pong"),
        /** {@code error}, with an {@link #errorReason()}. */
        ERROR("error"),
        /** {@code load limit}: RTPEngine refused because of a session, CPU, load or bandwidth limit. */
        LOAD_LIMIT("load limit");

        private final String wireName;

        Result(String wireName) {
            this.wireName = wireName;
        }

        public String wireName() {
            return wireName;
        }

        static Optional<Result> fromWireName(String s) {
            for (Result r : values()) {
                if (r.wireName.equals(s)) {
                    return Optional.of(r);
                }
            }
            return Optional.empty();
        }
    }

    public NgReply {
        dictionary = Collections.unmodifiableMap(dictionary);
    }

    /**
     * Reads a decoded reply dictionary.
     *
     * @throws IllegalArgumentException if {@code result} is missing, not a string, or not one of the four results
     */
    static NgReply of(Map<String, Object> dictionary) {
        Object r = dictionary.get("result");
        if (!(r instanceof byte[] b)) {
            throw new IllegalArgumentException(r == null ? "reply has no 'result'" : "reply 'result' is not a string");
        }
        String s = new String(b, StandardCharsets.UTF_8);
        Result result = Result.fromWireName(s)
                .orElseThrow(() -> new IllegalArgumentException("unknown reply result '" + s + "'"));
        return new NgReply(result, dictionary);
    }

    /** {@code ok} or {@code pong}: the command did what was asked (check {@link #warning()} still). */
    public boolean isSuccess() {
        return result == Result.OK || result == Result.PONG;
    }

    /** The {@code warning} of an {@code ok} reply: done, but something was off (e.g. deleting an unknown call). */
    public Optional<String> warning() {
        return string("warning");
    }

    /** Why RTPEngine refused: {@code error-reason} of an error, {@code message} of a load limit. */
    public Optional<String> errorReason() {
        return switch (result) {
            case ERROR -> string("error-reason");
            case LOAD_LIMIT -> string("message");
            default -> Optional.empty();
        };
    }

    public boolean hasSdp() {
        return dictionary.get("sdp") instanceof byte[];
    }

    /**
     * The SDP RTPEngine returned (rewritten for offer/answer, generated for publish/subscribe), byte for byte.
     *
     * @throws NoSuchElementException if the reply has none; see {@link #hasSdp()}
     */
    public byte[] sdp() {
        return bytes("sdp").orElseThrow(() -> new NoSuchElementException("the reply has no 'sdp' (result "
                + result.wireName() + ")"));
    }

    /** The SDP as text (UTF-8), for logging and tests; use {@link #sdp()} to put it back in a SIP message. */
    public String sdpText() {
        return new String(sdp(), StandardCharsets.UTF_8);
    }

    /** {@code to-tag}: the tag of a subscription created by {@code subscribe request}. */
    public Optional<String> toTag() {
        return string("to-tag");
    }

    /** {@code from-tag}: the subscribed participant, when a {@code subscribe request} selected just one. */
    public Optional<String> fromTag() {
        return string("from-tag");
    }

    /** {@code from-tags}: all participants a {@code subscribe request} subscribed to. */
    public List<String> fromTags() {
        return strings("from-tags");
    }

    /** {@code calls}: the Call-IDs of a {@code list} reply. */
    public List<String> calls() {
        return strings("calls");
    }

    /** {@code duration} of a {@code play media} reply, in milliseconds, when RTPEngine could tell. */
    public OptionalLong duration() {
        return integer("duration");
    }

    /** {@code created}: when the call was created, seconds since the epoch ({@code query}, {@code delete}). */
    public OptionalLong created() {
        return integer("created");
    }

    /** {@code last signal}: the last offer/answer/... of the call, seconds since the epoch. */
    public OptionalLong lastSignal() {
        return integer("last signal");
    }

    /** {@code tags} of a {@code query} or {@code delete} reply: per SIP tag, its medias and streams. */
    public Map<String, Object> tags() {
        return dict("tags").orElse(Map.of());
    }

    /** {@code totals} of a {@code query} or {@code delete} reply: RTP and RTCP packet, byte and error counters. */
    public Map<String, Object> totals() {
        return dict("totals").orElse(Map.of());
    }

    /** {@code statistics} of a {@code statistics} reply. */
    public Map<String, Object> statistics() {
        return dict("statistics").orElse(Map.of());
    }

    /** A byte-string field as UTF-8 text. */
    public Optional<String> string(String key) {
        return bytes(key).map(b -> new String(b, StandardCharsets.UTF_8));
    }

    /** A byte-string field as bytes (a copy). */
    public Optional<byte[]> bytes(String key) {
        return dictionary.get(key) instanceof byte[] b ? Optional.of(b.clone()) : Optional.empty();
    }

    /** An integer field. */
    public OptionalLong integer(String key) {
        return dictionary.get(key) instanceof Long l ? OptionalLong.of(l) : OptionalLong.empty();
    }

    /** A list-of-strings field as text; empty if absent; non-string items are skipped. */
    public List<String> strings(String key) {
        if (!(dictionary.get(key) instanceof List<?> l)) {
            return List.of();
        }
        List<String> out = new ArrayList<>(l.size());
        for (Object o : l) {
            if (o instanceof byte[] b) {
                out.add(new String(b, StandardCharsets.UTF_8));
            }
        }
        return Collections.unmodifiableList(out);
    }

    /** A dictionary field. */
    @SuppressWarnings("unchecked")
    public Optional<Map<String, Object>> dict(String key) {
        return dictionary.get(key) instanceof Map<?, ?> m ? Optional.of((Map<String, Object>) m) : Optional.empty();
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("NgReply[").append(result.wireName());
        warning().ifPresent(w -> sb.append(" warning=").append(w));
        errorReason().ifPresent(w -> sb.append(" reason=").append(w));
        sb.append(' ').append(dictionary.keySet()).append(']');
        return sb.toString();
    }
}
