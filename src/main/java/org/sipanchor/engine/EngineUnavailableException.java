package org.sipanchor.engine;

import java.util.List;
import java.util.Optional;
import org.sipanchor.ng.NgCommand;

/**
 * No RTPEngine instance could carry out a command: none was up, or every one tried failed (timed out, could not be
 * reached, or refused for lack of capacity). Each attempt's failure ({@link org.sipanchor.ng.NgException}) is attached
 * as a suppressed exception, in the order of the attempts.
 *
 * <pre>{@code
 * try {
 *     EngineReply r = pool.offer(offer).get();
 * } catch (ExecutionException e) {
 *     if (e.getCause() instanceof EngineUnavailableException u) {
 *         // "no rtpengine took 'offer' for Call-ID a84b4c76e66710: every instance failed
 *         //  (127.0.0.1:22222: no reply within 1000 ms (6 transmissions); 127.0.0.1:22223: ... load limit)"
 *         reject503(u.getMessage());
 *     }
 * }
 * }</pre>
 */
public final class EngineUnavailableException extends Exception {

    private static final long serialVersionUID = 1L;

    private final String callId;
    private final NgCommand command;
    private final List<String> instancesTried;

    EngineUnavailableException(String callId, NgCommand command, String reason, List<String> instancesTried,
            List<? extends Throwable> failures) {
        super(message(callId, command, reason, instancesTried, failures));
        this.callId = callId;
        this.command = command;
        this.instancesTried = List.copyOf(instancesTried);
        failures.forEach(this::addSuppressed);
    }

    private static String message(String callId, NgCommand command, String reason, List<String> tried,
            List<? extends Throwable> failures) {
        StringBuilder sb = new StringBuilder("no rtpengine took '").append(command.wireName()).append('\'');
        if (callId != null) {
            sb.append(" for Call-ID ").append(callId);
        }
        sb.append(": ").append(reason);
        if (!tried.isEmpty()) {
            sb.append(" (");
            for (int i = 0; i < tried.size(); i++) {
                if (i > 0) {
                    sb.append("; ");
                }
                sb.append(tried.get(i));
                if (i < failures.size()) {
                    sb.append(": ").append(EnginePool.describe(failures.get(i)));
                }
            }
            sb.append(')');
        }
        return sb.toString();
    }

    /** The Call-ID of the request, if it had one. */
    public Optional<String> callId() {
        return Optional.ofNullable(callId);
    }

    public NgCommand command() {
        return command;
    }

    /** The instances tried, in order ({@code host:port}); empty when none was up. */
    public List<String> instancesTried() {
        return instancesTried;
    }
}
