package org.sipanchor.engine;

import java.util.List;
import java.util.Optional;
import org.sipanchor.ng.NgCommand;

/**
 * A command for a call that no RTPEngine instance knows: the pool had no anchor for the Call-ID (no anchor given,
 * none in its local table) and a {@code query} to every up instance found the call nowhere. The replies of the
 * instances asked are attached as suppressed exceptions (typically {@link org.sipanchor.ng.NgErrorException}
 * "Unknown call-id").
 *
 * <pre>{@code
 * pool.send(playMedia, Optional.empty()).exceptionally(e -> {
 *     if (e.getCause() instanceof UnknownCallException u) {
 *         log.info("call " + u.callId().orElse("?") + " is gone: " + u.getMessage());
 *     }
 *     return null;
 * });
 * }</pre>
 */
public final class UnknownCallException extends Exception {

    private static final long serialVersionUID = 1L;

    private final String callId;
    private final NgCommand command;
    private final List<String> instancesAsked;

    UnknownCallException(String callId, NgCommand command, List<String> instancesAsked,
            List<? extends Throwable> replies) {
        super("no rtpengine knows Call-ID " + callId + " for '" + command.wireName() + "' (asked "
                + String.join(", ", instancesAsked) + ")");
        this.callId = callId;
        this.command = command;
        this.instancesAsked = List.copyOf(instancesAsked);
        replies.forEach(this::addSuppressed);
    }

    public Optional<String> callId() {
        return Optional.ofNullable(callId);
    }

    public NgCommand command() {
        return command;
    }

    /** The up instances that were asked, {@code host:port}. */
    public List<String> instancesAsked() {
        return instancesAsked;
    }
}
