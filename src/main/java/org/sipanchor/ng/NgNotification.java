package org.sipanchor.ng;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;

/**
 * An unsolicited message from RTPEngine, such as a DTMF event pushed to TCP clients ({@code --dtmf-log-ng-tcp}).
 *
 * @param name the {@code notify} value, e.g. {@code onDTMF}
 * @param data the {@code data} dictionary (for DTMF: callid, source_tag, tags, type, source_ip, timestamp, event,
 *             duration, volume), byte strings as {@code byte[]}
 */
public record NgNotification(String name, Map<String, Object> data) {

    public NgNotification {
        data = Collections.unmodifiableMap(data);
    }

    /** A byte-string field of {@code data} as text. */
    public Optional<String> string(String key) {
        return data.get(key) instanceof byte[] b ? Optional.of(new String(b, StandardCharsets.UTF_8))
                : Optional.empty();
    }

    /** An integer field of {@code data}. */
    public Optional<Long> integer(String key) {
        return data.get(key) instanceof Long l ? Optional.of(l) : Optional.empty();
    }
}
