package org.sipanchor.ng;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * The keys, flags and values that RTPEngine 10.5 understands, per command, and the check that a request uses only
 * those.
 *
 * <p>Why: RTPEngine 10.5 logs and then <em>ignores</em> an unknown key, flag or value, so a misspelled
 * {@code "trust adress"} or {@code "ICE": "forse"} silently does nothing on a live call. Every {@link NgRequest} is
 * checked against this vocabulary when it is built, and a bad word fails with an {@link NgValidationException} that
 * names it and the nearest valid word.
 *
 * <p>Source: the README of sipwise/rtpengine at tag mr10.5.3.5 (section "The ng Control Protocol"), cross-checked
 * with the parser of the daemon at the same tag ({@code daemon/call_interfaces.c}), which decides what is honoured:
 * <ul>
 *   <li>Key spellings and value spellings are case-sensitive and limited to the variants the daemon lists
 *       ({@code "ICE"} and {@code "ice"}, but not {@code "Ice"}); transport protocols and DTLS hash names are
 *       case-insensitive, as in the daemon.</li>
 *   <li>In {@code flags}, {@code replace}, {@code SDES} and {@code T.38}, spaces may be written as hyphens.</li>
 *   <li>Only some commands parse the common keys: {@code delete}, {@code query}, {@code list}, {@code start recording}
 *       and {@code stop recording} read a few fixed keys and ignore everything else; {@code delete} honours the
 *       single flag {@code fatal}; {@code ping} and {@code statistics} read nothing.</li>
 *   <li>{@code ptime} and {@code ptime-reverse} are honoured in {@code offer} only; the codec operations
 *       {@code transcode}, {@code mask}, {@code set}, {@code accept}, {@code consume} and the flag prefixes
 *       {@code transcode-}, {@code codec-transcode-}, {@code codec-mask-}, {@code T38-} only in {@code offer},
 *       {@code publish} and {@code subscribe request}.</li>
 *   <li>List-valued keys ({@code flags}, {@code rtcp-mux}, {@code SDES}, {@code endpoint-learning}...) are ignored by
 *       the daemon unless they are lists; a single string given for one is sent as a one-element list.</li>
 *   <li>Flags the README documents but the daemon does not act on ({@code symmetric}, and the obsolete
 *       {@code asymmetric codecs}, {@code symmetric codecs}, {@code reorder codecs}) are rejected with that
 *       explanation.</li>
 * </ul>
 *
 * <pre>{@code
 * NgVocabulary.validate(NgCommand.OFFER, Map.of("flags", List.of("trust adress")));
 * // NgValidationException: 'offer' request: unknown flag 'trust adress' in 'flags' (rtpengine 10.5 would
 * //   silently ignore it); did you mean 'trust address'?
 * }</pre>
 */
public final class NgVocabulary {

    private NgVocabulary() {
    }

    // ------------------------------------------------------------------ word sets

    /** A set of accepted words, matched the way the daemon matches them. */
    private static final class Words {
        final String what;
        final boolean hyphenate;
        final boolean ignoreCase;
        final Map<String, String> displayByMatchForm = new LinkedHashMap<>();
        final List<String> display = new ArrayList<>();

        /** Each group is "display|variant|variant": all variants are accepted, the first is suggested. */
        Words(String what, boolean hyphenate, boolean ignoreCase, String... groups) {
            this.what = what;
            this.hyphenate = hyphenate;
            this.ignoreCase = ignoreCase;
            for (String g : groups) {
                String[] variants = g.split("\\|");
                display.add(variants[0]);
                for (String v : variants) {
                    displayByMatchForm.put(matchForm(v), variants[0]);
                }
            }
        }

        String matchForm(String w) {
            String m = hyphenate ? w.replace(' ', '-') : w;
            return ignoreCase ? m.toLowerCase(Locale.ROOT) : m;
        }

        boolean contains(String w) {
            return displayByMatchForm.containsKey(matchForm(w));
        }

        String nearest(String w) {
            return NgVocabulary.nearest(w, display).orElse(null);
        }
    }

    private static final Words FLAGS = new Words("flag", true, false,
            "trust address",
            "SIP source address|sip source address",
            "asymmetric",
            "unidirectional",
            "strict source",
            "media handover",
            "reset",
            "port latching",
            "no port latching",
            "record call",
            "no rtcp attribute|no RTCP attribute",
            "full rtcp attribute|full RTCP attribute",
            "loop protect",
            "always transcode",
            "single codec",
            "reuse codecs",
            "no codec renegotiation",
            "allow transcoding",
            "all",
            "pad crypto",
            "generate mid",
            "strip extmap",
            "original sendrecv",
            "inject DTMF|inject dtmf",
            "detect DTMF|detect dtmf",
            "generate RTCP|generate rtcp",
            "RTCP mirror|mirror RTCP|rtcp mirror|mirror rtcp",
            "debug",
            "debugging",
            "pierce NAT|pierce nat",
            "NAT-wait|nat-wait",
            "trickle ICE|trickle ice",
            "reject ICE|ICE reject|ice reject|reject ice",
            // Honoured by the 10.5 daemon though not in its README:
            "egress",
            "SIPREC|siprec",
            "fragment",
            "passthrough",
            "no passthrough",
            "no jitter buffer",
            "no redis update");

