package org.sipanchor.ng;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * One NG request: a command and its dictionary, checked against {@link NgVocabulary} and encoded once, when built.
 *
 * <p>Immutable and reusable: the same request can be sent to several instances (each send gets its own cookie).
 * Every request carries {@code supports: ["load limit"]} unless told otherwise, so that an overloaded RTPEngine answers
 * with a distinguishable {@code load limit} result instead of a plain error.
 *
 * <pre>{@code
 * NgRequest offer = NgRequest.builder(NgCommand.OFFER)
 *         .callId(callId).fromTag(fromTag).viaBranch(branch)
 *         .sdp(sdpBytes)
 *         .transportProtocol("RTP/AVP").ice("remove")
 *         .flags("trust address")
 *         .replace("origin", "session connection")
 *         .rtcpMux("demux")
 *         .build();                       // NgValidationException on a word RTPEngine 10.5 would ignore
 *
 * // From configuration (keys and values as RTPEngine spells them):
 * NgRequest fromYaml = NgRequest.of(NgCommand.OFFER, Map.of("call-id", "c1", "from-tag", "t1", "sdp", sdp,
 *         "transport-protocol", "RTP/AVP", "ICE", "remove", "rtcp-mux", List.of("demux")));
 * }</pre>
 */
public final class NgRequest {

    private static final List<String> DEFAULT_SUPPORTS = List.of("load limit");

    private final NgCommand command;
    private final Map<String, Object> params;
    private final byte[] payload;

    private NgRequest(NgCommand command, Map<String, Object> params) {
        this.command = command;
        this.params = Collections.unmodifiableMap(params);
        Map<String, Object> dict = new LinkedHashMap<>(params);
        dict.put("command", command.wireName());
        this.payload = Bencode.encode(dict);
    }

    /** A builder for {@code command}; see the class documentation. */
    public static Builder builder(NgCommand command) {
        return new Builder(Objects.requireNonNull(command, "command"));
    }

    /**
     * A request from a map of RTPEngine keys as RTPEngine spells them (any spelling the daemon accepts, e.g.
     * {@code "transport protocol"} or {@code "transport-protocol"}); values may be {@code String}, {@code byte[]},
     * {@code Integer}/{@code Long}, lists of strings and, for {@code codec}, a map of lists.
     *
     * @throws NgValidationException for a key, flag or value RTPEngine 10.5 would not honour
     */
    public static NgRequest of(NgCommand command, Map<String, ?> params) {
        Builder b = builder(command);
        params.forEach(b::param);
        return b.build();
    }

    /** {@code ping}: RTPEngine answers {@code pong}. */
    public static NgRequest ping() {
        return builder(NgCommand.PING).build();
    }

    /** {@code statistics}: the same figures as {@code rtpengine-ctl list jsonstats}. */
    public static NgRequest statistics() {
        return builder(NgCommand.STATISTICS).build();
    }

    /** {@code list}: up to 32 Call-IDs (RTPEngine's default limit). */
    public static NgRequest list() {
        return builder(NgCommand.LIST).build();
    }

    /** {@code list} with an explicit limit (a large one may not fit in a UDP datagram). */
    public static NgRequest list(int limit) {
        return builder(NgCommand.LIST).limit(limit).build();
    }

    /** {@code delete} of the whole call. */
    public static NgRequest delete(String callId) {
        return builder(NgCommand.DELETE).callId(callId).build();
    }

    /** {@code delete} of the call leg of {@code fromTag}, as on a BYE. */
    public static NgRequest delete(String callId, String fromTag) {
        return builder(NgCommand.DELETE).callId(callId).fromTag(fromTag).build();
    }

    /** {@code query} of a call's tags, streams and counters. */
    public static NgRequest query(String callId) {
        return builder(NgCommand.QUERY).callId(callId).build();
    }

    public NgCommand command() {
        return command;
    }

