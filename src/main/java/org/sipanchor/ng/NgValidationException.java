package org.sipanchor.ng;

import java.util.Optional;

/**
 * A request that RTPEngine 10.5 would not fully honour: an unknown key or flag (which RTPEngine would silently
 * ignore), a value outside a key's vocabulary, a value of the wrong type, or a missing required key.
 *
 * <p>Thrown by {@link NgRequest.Builder#build()} and {@link NgRequest#of}, so that a misspelled flag fails where it is
 * written rather than doing nothing on a live call. The message names the command, the offending word and, when one
 * is close enough, the valid word that was probably meant.
 */
public final class NgValidationException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final NgCommand command;
    private final String key;
    private final String word;
    private final String suggestion;

    NgValidationException(NgCommand command, String key, String word, String suggestion, String problem) {
        super(message(command, key, word, suggestion, problem));
        this.command = command;
        this.key = key;
        this.word = word;
        this.suggestion = suggestion;
    }

    private static String message(NgCommand command, String key, String word, String suggestion, String problem) {
        StringBuilder sb = new StringBuilder("'").append(command.wireName()).append("' request: ").append(problem);
        if (suggestion != null) {
            sb.append("; did you mean '").append(suggestion).append("'?");
        }
        return sb.toString();
    }

    public NgCommand command() {
        return command;
    }

    /** The dictionary key where the problem is ({@code "flags"}, {@code "ICE"}, {@code "codec"}...). */
    public String key() {
        return key;
    }

    /** The rejected word: an unknown key or flag, or a value not in the key's vocabulary. */
    public String word() {
        return word;
    }

    /** The nearest valid word, when one is close enough to be a plausible intent. */
    public Optional<String> suggestion() {
        return Optional.ofNullable(suggestion);
    }
}