    /** Documented or once-valid flags that 10.5 does not act on, with the reason shown to the user. */
    private static final Map<String, String> IGNORED_FLAGS = Map.of(
            "symmetric", "flag 'symmetric' is not understood by rtpengine 10.5 (symmetric RTP is already its default;"
                    + " only 'asymmetric' changes anything): remove it",
            "asymmetric-codecs", "flag 'asymmetric codecs' is obsolete and ignored by rtpengine 10.5: remove it",
            "symmetric-codecs", "flag 'symmetric codecs' is obsolete and ignored by rtpengine 10.5: remove it",
            "reorder-codecs", "flag 'reorder codecs' is obsolete and ignored by rtpengine 10.5: remove it");

    private static final Words DELETE_FLAGS = new Words("flag", false, false, "fatal");

    private static final Words REPLACE = new Words("'replace' value", true, false,
            "origin", "session connection", "session name", "SDP version|sdp version", "username", "zero address");

    private static final Words RTCP_MUX = new Words("'rtcp-mux' value", false, false,
            "offer", "require", "demux", "accept", "reject");

    private static final Words CRYPTO_SUITES = new Words("crypto suite", false, true,
            "AES_CM_128_HMAC_SHA1_80", "AES_CM_128_HMAC_SHA1_32", "AES_192_CM_HMAC_SHA1_80",
            "AES_192_CM_HMAC_SHA1_32", "AES_256_CM_HMAC_SHA1_80", "AES_256_CM_HMAC_SHA1_32", "F8_128_HMAC_SHA1_80",
            "F8_128_HMAC_SHA1_32", "NULL_HMAC_SHA1_80", "NULL_HMAC_SHA1_32", "AEAD_AES_128_GCM", "AEAD_AES_256_GCM");

    private static final Words SDES = new Words("'SDES' value", true, false,
            "off|no|disabled|disable",
            "unencrypted_srtp|UNENCRYPTED_SRTP", "unencrypted_srtcp|UNENCRYPTED_SRTCP",
            "unauthenticated_srtp|UNAUTHENTICATED_SRTP", "encrypted_srtp|ENCRYPTED_SRTP",
            "encrypted_srtcp|ENCRYPTED_SRTCP", "authenticated_srtp|AUTHENTICATED_SRTP",
            "lifetime", "pad", "static");

    private static final Words OSRTP = new Words("'OSRTP' value", false, false, "offer", "accept");

    private static final Words ENDPOINT_LEARNING = new Words("'endpoint-learning' value", false, false,
            "off", "immediate", "delayed", "heuristic");

    private static final Words T38 = new Words("'T.38' value", true, false,
            "decode", "force", "stop", "no-ECM|no-ecm", "no-V.17|no-V17|no-v17|no-v.17",
            "no-V.27ter|no-V27ter|no-v.27ter|no-v27ter", "no-V.29|no-V29|no-v29|no-v.29",
            "no-V.34|no-V34|no-v34|no-v.34", "no-IAF|no-iaf", "FEC|fec");

    private static final Words SUPPORTS = new Words("'supports' value", false, false, "load limit");

    private static final Words ICE = new Words("'ICE' value", false, false,
            "remove", "force", "default", "optional", "force-relay|force_relay|force relay");

    private static final Words ICE_LITE = new Words("'ICE-lite' value", false, false,
            "off|none|no", "forward|offer|fwd|fw", "backward|backwards|reverse|answer|back|bkw|bk", "both");

    private static final Words DTLS = new Words("'DTLS' value", false, false,
            "passive", "active", "off|no|disabled|disable");

    private static final Words DTLS_REVERSE = new Words("'DTLS-reverse' value", false, false, "passive", "active");

    private static final Words PASSTHROUGH = new Words("'passthrough' value", false, false,
            "on|yes|enable|enabled", "off|no|disable|disabled");

    private static final Words TRANSPORT_PROTOCOLS = new Words("'transport-protocol' value", false, true,
            "RTP/AVP", "RTP/SAVP", "RTP/AVPF", "RTP/SAVPF", "UDP/TLS/RTP/SAVP", "UDP/TLS/RTP/SAVPF", "UDPTL");

