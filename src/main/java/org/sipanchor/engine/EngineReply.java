package org.sipanchor.engine;

import java.util.Objects;
import org.sipanchor.ng.NgReply;

/**
 * A reply from the pool and the instance that gave it.
 *
 * <p>{@code instance} is the configured address in {@link org.sipanchor.config.HostPort#toString()} form, e.g.
 * {@code "127.0.0.1:22222"}. After an offer, keep it with the call (in the SIP application session) and pass it as
 * the anchor of every later command, so that any node of a cluster reaches the RTPEngine that holds the call:
 *
 * <pre>{@code
 * EngineReply r = pool.offer(offer).get();
 * appSession.setAttribute("rtpengine", r.instance());
 * ...
 * pool.send(NgRequest.delete(callId), Optional.ofNullable((String) appSession.getAttribute("rtpengine")));
 * }</pre>
 *
 * @param reply    RTPEngine's reply ({@code ok}, possibly with a warning)
 * @param instance the instance that answered
 */
public record EngineReply(NgReply reply, String instance) {

    public EngineReply {
        Objects.requireNonNull(reply, "reply");
        Objects.requireNonNull(instance, "instance");
    }
}
