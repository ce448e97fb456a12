package org.sipanchor.engine;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.sipanchor.ng.NgReply;

/**
 * How a server tells its own calls from others' on an RTPEngine it shares: every offer it sends carries this mark as
 * the offering party's RTPEngine {@code label}, and {@code query} returns each party's label, so a call found on an
 * RTPEngine can be classified ({@link #classify(NgReply)}). (RTPEngine 10.5 does not return {@code metadata} in a
 * {@code query} reply; labels it does.)
 *
 * <p>A mark is {@code sipanchor:<node id>:<incarnation>}: the node id from {@code media.node_id} (stable across
 * restarts), and the incarnation, which changes with every start of the process. A call with this node's id but
 * another incarnation was made before a restart: its SIP dialog may live on (a replicated session, a node that took
 * over), so it is treated like another node's call.
 *
 * @param nodeId      {@code media.node_id}
 * @param incarnation tells this run of the process from earlier ones
 */
public record NodeMark(String nodeId, String incarnation) {

    private static final String PREFIX = "sipanchor:";
    /** One per class loader, i.e. per deployed application: a redeployment is a new incarnation, as a restart is. */
    private static final String THIS_INCARNATION = Long.toString(System.currentTimeMillis(), 36);

    /** Whose a call found on an RTPEngine is. */
    public enum Owner {
        /** Offered by this very process. */
        THIS_PROCESS,
        /** Offered by this node before a restart, or by another node, or by a tool that marks nothing. */
        OTHER
    }

    public NodeMark {
        Objects.requireNonNull(nodeId, "nodeId");
        Objects.requireNonNull(incarnation, "incarnation");
    }

    /** The mark of this process on node {@code nodeId}. */
    public static NodeMark of(String nodeId) {
        return new NodeMark(nodeId, THIS_INCARNATION);
    }

    /** The {@code label} value every offer of this process carries. */
    public String label() {
        return PREFIX + nodeId + ":" + incarnation;
    }

    /** Whose the call described by a {@code query} reply is: this process's if any party carries its label. */
    public Owner classify(NgReply query) {
        String mine = label();
        for (Object tag : query.tags().values()) {
            if (tag instanceof Map<?, ?> party && mine.equals(text(party.get("label")).orElse(null))) {
                return Owner.THIS_PROCESS;
            }
        }
        return Owner.OTHER;
    }

    private static Optional<String> text(Object value) {
        return value instanceof byte[] b ? Optional.of(new String(b, java.nio.charset.StandardCharsets.UTF_8))
                : Optional.empty();
    }
}