    /** Every value 'transport-protocol' takes; "accept" is kept out of the set above, which ignores case. */
    private static final List<String> TRANSPORT_PROTOCOL_VALUES =
            Stream.concat(TRANSPORT_PROTOCOLS.display.stream(), Stream.of("accept")).toList();

    private static final Words RECORD_CALL = new Words("'record-call' value", false, false, "yes", "no", "on", "off");

    private static final Words ADDRESS_FAMILY = new Words("address family", false, false, "IP4", "IP6");

    private static final Words DTLS_FINGERPRINT = new Words("'DTLS-fingerprint' value", false, true,
            "SHA-256", "SHA-1", "SHA-224", "SHA-384", "SHA-512");

    private static final Words ON_OFF = new Words("'generate-RTCP' value", false, false, "on", "off");

    private static final Words MEDIA_ECHO = new Words("'media-echo' value", false, false,
            "blackhole|sinkhole", "forward|fwd|fw", "backwards|backward|reverse|back|bkw|bk", "both");

    private static final Words DROP_TRAFFIC = new Words("'drop-traffic' value", false, false, "start", "stop");

    private static final Words DTMF_SECURITY = new Words("DTMF blocking mode", false, false,
            "drop", "silence", "tone", "random", "zero", "DTMF|dtmf", "off");

    private static final Words CODEC_OPS = new Words("'codec' operation", false, false,
            "strip", "offer", "except", "transcode", "mask", "set", "accept", "consume");

    private static final Set<String> CODEC_OPS_OFFER_ONLY = Set.of("transcode", "mask", "set", "accept", "consume");

    /** Commands whose daemon opmode is offer, publish or subscribe request: the only ones that honour transcoding. */
    private static final Set<NgCommand> TRANSCODING_COMMANDS =
            EnumSet.of(NgCommand.OFFER, NgCommand.PUBLISH, NgCommand.SUBSCRIBE_REQUEST);

    private static final String TRANSCODING_COMMANDS_TEXT = "'offer', 'publish' and 'subscribe request'";

    // ------------------------------------------------------------------ flag prefixes

    /** A flag prefix that aliases a value of another key into {@code flags}, e.g. {@code SDES-pad}. */
    private record Prefix(String prefix, Words values, boolean transcodingOnly) {
    }

    /** In the daemon's order: the first matching prefix wins. */
    private static final List<Prefix> FLAG_PREFIXES = List.of(
            new Prefix("from-tags-", null, false),
            new Prefix("SDES-no-", CRYPTO_SUITES, false),
            new Prefix("SDES-", SDES, false),
            new Prefix("OSRTP-", OSRTP, false),
            new Prefix("codec-strip-", null, false),
            new Prefix("codec-offer-", null, false),
            new Prefix("codec-except-", null, false),
            new Prefix("endpoint-learning-", ENDPOINT_LEARNING, false),
            new Prefix("transcode-", null, true),
            new Prefix("codec-transcode-", null, true),
            new Prefix("codec-mask-", null, true),
            new Prefix("T38-", T38, true),
            new Prefix("T.38-", T38, true),
            new Prefix("codec-set-", null, false),
            new Prefix("codec-accept-", null, false),
            new Prefix("codec-consume-", null, false));

    // ------------------------------------------------------------------ keys

    /** Normalises one value, or throws through the context. */
    @FunctionalInterface
    private interface ValueCheck {
        Object check(Ctx ctx, Object value);
    }

    /** Where a check runs: the command and the key, for messages. */
    private record Ctx(NgCommand command, String key) {
        NgValidationException fail(String word, String suggestion, String problem) {
            return new NgValidationException(command, key, word, suggestion, problem);
        }

        NgValidationException type(String expected, Object value) {
            return fail(String.valueOf(value), null, "key '" + key + "' must be " + expected + ", not "
                    + describe(value) + " (rtpengine 10.5 would ignore it)");
        }
    }

    /**
     * One key: its spellings, the check of its value, and the words that check accepts (for {@link #values} and
     * {@link #flags}; empty for free-form values).
     */
    private record KeySpec(String canonical, List<String> spellings, ValueCheck check, List<String> vocabulary,
            Set<NgCommand> onlyFor) {
    }

    private static String describe(Object v) {
        if (v == null) {
            return "null";
        }
        if (v instanceof byte[]) {
            return "bytes";
        }
        if (v instanceof Collection) {
            return "a list";
        }
        if (v instanceof Map) {
            return "a dictionary";
        }
        if (v instanceof Number) {
            return "the number " + v;
        }
        if (v instanceof String) {
            return "the string '" + v + "'";
        }
        return "a " + v.getClass().getSimpleName();
    }