    /** The Call-ID, if the request has one ({@code ping}, {@code list} and {@code statistics} do not). */
    public Optional<String> callId() {
        Object v = params.get("call-id");
        return v instanceof String s ? Optional.of(s) : Optional.empty();
    }

    /**
     * The dictionary without {@code command}: canonical key spellings, integers as {@code Long}, byte strings as
     * {@code byte[]} (shared: do not modify them; what is sent was encoded at build time anyway).
     */
    public Map<String, Object> params() {
        return params;
    }

    /** A builder holding this request's parameters, to derive a variant. */
    public Builder toBuilder() {
        Builder b = builder(command);
        params.forEach(b::param);
        return b;
    }

    /** The bencoded dictionary including {@code command}, as sent after the cookie. Not copied: do not modify. */
    byte[] payload() {
        return payload;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("NgRequest[").append(command.wireName());
        callId().ifPresent(c -> sb.append(" call-id=").append(c));
        sb.append(' ').append(params.keySet()).append(']');
        return sb.toString();
    }

    /**
     * Builds a {@link NgRequest}. Typed methods cover the common keys; {@link #param(String, Object)} sets any other
     * key RTPEngine 10.5 reads, and {@link #uncheckedParam(String, Object)} one it does not know (for newer daemons).
     * Setting a key again replaces it, except {@link #flag(String)} which appends.
     */
    public static final class Builder {
        private final NgCommand command;
        private final Map<String, Object> params = new LinkedHashMap<>();
        private final Set<String> unchecked = new HashSet<>();

        private Builder(NgCommand command) {
            this.command = command;
        }

        public Builder callId(String callId) {
            return put("call-id", callId);
        }

        public Builder fromTag(String fromTag) {
            return put("from-tag", fromTag);
        }

        public Builder toTag(String toTag) {
            return put("to-tag", toTag);
        }

        public Builder viaBranch(String viaBranch) {
            return put("via-branch", viaBranch);
        }

        /** The SDP body, sent byte for byte (copied at {@link #build()}). */
        public Builder sdp(byte[] sdp) {
            return put("sdp", Objects.requireNonNull(sdp, "sdp"));
        }

        /** The SDP body, sent as UTF-8. */
        public Builder sdp(String sdp) {
            return put("sdp", Objects.requireNonNull(sdp, "sdp").getBytes(StandardCharsets.UTF_8));
        }

        /** Replaces the {@code flags} list (words as in RTPEngine's README; hyphens may replace spaces). */
        public Builder flags(List<String> flags) {
            return put("flags", new ArrayList<>(flags));
        }

        public Builder flags(String... flags) {
            return flags(Arrays.asList(flags));
        }

        /** Appends one word to the {@code flags} list. */
        public Builder flag(String flag) {
            Object current = params.get("flags");
            List<Object> l = new ArrayList<>();
            if (current instanceof Collection<?> c) {
                l.addAll(c);
            } else if (current != null) {
                l.add(current);
            }
            l.add(Objects.requireNonNull(flag, "flag"));
            params.put("flags", l);
            return this;
        }

        /** Which parts of the SDP RTPEngine rewrites: origin, session connection, SDP version, username... */
        public Builder replace(List<String> parts) {
            return put("replace", List.copyOf(parts));
        }

        public Builder replace(String... parts) {
            return replace(Arrays.asList(parts));
        }

        /** The logical interfaces (from, to), as named by RTPEngine's {@code --interface}. */
        public Builder direction(String from, String to) {
            return put("direction", List.of(from, to));
        }

        public Builder direction(List<String> interfaces) {
            return put("direction", List.copyOf(interfaces));
        }

        /** RTP/AVP, RTP/SAVP, RTP/AVPF, RTP/SAVPF, UDP/TLS/RTP/SAVP(F), UDPTL, or accept (answer only). */
        public Builder transportProtocol(String protocol) {
            return put("transport-protocol", protocol);
        }

        /** remove, force, default, optional or force-relay. */
        public Builder ice(String ice) {
            return put("ICE", ice);
        }

