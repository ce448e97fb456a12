package org.sipanchor.media;

import java.util.Set;

/** A call asked for a profile nobody defined. */
public final class UnknownProfileException extends MediaException {
    private static final long serialVersionUID = 1L;

    public UnknownProfileException(String callId, String profile, Set<String> known) {
        super(callId, "unknown media profile \"" + profile + "\" (known: " + String.join(", ", new java.util.TreeSet<>(known)) + ")");
    }
}
