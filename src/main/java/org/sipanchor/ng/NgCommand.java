package org.sipanchor.ng;

import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** The commands of RTPEngine 10.5's NG protocol, with their wire names (the value of the {@code command} key). */
public enum NgCommand {
    PING("ping"),
    OFFER("offer"),
    ANSWER("answer"),
    DELETE("delete"),
    QUERY("query"),
    LIST("list"),
    STATISTICS("statistics"),
    START_RECORDING("start recording"),
    STOP_RECORDING("stop recording"),
    BLOCK_DTMF("block DTMF"),
    UNBLOCK_DTMF("unblock DTMF"),
    BLOCK_MEDIA("block media"),
    UNBLOCK_MEDIA("unblock media"),
    SILENCE_MEDIA("silence media"),
    UNSILENCE_MEDIA("unsilence media"),
    START_FORWARDING("start forwarding"),
    STOP_FORWARDING("stop forwarding"),
    PLAY_MEDIA("play media"),
    STOP_MEDIA("stop media"),
    PLAY_DTMF("play DTMF"),
    PUBLISH("publish"),
    SUBSCRIBE_REQUEST("subscribe request"),
    SUBSCRIBE_ANSWER("subscribe answer"),
    UNSUBSCRIBE("unsubscribe");

    private static final Map<String, NgCommand> BY_WIRE_NAME =
            Stream.of(values()).collect(Collectors.toUnmodifiableMap(NgCommand::wireName, Function.identity()));

    private final String wireName;

    NgCommand(String wireName) {
        this.wireName = wireName;
    }

    /** The exact string RTPEngine expects, e.g. {@code "block DTMF"} (case matters). */
    public String wireName() {
        return wireName;
    }

    /** The command with this exact wire name, if RTPEngine 10.5 has one. */
    public static Optional<NgCommand> fromWireName(String wireName) {
        return Optional.ofNullable(BY_WIRE_NAME.get(wireName));
    }

    @Override
    public String toString() {
        return wireName;
    }
}