        /** forward, backward, both or off. */
        public Builder iceLite(String iceLite) {
            return put("ICE-lite", iceLite);
        }

        /** passive, active, or off. */
        public Builder dtls(String dtls) {
            return put("DTLS", dtls);
        }

        public Builder dtlsReverse(String dtlsReverse) {
            return put("DTLS-reverse", dtlsReverse);
        }

        /** SHA-1, SHA-224, SHA-256, SHA-384 or SHA-512. */
        public Builder dtlsFingerprint(String hash) {
            return put("DTLS-fingerprint", hash);
        }

        /** SDES options: off, pad, lifetime, static, unencrypted_srtp..., no-SUITE. */
        public Builder sdes(List<String> options) {
            return put("SDES", List.copyOf(options));
        }

        public Builder sdes(String... options) {
            return sdes(Arrays.asList(options));
        }

        public Builder osrtp(String... options) {
            return put("OSRTP", List.of(options));
        }

        /** offer, require, demux, accept, reject. */
        public Builder rtcpMux(List<String> options) {
            return put("rtcp-mux", List.copyOf(options));
        }

        public Builder rtcpMux(String... options) {
            return rtcpMux(Arrays.asList(options));
        }

        /** The whole {@code codec} dictionary: operation (strip, offer, except, transcode...) to codecs. */
        public Builder codec(Map<String, ? extends List<String>> operations) {
            Map<String, Object> m = new LinkedHashMap<>();
            operations.forEach((k, v) -> m.put(k, List.copyOf(v)));
            return put("codec", m);
        }

        public Builder codecStrip(String... codecs) {
            return codecOp("strip", codecs);
        }

        public Builder codecOffer(String... codecs) {
            return codecOp("offer", codecs);
        }

        public Builder codecExcept(String... codecs) {
            return codecOp("except", codecs);
        }

        public Builder codecTranscode(String... codecs) {
            return codecOp("transcode", codecs);
        }

        public Builder codecMask(String... codecs) {
            return codecOp("mask", codecs);
        }

        public Builder codecSet(String... codecs) {
            return codecOp("set", codecs);
        }

        public Builder codecAccept(String... codecs) {
            return codecOp("accept", codecs);
        }

        public Builder codecConsume(String... codecs) {
            return codecOp("consume", codecs);
        }

        private Builder codecOp(String op, String... codecs) {
            Map<String, Object> m = new LinkedHashMap<>();
            if (params.get("codec") instanceof Map<?, ?> current) {
                current.forEach((k, v) -> m.put(String.valueOf(k), v));
            }
            m.put(op, List.of(codecs));
            params.put("codec", m);
            return this;
        }

        /** Record the call to PCAP ({@code record call = yes/no}). */
        public Builder recordCall(boolean record) {
            return put("record-call", record ? "yes" : "no");
        }

        public Builder label(String label) {
            return put("label", label);
        }

        /** Label for the participant created or selected (e.g. by {@code subscribe request}). */
        public Builder setLabel(String label) {
            return put("set-label", label);
        }

        public Builder fromTags(List<String> tags) {
            return put("from-tags", List.copyOf(tags));
        }

        /** The SIP message's source address, for when SDP addresses are not trusted. */
        public Builder receivedFrom(InetAddress source) {
            return put("received-from", List.of(source instanceof Inet6Address ? "IP6" : "IP4",
                    source.getHostAddress()));
        }

        public Builder receivedFrom(String family, String address) {
            return put("received-from", List.of(family, address));
        }

        /** Overrides the SDP addresses and {@code received from}. */
        public Builder mediaAddress(String address) {
            return put("media-address", address);
        }

        /** IP4 or IP6. */
        public Builder addressFamily(String family) {
            return put("address-family", family);
        }

        public Builder metadata(String metadata) {
            return put("metadata", metadata);
        }

        /** The logical interface, where one is needed outside offer/answer (publish, subscribe request). */
        public Builder interfaceName(String name) {
            return put("interface", name);
        }

