package org.sipanchor.media;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Logger;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.sipanchor.config.ConfigException;
import org.sipanchor.config.ConfigLocation;
import org.sipanchor.config.MediaConfig;
import org.sipanchor.config.ProfileConfig;
import org.sipanchor.config.ProfileParam;
import org.sipanchor.ng.NgCommand;
import org.sipanchor.ng.NgRequest;
import org.sipanchor.ng.NgValidationException;

/**
 * Every profile a call can select by name: the built-in ones and those of {@code media.profiles}. Custom keys are
 * checked against RTPEngine 10.5's vocabulary when the configuration loads, so a misspelt flag stops start-up at
 * its line instead of being ignored on live calls. YAML keys may use underscores for RTPEngine's hyphens
 * ({@code transport_protocol}).
 *
 * <p>A custom profile's {@code offer} keys describe the callee's side (B) and its {@code answer} keys the caller's
 * (A): the party that makes a call's first offer is on side A.
 *
 * <pre>{@code
 * MediaProfile profile = profiles.get("srtp_to_rtp");
 * }</pre>
 */
@Singleton
public class MediaProfiles {

    private static final Logger LOG = Logger.getLogger(MediaProfiles.class.getName());

    private final Map<String, MediaProfile> byName;

    @Inject
    public MediaProfiles(MediaConfig media) {
        this.byName = build(media);
    }

    /**
     * Builds and checks every profile of a configuration.
     *
     * @throws ConfigException naming the line of a key RTPEngine would not honour
     */
    public static MediaProfiles check(MediaConfig media) {
        return new MediaProfiles(media);
    }

    /**
     * @throws MediaException of kind {@code UNKNOWN_PROFILE} when no profile has that name
     */
    MediaProfile get(String name, String callId) {
        MediaProfile profile = byName.get(name);
        if (profile == null) {
            throw MediaException.unknownProfile(callId, name, byName.keySet());
        }
        return profile;
    }

    /**
     * The profile called {@code name}, built in or from {@code media.profiles}. Look custom profiles up when the
     * application starts (a servlet's {@code init()}), so that a misspelt name stops the deployment.
     *
     * @throws IllegalArgumentException naming the profiles that exist, when none has that name
     */
    public Profile named(String name) {
        if (!byName.containsKey(name)) {
            throw new IllegalArgumentException("unknown media profile \"" + name + "\" (known: "
                    + String.join(", ", new java.util.TreeSet<>(byName.keySet())) + ")");
        }
        return new Profile(name);
    }

    public Set<String> names() {
        return byName.keySet();
    }

    private static Map<String, MediaProfile> build(MediaConfig media) {
        Map<String, MediaProfile> profiles = new LinkedHashMap<>();
        for (BuiltInProfiles.Definition builtIn : BuiltInProfiles.definitions()) {
            ConfigLocation here = new ConfigLocation("built-in", 0, builtIn.name());
            profiles.put(builtIn.name(), new MediaProfile(builtIn.name(),
                    forCommand(NgCommand.OFFER, builtIn.sideA(), here, true),
                    forCommand(NgCommand.ANSWER, builtIn.sideA(), here, false),
                    forCommand(NgCommand.OFFER, builtIn.sideB(), here, true),
                    forCommand(NgCommand.ANSWER, builtIn.sideB(), here, false),
                    builtIn.offerFromA()));
        }
        for (ProfileConfig custom : media.profiles().values()) {
            Map<String, Object> calleeSide = keys(custom.offer());
            Map<String, Object> callerSide = keys(custom.answer());
            checkStrictly(NgCommand.OFFER, custom.offer());
            checkStrictly(NgCommand.ANSWER, custom.answer());
            profiles.put(custom.name(), new MediaProfile(custom.name(),
                    forCommand(NgCommand.OFFER, callerSide, custom.location(), false),
                    forCommand(NgCommand.ANSWER, callerSide, custom.location(), false),
                    forCommand(NgCommand.OFFER, calleeSide, custom.location(), false),
                    forCommand(NgCommand.ANSWER, calleeSide, custom.location(), false),
                    sdp -> true));
        }
        return Collections.unmodifiableMap(profiles);
    }

    private static Map<String, Object> keys(List<ProfileParam> params) {
        Map<String, Object> keys = new LinkedHashMap<>();
        for (ProfileParam param : params) {
            keys.put(rtpEngineKey(param.key()), param.value());
        }
        return keys;
    }

    /** Each key as written, in the direction it was written for: an error names its line. */
    private static void checkStrictly(NgCommand command, List<ProfileParam> params) {
        for (ProfileParam param : params) {
            try {
                probe(command, Map.of(rtpEngineKey(param.key()), param.value()));
            } catch (NgValidationException e) {
                throw new ConfigException(param.location(), e.getMessage());
            }
        }
    }

    /**
     * The keys of one side that {@code command} honours. A side's keys also serve the other command (an offer
     * toward a side that usually answers, after a re-INVITE from the other party); keys that command would
     * ignore are left out of it, once, here.
     */
    private static Map<String, Object> forCommand(NgCommand command, Map<String, Object> side, ConfigLocation where,
            boolean strict) {
        Map<String, Object> kept = new LinkedHashMap<>();
        for (Map.Entry<String, Object> key : side.entrySet()) {
            try {
                probe(command, Map.of(key.getKey(), key.getValue()));
                kept.put(key.getKey(), key.getValue());
            } catch (NgValidationException e) {
                if (strict) {
                    throw new IllegalStateException(where + ": " + e.getMessage(), e);
                }
                LOG.fine(() -> where + ": '" + key.getKey() + "' does not apply to " + command.wireName() + " and is left out of it");
            }
        }
        return kept;
    }

    /** Builds a request around the keys, which checks them against the vocabulary of {@code command}. */
    private static void probe(NgCommand command, Map<String, Object> keys) {
        NgRequest.Builder request = NgRequest.builder(command).callId("check").fromTag("check").sdp("v=0\r\n");
        if (command == NgCommand.ANSWER) {
            request.toTag("check");
        }
        keys.forEach(request::param);
        request.build();
    }

    /** {@code transport_protocol} is how YAML users write RTPEngine's {@code transport-protocol}. */
    static String rtpEngineKey(String yamlKey) {
        return yamlKey.replace('_', '-');
    }
}
