package org.sipanchor.servlet;

import java.io.Serializable;
import java.util.Optional;

import javax.servlet.sip.SipSession;

/**
 * What a {@link MediaB2buaServlet} remembers about one call's signalling, in the call's SIP application session
 * (its media state is the {@link org.sipanchor.media.MediaCall} next to it): which SIP session is which leg, the
 * tag RTPEngine knows each party by, and how far the call got.
 *
 * <p>RTPEngine knows a B2BUA call by the A-leg's Call-ID, the caller by its From tag on the A-leg and the callee
 * by its To tag on the B-leg. Whatever arrives on a leg is translated to those tags: the party on the leg it
 * arrived on sent it.
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

    synchronized boolean isCallerLeg(SipSession session) {
        return callerSession.equals(session.getId());
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

    /** The id of the other leg's SIP session, once it exists. */
    synchronized Optional<String> otherSessionId(SipSession session) {
        return Optional.ofNullable(isCallerLeg(session) ? calleeSession : callerSession);
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