        /** Selects a participant by its SDP media address (block/unblock/play commands). */
        public Builder address(String address) {
            return put("address", address);
        }

        public Builder ptime(int ms) {
            return put("ptime", (long) ms);
        }

        public Builder tos(int tos) {
            return put("TOS", (long) tos);
        }

        public Builder generateRtcp(boolean on) {
            return put("generate-RTCP", on ? "on" : "off");
        }

        public Builder mediaEcho(String mode) {
            return put("media-echo", mode);
        }

        public Builder dropTraffic(boolean drop) {
            return put("drop-traffic", drop ? "start" : "stop");
        }

        public Builder endpointLearning(String mode) {
            return put("endpoint-learning", List.of(mode));
        }

        /** Seconds before a deleted call is forgotten; 0 deletes at once ({@code delete} only). */
        public Builder deleteDelay(int seconds) {
            return put("delete-delay", (long) seconds);
        }

        /** Most Call-IDs in a {@code list} reply. */
        public Builder limit(int limit) {
            return put("limit", (long) limit);
        }

        /** Media file for {@code play media}, on the RTPEngine host. */
        public Builder file(String path) {
            return put("file", path);
        }

        /** Media content for {@code play media} (small files only: it must fit in one NG message). */
        public Builder blob(byte[] media) {
            return put("blob", media);
        }

        public Builder dbId(long id) {
            return put("db-id", id);
        }

        public Builder repeatTimes(int times) {
            return put("repeat-times", (long) times);
        }

        /** DTMF event code 0..15 for {@code play DTMF}. */
        public Builder code(int code) {
            return put("code", (long) code);
        }

        /** DTMF digit 0-9, *, #, A-D for {@code play DTMF}. */
        public Builder digit(char digit) {
            return put("code", String.valueOf(digit));
        }

        /** Duration in milliseconds ({@code play DTMF}: 100..5000). */
        public Builder duration(int ms) {
            return put("duration", (long) ms);
        }

        public Builder pause(int ms) {
            return put("pause", (long) ms);
        }

        public Builder volume(int db) {
            return put("volume", (long) db);
        }

        /** DTMF blocking mode for {@code block DTMF}: drop, silence, tone, random, zero, DTMF, off. */
        public Builder dtmfSecurity(String mode) {
            return put("DTMF-security", mode);
        }

        public Builder outputDestination(String path) {
            return put("output-destination", path);
        }

        /** Replaces the default {@code supports: ["load limit"]}; an empty list opts out. */
        public Builder supports(List<String> features) {
            return put("supports", List.copyOf(features));
        }

        /** Any key RTPEngine 10.5 reads, spelled as RTPEngine spells it; checked at {@link #build()}. */
        public Builder param(String key, Object value) {
            Objects.requireNonNull(key, "key");
            unchecked.remove(key);
            params.put(key, value);
            return this;
        }

        /**
         * A key sent without any check, for daemons newer than 10.5. Values must be bencodable ({@code String},
         * {@code byte[]}, {@code Integer}/{@code Long}, {@code List}, {@code Map<String,?>}).
         */
        public Builder uncheckedParam(String key, Object value) {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(value, "value");
            params.put(key, value);
            unchecked.add(key);
            return this;
        }

        private Builder put(String key, Object value) {
            params.put(key, Objects.requireNonNull(value, key));
            unchecked.remove(key);
            return this;
        }

        /**
         * Checks every key, flag and value against {@link NgVocabulary}, and encodes.
         *
         * @throws NgValidationException naming the first word RTPEngine 10.5 would not honour, and the nearest valid
         *                               word
         */
        public NgRequest build() {
            Map<String, Object> p = new LinkedHashMap<>(params);
            if (!p.containsKey("supports")) {
                p.put("supports", DEFAULT_SUPPORTS);
            }
            return new NgRequest(command, NgVocabulary.normalize(command, p, unchecked));
        }
    }
}