    private static final ValueCheck STRING = (ctx, v) -> {
        if (v instanceof String s) {
            return s;
        }
        if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
            return v.toString(); // YAML turns a numeric label into a number; the daemon would drop a number.
        }
        throw ctx.type("a string", v);
    };

    private static final ValueCheck BYTES = (ctx, v) -> {
        if (v instanceof byte[] b) {
            return b.clone();
        }
        if (v instanceof String s) {
            return s.getBytes(StandardCharsets.UTF_8);
        }
        throw ctx.type("a byte string (byte[] or String)", v);
    };

    private static final ValueCheck INTEGER = (ctx, v) -> {
        if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
            return ((Number) v).longValue();
        }
        if (v instanceof String s && s.matches("-?[0-9]{1,18}")) {
            return Long.parseLong(s); // the daemon reads integers given as strings too
        }
        throw ctx.type("an integer", v);
    };

    private static ValueCheck oneOf(Words words) {
        return (ctx, v) -> {
            String s = (String) STRING.check(ctx, v);
            if (!words.contains(s)) {
                throw ctx.fail(s, words.nearest(s), words.what + " '" + s + "'" + where(words, ctx)
                        + " is not valid (rtpengine 10.5 would ignore it); valid: " + String.join(", ", words.display));
            }
            return s;
        };
    }

    private static final ValueCheck TRANSPORT_PROTOCOL = (ctx, v) -> {
        String s = (String) STRING.check(ctx, v);
        if (s.equals("accept") || TRANSPORT_PROTOCOLS.contains(s)) {
            return s;
        }
        throw ctx.fail(s, nearest(s, TRANSPORT_PROTOCOL_VALUES).orElse(null), "transport protocol '" + s
                + "' is not one rtpengine 10.5 knows (it would ignore it); valid: "
                + String.join(", ", TRANSPORT_PROTOCOL_VALUES));
    };

    /** A list of strings, each checked by {@code item}; a lone string becomes a one-element list. */
    private static ValueCheck listOf(ItemCheck item) {
        return (ctx, v) -> {
            Collection<?> items;
            if (v instanceof Collection<?> c) {
                items = c;
            } else if (v instanceof String s) {
                items = List.of(s);
            } else {
                throw ctx.type("a list of strings", v);
            }
            List<Object> out = new ArrayList<>(items.size());
            for (Object o : items) {
                if (!(o instanceof String s)) {
                    throw ctx.type("a list of strings", o);
                }
                item.check(ctx, s);
                out.add(s);
            }
            return Collections.unmodifiableList(out);
        };
    }

    @FunctionalInterface
    private interface ItemCheck {
        void check(Ctx ctx, String item);
    }

    private static final ItemCheck ANY_NON_EMPTY = (ctx, s) -> {
        if (s.isEmpty()) {
            throw ctx.fail(s, null, "empty string in '" + ctx.key() + "'");
        }
    };

    private static ItemCheck member(Words words) {
        return (ctx, s) -> {
            if (!words.contains(s)) {
                throw ctx.fail(s, words.nearest(s), words.what + " '" + s + "'" + where(words, ctx)
                        + " is not valid (rtpengine 10.5 would silently ignore it); valid: "
                        + String.join(", ", words.display));
            }
        };
    }

    /** " in 'key'", unless the description of the words already names the key. */
    private static String where(Words words, Ctx ctx) {
        return words.what.contains("'" + ctx.key() + "'") ? "" : " in '" + ctx.key() + "'";
    }

    /** SDES options: the listed words, or {@code no-SUITE} to leave a crypto suite out. */
    private static final ItemCheck SDES_ITEM = (ctx, s) -> {
        String h = s.replace(' ', '-');
        if (h.startsWith("no-")) {
            member(CRYPTO_SUITES).check(ctx, h.substring(3));
        } else {
            member(SDES).check(ctx, s);
        }
    };

    private static final ValueCheck DIRECTION = (ctx, v) -> {
        @SuppressWarnings("unchecked")
        List<Object> l = (List<Object>) listOf(ANY_NON_EMPTY).check(ctx, v);
        if (l.isEmpty() || l.size() > 2) {
            throw ctx.fail(String.valueOf(l), null, "'direction' takes one or two interface names (the daemon reads"
                    + " only the first two), got " + l.size());
        }
        return l;
    };

    private static final ValueCheck RECEIVED_FROM = (ctx, v) -> {
        @SuppressWarnings("unchecked")
        List<Object> l = (List<Object>) listOf(ANY_NON_EMPTY).check(ctx, v);
        if (l.size() != 2) {
            throw ctx.fail(String.valueOf(l), null, "'received-from' takes exactly two strings, the address family"
                    + " (IP4 or IP6) and the address, got " + l.size());
        }
        member(ADDRESS_FAMILY).check(ctx, (String) l.get(0));
        return l;
    };

    private static final ValueCheck DTMF_CODE = (ctx, v) -> {
        Object n = v instanceof String s && s.matches("[0-9]{1,2}") ? Long.valueOf(s) : v;
        if (n instanceof Integer || n instanceof Long || n instanceof Short || n instanceof Byte) {
            long c = ((Number) n).longValue();
            if (c < 0 || c > 15) {
                throw ctx.fail(String.valueOf(v), null, "DTMF event code must be 0..15, got " + v);
            }
            return v instanceof String ? v : c;
        }
        if (v instanceof String s && s.length() == 1 && "0123456789*#ABCD".contains(s)) {
            return s;
        }
        throw ctx.fail(String.valueOf(v), null, "'" + ctx.key() + "' must be a DTMF event code 0..15 or one of"
                + " 0-9, *, #, A-D; got " + describe(v));
    };

    /** The {@code codec} dictionary: operation -> list of codec specifications. */
    private static final ValueCheck CODEC = (ctx, v) -> {
        if (!(v instanceof Map<?, ?> m)) {
            throw ctx.type("a dictionary of codec operations", v);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : m.entrySet()) {
            if (!(e.getKey() instanceof String op)) {
                throw ctx.type("a dictionary with string keys", e.getKey());
            }
            if (!CODEC_OPS.contains(op)) {
                throw ctx.fail(op, CODEC_OPS.nearest(op), "unknown codec operation '" + op
                        + "' (rtpengine 10.5 would ignore it); valid: " + String.join(", ", CODEC_OPS.display));
            }
            if (CODEC_OPS_OFFER_ONLY.contains(op) && !TRANSCODING_COMMANDS.contains(ctx.command())) {
                throw ctx.fail(op, null, "codec operation '" + op + "' is only honoured in "
                        + TRANSCODING_COMMANDS_TEXT + " (rtpengine 10.5 would ignore it here)");
            }
            out.put(op, listOf(ANY_NON_EMPTY).check(new Ctx(ctx.command(), "codec." + op), e.getValue()));
        }
        return Collections.unmodifiableMap(out);
    };

    private static ValueCheck flags() {
        return listOf(NgVocabulary::checkFlag);
    }

    private static void checkFlag(Ctx ctx, String raw) {
        String h = raw.replace(' ', '-');
        if (FLAGS.contains(raw)) {
            return;
        }
        String ignored = IGNORED_FLAGS.get(h.toLowerCase(Locale.ROOT));
        if (ignored != null) {
            throw ctx.fail(raw, null, ignored);
        }
        for (Prefix p : FLAG_PREFIXES) {
            if (!h.startsWith(p.prefix())) {
                continue;
            }
            if (p.transcodingOnly() && !TRANSCODING_COMMANDS.contains(ctx.command())) {
                throw ctx.fail(raw, null, "flag '" + raw + "' is only honoured in " + TRANSCODING_COMMANDS_TEXT
                        + " (rtpengine 10.5 would ignore it here)");
            }
            String rest = h.substring(p.prefix().length());
            if (rest.isEmpty()) {
                throw ctx.fail(raw, null, "flag '" + raw + "' has nothing after its prefix '" + p.prefix() + "'");
            }
            final Words values = p.values();
            if (values != null && !values.contains(rest)) {
                String near = values.nearest(rest);
                throw ctx.fail(raw, near == null ? null : p.prefix() + near, "flag '" + raw + "': " + values.what
                        + " '" + rest + "' is not valid (rtpengine 10.5 would silently ignore the flag); valid after '"
                        + p.prefix() + "': " + String.join(", ", values.display));
            }
            return;
        }
        throw ctx.fail(raw, nearestFlag(raw), "unknown flag '" + raw + "' in 'flags' (rtpengine 10.5 would silently"
                + " ignore it)");
    }

    /** Nearest plain or prefixed flag, in the spelling style (spaces or hyphens) the user wrote. */
    private static String nearestFlag(String raw) {
        List<String> candidates = new ArrayList<>(FLAGS.display);
        for (Prefix p : FLAG_PREFIXES) {
            if (p.values() != null && p.values() != CRYPTO_SUITES) {
                for (String v : p.values().display) {
                    candidates.add(p.prefix() + v);
                }
            }
        }
        // Suggest in the user's style: "trust-adress" gets "trust-address", "trust adress" gets "trust address".
        boolean hyphenStyle = raw.indexOf(' ') < 0 && raw.indexOf('-') >= 0;
        return nearest(raw, candidates).map(c -> hyphenStyle ? c.replace(' ', '-') : c).orElse(null);
    }

    /** A key with a free-form value. */
    private static KeySpec key(String canonical, String otherSpellings, ValueCheck check) {
        return key(canonical, otherSpellings, check, List.of());
    }

    /** A key whose {@code check} accepts only words of {@code vocabulary}. */
    private static KeySpec key(String canonical, String otherSpellings, ValueCheck check, List<String> vocabulary) {
        List<String> spellings = new ArrayList<>();
        spellings.add(canonical);
        if (!otherSpellings.isEmpty()) {
            spellings.addAll(List.of(otherSpellings.split("\\|")));
        }
        return new KeySpec(canonical, List.copyOf(spellings), check, List.copyOf(vocabulary), null);
    }

    /** A key whose value is one of {@code words}. */
    private static KeySpec choice(String canonical, String otherSpellings, Words words) {
        return key(canonical, otherSpellings, oneOf(words), words.display);
    }

    /** A key whose value is a list of {@code words}. */
    private static KeySpec choices(String canonical, String otherSpellings, Words words) {
        return key(canonical, otherSpellings, listOf(member(words)), words.display);
    }

    private static KeySpec offerOnly(KeySpec k) {
        return new KeySpec(k.canonical(), k.spellings(), k.check(), k.vocabulary(), EnumSet.of(NgCommand.OFFER));
    }

    private static final KeySpec SUPPORTS_KEY = choices("supports", "", SUPPORTS);

    /** Keys read by the common parser ({@code call_ng_main_flags}), used by most commands. */
    private static final List<KeySpec> COMMON_KEYS = List.of(
            key("call-id", "call-ID|call id|call ID", STRING),
            key("from-tag", "", STRING),
            key("to-tag", "", STRING),
            key("via-branch", "", STRING),
            key("label", "from-label", STRING),
            key("set-label", "to-label", STRING),
            key("address", "", STRING),
            key("sdp", "SDP", BYTES),
            key("interface", "", STRING),
            key("flags", "", flags(), FLAGS.display),
            choices("replace", "", REPLACE),
            SUPPORTS_KEY,
            key("from-tags", "", listOf(ANY_NON_EMPTY)),
            choices("rtcp-mux", "RTCP-mux", RTCP_MUX),
            key("SDES", "sdes", listOf(SDES_ITEM), SDES.display),
            choices("OSRTP", "osrtp", OSRTP),
            choices("endpoint-learning", "endpoint learning", ENDPOINT_LEARNING),
            key("direction", "", DIRECTION),
            key("received-from", "received from", RECEIVED_FROM),
            choice("drop-traffic", "drop traffic", DROP_TRAFFIC),
            choice("ICE", "ice", ICE),
            choice("ICE-lite", "ice-lite|ICE lite|ice lite", ICE_LITE),
            choice("DTLS", "dtls", DTLS),
            choice("DTLS-reverse", "dtls-reverse|DTLS reverse|dtls reverse", DTLS_REVERSE),
            choice("passthrough", "passthru", PASSTHROUGH),
            key("transport-protocol", "transport protocol", TRANSPORT_PROTOCOL, TRANSPORT_PROTOCOL_VALUES),
            key("media-address", "media address", STRING),
            choice("record-call", "record call", RECORD_CALL),
            choice("address-family", "address family", ADDRESS_FAMILY),
            key("metadata", "", STRING),
            choice("DTLS-fingerprint", "DTLS fingerprint|dtls fingerprint|dtls-fingerprint", DTLS_FINGERPRINT),
            key("TOS", "tos", INTEGER),
            offerOnly(key("ptime", "", INTEGER)),
            offerOnly(key("ptime-reverse", "ptime reverse|reverse ptime|reverse-ptime", INTEGER)),
            key("xmlrpc-callback", "XMLRPC-callback", STRING),
            key("codec", "", CODEC, CODEC_OPS.display),
            choice("generate-RTCP", "generate RTCP|generate rtcp|generate-rtcp", ON_OFF),
            choice("media-echo", "media echo", MEDIA_ECHO),
            key("frequency", "", INTEGER),
            key("volume", "", INTEGER),
            key("code", "digit", DTMF_CODE),
            key("trigger", "", STRING),
            key("trigger-end", "trigger end|end trigger|end-trigger", STRING),
            key("trigger-end-time", "trigger end time|end-trigger-time|end trigger time", INTEGER),
            key("trigger-end-digits", "trigger end digits|end-trigger-digits|end trigger digits", INTEGER),
            key("DTMF-delay", "DTMF delay|dtmf-delay|dtmf delay", INTEGER),
            choices("T.38", "T38|t38|t.38", T38),
            choice("DTMF-security", "dtmf-security|DTMF security|dtmf security", DTMF_SECURITY),
            choice("DTMF-security-trigger", "dtmf-security-trigger|DTMF security trigger|dtmf security trigger",
                    DTMF_SECURITY),
            choice("DTMF-security-trigger-end",
                    "dtmf-security-trigger-end|DTMF security trigger end|dtmf security trigger end",
                    DTMF_SECURITY),
            key("delay-buffer", "delay buffer", INTEGER),
            key("repeat-times", "", INTEGER),
            key("file", "", STRING),
            key("blob", "", BYTES),
            key("db-id", "", INTEGER),
            key("duration", "", INTEGER),
            key("pause", "", INTEGER));

    private static final Map<NgCommand, Map<String, KeySpec>> KEYS_BY_COMMAND = new EnumMap<>(NgCommand.class);
    private static final Map<NgCommand, List<String>> REQUIRED = new EnumMap<>(NgCommand.class);

    static {
        Map<String, KeySpec> common = index(COMMON_KEYS);
        for (NgCommand c : NgCommand.values()) {
            KEYS_BY_COMMAND.put(c, common);
        }
        // These commands read fixed keys directly and ignore everything else (call_interfaces.c, mr10.5.3.5).
        KeySpec callIdExact = key("call-id", "", STRING);
        KeySpec fromTag = key("from-tag", "", STRING);
        KeySpec toTag = key("to-tag", "", STRING);
        KeySpec viaBranch = key("via-branch", "", STRING);
        KEYS_BY_COMMAND.put(NgCommand.PING, index(List.of(SUPPORTS_KEY)));
        KEYS_BY_COMMAND.put(NgCommand.STATISTICS, index(List.of(SUPPORTS_KEY)));
        KEYS_BY_COMMAND.put(NgCommand.LIST, index(List.of(SUPPORTS_KEY, key("limit", "", INTEGER))));
        KEYS_BY_COMMAND.put(NgCommand.QUERY, index(List.of(SUPPORTS_KEY, callIdExact, fromTag, toTag)));
        KEYS_BY_COMMAND.put(NgCommand.DELETE, index(List.of(SUPPORTS_KEY, callIdExact, fromTag, toTag, viaBranch,
                choices("flags", "", DELETE_FLAGS), key("delete-delay", "delete delay", INTEGER))));
        KEYS_BY_COMMAND.put(NgCommand.START_RECORDING, index(List.of(SUPPORTS_KEY, callIdExact, fromTag, toTag,
                viaBranch, key("metadata", "", STRING), key("output-destination", "", STRING))));
        KEYS_BY_COMMAND.put(NgCommand.STOP_RECORDING, index(List.of(SUPPORTS_KEY, callIdExact, fromTag, toTag,
                viaBranch, key("metadata", "", STRING))));

        for (NgCommand c : NgCommand.values()) {
            REQUIRED.put(c, List.of("call-id"));
        }
        REQUIRED.put(NgCommand.PING, List.of());
        REQUIRED.put(NgCommand.STATISTICS, List.of());
        REQUIRED.put(NgCommand.LIST, List.of());
        REQUIRED.put(NgCommand.OFFER, List.of("call-id", "from-tag", "sdp"));
        REQUIRED.put(NgCommand.ANSWER, List.of("call-id", "from-tag", "to-tag", "sdp"));
        REQUIRED.put(NgCommand.PUBLISH, List.of("call-id", "from-tag", "sdp"));
        REQUIRED.put(NgCommand.SUBSCRIBE_ANSWER, List.of("call-id", "to-tag", "sdp"));
        REQUIRED.put(NgCommand.UNSUBSCRIBE, List.of("call-id", "to-tag"));
        REQUIRED.put(NgCommand.PLAY_DTMF, List.of("call-id", "code"));
    }

    private static Map<String, KeySpec> index(List<KeySpec> keys) {
        Map<String, KeySpec> m = new LinkedHashMap<>();
        for (KeySpec k : keys) {
            for (String s : k.spellings()) {
                m.put(s, k);
            }
        }
        return Collections.unmodifiableMap(m);
    }

    // ------------------------------------------------------------------ API

    /**
     * Checks a request dictionary (without {@code command}) for {@code command}.
     *
     * @throws NgValidationException naming the first word RTPEngine 10.5 would not honour
     */
    public static void validate(NgCommand command, Map<String, ?> params) {
        normalize(command, params, Set.of());
    }

    /**
     * Checks and normalises: keys to their canonical spelling, integers to {@code Long}, byte strings to
     * {@code byte[]} copies, lone strings of list keys to lists. Keys in {@code unchecked} pass through as they are.
     */
    static Map<String, Object> normalize(NgCommand command, Map<String, ?> params, Set<String> unchecked) {
        Map<String, KeySpec> known = KEYS_BY_COMMAND.get(command);
        Map<String, Object> out = new LinkedHashMap<>();
        Map<String, String> spelledAs = new LinkedHashMap<>();
        for (Map.Entry<String, ?> e : params.entrySet()) {
            String k = e.getKey();
            Object v = e.getValue();
            if (k == null) {
                throw new NgValidationException(command, null, null, null, "null key");
            }
            if (k.equals("command")) {
                throw new NgValidationException(command, k, k, null, "'command' is set by the request type, not a"
                        + " parameter");
            }
            if (unchecked.contains(k)) {
                if (v == null) {
                    throw new NgValidationException(command, k, k, null, "key '" + k + "' has no value");
                }
                out.put(k, v);
                continue;
            }
            KeySpec spec = known.get(k);
            if (spec == null) {
                throw unknownKey(command, k, known);
            }
            if (spec.onlyFor() != null && !spec.onlyFor().contains(command)) {
                throw new NgValidationException(command, k, k, null, "key '" + k + "' is only honoured in 'offer'"
                        + " (rtpengine 10.5 would ignore it here)");
            }
            if (v == null) {
                throw new NgValidationException(command, k, k, null, "key '" + k + "' has no value");
            }
            String earlier = spelledAs.put(spec.canonical(), k);
            if (earlier != null) {
                throw new NgValidationException(command, k, k, null, "key '" + spec.canonical() + "' is given twice"
                        + " (as '" + earlier + "' and as '" + k + "')");
            }
            out.put(spec.canonical(), spec.check().check(new Ctx(command, spec.canonical()), v));
        }
        for (String required : REQUIRED.get(command)) {
            if (!out.containsKey(required)) {
                throw new NgValidationException(command, required, null, null, "key '" + required
                        + "' is required");
            }
        }
        if (command == NgCommand.PLAY_MEDIA && !(out.containsKey("file") || out.containsKey("blob")
                || out.containsKey("db-id"))) {
            throw new NgValidationException(command, "file", null, null, "one of 'file', 'blob' or 'db-id' is"
                    + " required");
        }
        return out;
    }

    private static NgValidationException unknownKey(NgCommand command, String k, Map<String, KeySpec> known) {
        Set<String> readers = new TreeSet<>();
        for (NgCommand other : NgCommand.values()) {
            KeySpec spec = KEYS_BY_COMMAND.get(other).get(k);
            if (spec != null && (spec.onlyFor() == null || spec.onlyFor().contains(other))) {
                readers.add("'" + other.wireName() + "'");
            }
        }
        if (!readers.isEmpty()) {
            Set<String> reads = keys(command);
            String suffix = reads.size() <= 8
                    ? "; '" + command.wireName() + "' reads " + (reads.isEmpty() ? "no keys" : String.join(", ", reads))
                    : "";
            return new NgValidationException(command, k, k, null, "key '" + k + "' is not read by '"
                    + command.wireName() + "' (rtpengine 10.5 would ignore it)" + suffix);
        }
        List<String> candidates = new ArrayList<>(known.keySet());
        return new NgValidationException(command, k, k, nearest(k, candidates).map(c -> known.get(c).canonical())
                .orElse(null), "unknown key '" + k + "' (rtpengine 10.5 would silently ignore it)");
    }

    /** Canonical spellings of the keys {@code command} reads, sorted. */
    public static Set<String> keys(NgCommand command) {
        Set<String> out = new TreeSet<>();
        KEYS_BY_COMMAND.get(command).values().stream()
                .filter(s -> s.onlyFor() == null || s.onlyFor().contains(command))
                .forEach(s -> out.add(s.canonical()));
        return Collections.unmodifiableSet(out);
    }

    /**
     * The plain flag words {@code command} honours in {@code flags} (documented spelling; hyphens may replace
     * spaces). Prefixed flags such as {@code SDES-pad} or {@code codec-strip-PCMU} are accepted as well.
     */
    public static List<String> flags(NgCommand command) {
        KeySpec flags = KEYS_BY_COMMAND.get(command).get("flags");
        return flags == null ? List.of() : flags.vocabulary();
    }

    /** The values of an enumerated key (any accepted spelling), in suggested spelling; empty for free-form keys. */
    public static List<String> values(String key) {
        KeySpec spec = KEYS_BY_COMMAND.get(NgCommand.OFFER).get(key);
        return spec == null ? List.of() : spec.vocabulary();
    }

    /**
     * The candidate closest to {@code word} by edit distance (ignoring case, and treating space, hyphen and
     * underscore alike), if it is close enough to be a plausible misspelling.
     */
    public static Optional<String> nearest(String word, Collection<String> candidates) {
        String w = fold(word);
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String c : candidates) {
            int d = distance(w, fold(c));
            if (d < bestDistance) {
                best = c;
                bestDistance = d;
            }
        }
        int allowed = Math.max(1, Math.min(4, w.length() / 3));
        return bestDistance <= allowed ? Optional.of(best) : Optional.empty();
    }

    private static String fold(String s) {
        return s.toLowerCase(Locale.ROOT).replace(' ', '-').replace('_', '-');
    }

    /** Optimal string alignment distance: Levenshtein plus adjacent transpositions ("pda" -> "pad" is 1). */
    private static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
