package org.sipanchor.servlet;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import javax.servlet.sip.SipSession;

/**
 * What a {@link MediaB2buaServlet} remembers about one call's signalling, in the call's SIP application session
 * (its media state is the {@link org.sipanchor.media.MediaCall} next to it): which SIP session is which leg, the
 * tag RTPEngine knows each party by, and how far the call got.
 *
 * <p>RTPEngine knows a B2BUA call by the A-leg's Call-ID, the caller by its From tag on the A-leg and the callee
 * by its To tag on the B-leg. Whatever arrives on a leg is translated to those tags: the party on the leg it
 * arrived on sent it.
 *
 * <p>A call to several targets has one B-leg per target until one answers: each is a {@linkplain #branch branch}
 * with the via-branch its offer was anchored with. The first 2xx {@linkplain #win wins} and its leg becomes the
 * callee's leg; the others are losers, whose signalling is never relayed.
 */
final class B2buaCall implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The application session attribute holding it. */
    static final String ATTRIBUTE = B2buaCall.class.getName();

    private final String callerTag;
    private final String callerSession;
    private String calleeTag;
    private String calleeSession;
    private boolean answered;
    private boolean ended;
    private String noAnswerTimer;
    private String sessionTimer;
    /** The B-legs of the initial INVITE: SIP session id to the via-branch its offer was anchored with (or ""). */
    private final Map<String, String> branches = new LinkedHashMap<>();
    /** The B-legs still waiting for their final response. */
    private final Set<String> pending = new LinkedHashSet<>();

    B2buaCall(String callerTag, String callerSession) {
        this.callerTag = callerTag;
        this.callerSession = callerSession;
    }

    synchronized void calleeSession(String id) {
        this.calleeSession = id;
    }

    /** Notes the callee's tag from a response that has one (a provisional one may come first, the 2xx wins). */
    synchronized void calleeTag(String tag) {
        if (tag != null) {
            this.calleeTag = tag;
        }
    }

    /** Notes a B-leg of the initial INVITE, pending until its final response. */
    synchronized void branch(String sessionId, String viaBranch) {
        branches.put(sessionId, viaBranch == null ? "" : viaBranch);
        pending.add(sessionId);
    }

    /** Whether the initial INVITE went to more than one B-leg. */
    synchronized boolean isForked() {
        return branches.size() > 1;
    }

    /** The via-branch the offer to the B-leg in {@code sessionId} was anchored with, when the call forked. */
    synchronized Optional<String> viaBranchOf(String sessionId) {
        String branch = branches.get(sessionId);
        return branch == null || branch.isEmpty() ? Optional.empty() : Optional.of(branch);
    }

    /** The B-legs still waiting for their final response, other than {@code sessionId}. */
    synchronized List<String> pendingOtherThan(String sessionId) {
        List<String> others = new ArrayList<>(pending);
        others.remove(sessionId);
        return others;
    }

    /** Every B-leg of the initial INVITE but {@code sessionId}. */
    synchronized List<String> branchesOtherThan(String sessionId) {
        List<String> others = new ArrayList<>(branches.keySet());
        others.remove(sessionId);
        return others;
    }

    /**
     * A B-leg answered with a 2xx: it becomes the callee's leg if no other leg did before (a single B-leg always
     * does).
     *
     * @return whether {@code sessionId} is the callee's leg
     */
    synchronized boolean win(String sessionId) {
        if (calleeSession != null && !calleeSession.equals(sessionId)) {
            return false;
        }
        calleeSession = sessionId;
        pending.remove(sessionId);
        return true;
    }

    /**
     * A B-leg got its final failure.
     *
     * @return whether it was the last pending one: the call failed as a whole
     */
    synchronized boolean failed(String sessionId) {
        pending.remove(sessionId);
        return pending.isEmpty();
    }

    /** Whether {@code sessionId} is a B-leg that lost to another's 2xx (or failed while another was pending). */
    synchronized boolean isLoser(String sessionId) {
        return calleeSession != null && !calleeSession.equals(sessionId) && branches.containsKey(sessionId);
    }

    synchronized boolean isCallerLeg(SipSession session) {
        return callerSession.equals(session.getId());
    }

    synchronized String callerTag() {
        return callerTag;
    }

    synchronized String callerSessionId() {
        return callerSession;
    }

    synchronized Optional<String> calleeSessionId() {
        return Optional.ofNullable(calleeSession);
    }

    /** The NG tag of the party on {@code session}'s leg: the caller's From tag or the callee's To tag. */
    synchronized String tagOf(SipSession session) {
        return isCallerLeg(session) ? callerTag : calleeTag;
    }

    /** The NG tag of the party on the other leg than {@code session}'s, once known. */
    synchronized Optional<String> otherTag(SipSession session) {
        return Optional.ofNullable(isCallerLeg(session) ? calleeTag : callerTag);
    }

    /**
     * The id of the other leg's SIP session, once it exists. A B-leg that is not (or not yet) the callee's leg of a
     * forked call has none: nothing it sends reaches the caller.
     */
    synchronized Optional<String> otherSessionId(SipSession session) {
        if (isCallerLeg(session)) {
            return Optional.ofNullable(calleeSession);
        }
        return session.getId().equals(calleeSession) || !branches.containsKey(session.getId())
                ? Optional.of(callerSession) : Optional.empty();
    }

    synchronized void answered() {
        this.answered = true;
    }

    /** Whether the caller got a 2xx: a later CANCEL is about a re-INVITE. */
    synchronized boolean isAnswered() {
        return answered;
    }

    /**
     * Marks the call over (cancelled, timed out, refused, hung up).
     *
     * @return whether this ended it (false when it already was)
     */
    synchronized boolean end() {
        if (ended) {
            return false;
        }
        ended = true;
        return true;
    }

    synchronized boolean isEnded() {
        return ended;
    }

    synchronized Optional<String> noAnswerTimer() {
        return Optional.ofNullable(noAnswerTimer);
    }

    synchronized void noAnswerTimer(String id) {
        this.noAnswerTimer = id;
    }

    synchronized Optional<String> sessionTimer() {
        return Optional.ofNullable(sessionTimer);
    }

    synchronized void sessionTimer(String id) {
        this.sessionTimer = id;
    }

    @Override
    public synchronized String toString() {
        return "B2buaCall[caller=" + callerTag + " callee=" + calleeTag + " answered=" + answered + " ended=" + ended + "]";
    }
}
