package org.sipanchor.servlet;

import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;

import javax.servlet.ServletException;
import javax.servlet.sip.Address;
import javax.servlet.sip.ServletTimer;
import javax.servlet.sip.SipApplicationSession;
import javax.servlet.sip.SipErrorEvent;
import javax.servlet.sip.SipServletMessage;
import javax.servlet.sip.SipServletRequest;
import javax.servlet.sip.SipServletResponse;
import javax.servlet.sip.SipSession;
import javax.servlet.sip.SipSessionsUtil;
import javax.servlet.sip.URI;
import javax.servlet.sip.ar.SipApplicationRoutingDirective;

import jakarta.inject.Inject;

import org.sipanchor.config.AppConfig;
import org.sipanchor.media.Answer;
import org.sipanchor.media.MediaCall;
import org.sipanchor.media.MediaException;
import org.sipanchor.media.MediaSession;
import org.sipanchor.media.Offer;
import org.sipanchor.media.Profile;
import org.sipanchor.media.RtpEngineService;
import org.sipanchor.media.SdpBody;
import org.sipanchor.media.Side;

/**
 * A back-to-back user agent whose calls have their media anchored on RTPEngine: sipanchor owns both legs, so
 * neither party ever sees the other's addresses, Call-ID, tags or media. This is the base of SBCs and WebRTC
 * gateways.
 *
 * <ul>
 * <li>An initial INVITE is offered to RTPEngine and the B-leg INVITE carries the rewritten SDP; the B-leg's 18x/2xx
 * SDP is answered and relayed to the caller. A late offer (no SDP in the INVITE) is anchored from the 2xx, and its
 * answer from the ACK.</li>
 * <li>With several {@link #targets} the call forks: one B-leg per target, all at once, each offered with its own
 * via-branch. Their 18x reach the caller without SDP (several legs may have early media; none is chosen). The first
 * 2xx wins: its leg becomes the callee's, the other B-legs are cancelled (a late 2xx is acknowledged and hung up)
 * and their media released. When every B-leg fails, the caller gets the best failure: a 6xx at once, else the
 * lowest class, within a class the lowest status.</li>
 * <li>BYE (from either side), CANCEL, re-INVITE and UPDATE (from either side, offers both ways), INFO, MESSAGE,
 * NOTIFY, REFER and OPTIONS inside the dialog are relayed to the other leg, and their responses back. A 2xx is
 * acknowledged on its own leg as soon as its answer is settled; when it carries an offer, the other party's ACK
 * (with the answer) is relayed instead.</li>
 * <li>The media is released exactly once, on the first of: a final failure of the (last) B-leg, a CANCEL from the
 * caller, the no-answer timeout, a BYE from either side, an expired session timer (RFC 4028: a call whose
 * negotiated refresh does not come is hung up on both legs), a 2xx that never gets its ACK (both legs hung up), or
 * the end of the application session.</li>
 * <li>What crosses from one leg to the other is the {@link #headerPolicy header policy}'s choice: by default only a
 * safe set (topology hiding). Call-ID, tags, Via, Record-Route, Route and Contact never cross.</li>
 * </ul>
 *
 * <p>RTPEngine knows the call by the A-leg's Call-ID, the caller by its A-leg From tag and the callee by its B-leg
 * To tag; a re-INVITE or UPDATE from either leg is offered with the sender's tag as from-tag.
 *
 * <p>Extend it and say where calls go; declaring the servlet (a {@code @SipServlet} annotation or one {@code sip.xml}
 * entry) is all it takes, the base registers its timers and the session guard itself:
 *
 * <pre>{@code
 * @javax.servlet.sip.annotation.SipServlet(name = "sbc")
 * public class MySbc extends MediaB2buaServlet {
 *     protected Optional<URI> target(SipServletRequest request) throws ServletParseException {
 *         return Optional.of(sipFactory().createURI("sip:" + ((SipURI) request.getRequestURI()).getUser() + "@core.example.net"));
 *     }
 *
 *     protected Profile profile(SipServletRequest invite) {
 *         return Profile.SRTP_TO_RTP;
 *     }
 *
 *     protected Optional<Side> callerSide(SipServletRequest invite) {
 *         return Optional.of(isFromAccess(invite) ? Side.A : Side.B);   // A is the SRTP side of srtp_to_rtp
 *     }
 * }
 * }</pre>
 *
 * Reliable provisional responses (100rel, PRACK) are not supported: {@code 100rel} is removed from Supported on the
 * way through (with {@code outbound}, {@code path} and {@code gruu}, which concern one leg only), and an INVITE that
 * requires anything but {@code timer} is refused with 420.
 */
public abstract class MediaB2buaServlet extends SipAnchorServlet {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = Logger.getLogger(MediaB2buaServlet.class.getName());

    /** A request attribute of each request sent on one leg: the request it relays from the other leg. */
    static final String PEER = MediaB2buaServlet.class.getName() + ".peer";
    /** A leg's session attribute: the INVITE sent on the other leg for the INVITE this leg is waiting on (to CANCEL it). */
    static final String RELAYED_INVITE = MediaB2buaServlet.class.getName() + ".relayedInvite";
    /** A B-leg's session attribute: the initial INVITE sent on it (to CANCEL it when it loses or the call ends). */
    static final String BRANCH_INVITE = MediaB2buaServlet.class.getName() + ".branchInvite";
    /** The caller leg's session attribute: the best final failure of a forked call's B-legs so far. */
    static final String BEST_FAILURE = MediaB2buaServlet.class.getName() + ".bestFailure";
    /** A leg's session attribute: the other leg's 2xx (carrying an offer) that this leg's ACK will acknowledge. */
    static final String AWAITED_ACK = MediaB2buaServlet.class.getName() + ".awaitedAck";

    /** Option tags an INVITE may require: a session timer is negotiated end to end through the relayed headers. */
    private static final Set<String> REQUIRABLE = Set.of("timer");
    /**
     * Option tags that belong to one leg and are not passed on: PRACK is not relayed (100rel), and a browser's
     * outbound, path and gruu concern its own connection and registration.
     */
    private static final Set<String> LEG_OPTIONS = Set.of("100rel", "outbound", "path", "gruu");

    /** What a B2BUA timer is for; it is the timer's info. */
    enum Timeout implements Serializable {
        /** The callee did not answer in time: CANCEL it, 408 to the caller. */
        NO_ANSWER,
        /** No session refresh came within the negotiated Session-Expires: hang up both legs. */
        SESSION_EXPIRED
    }

    @Inject
    private transient RtpEngineService rtpengine;
    @Inject
    private transient AppConfig app;

    // ------------------------------------------------------------------ hooks

    /**
     * Where the B-leg of a new call (or of another out-of-dialog request) goes: its Request-URI. Empty (the default)
     * answers 404. Override this or {@link #targets}.
     */
    protected Optional<URI> target(SipServletRequest request) throws ServletException, IOException {
        return Optional.empty();
    }

    /**
     * Where a new call goes: one B-leg per target, all called at once. The first 2xx wins and the other B-legs are
     * cancelled; when they all fail, the caller gets the best failure. Empty answers 404. By default {@link #target}
     * (one B-leg).
     */
    protected List<URI> targets(SipServletRequest invite) throws ServletException, IOException {
        return target(invite).map(List::of).orElse(List.of());
    }

    /** The media profile of a new call: {@code app.profile} unless overridden, e.g. per direction. */
    protected Profile profile(SipServletRequest invite) {
        return profileNamed(app.profile());
    }

    /**
     * Which side of the profile the caller is on. Empty (the default) lets the profile tell it from the first
     * offer's SDP; an SBC that knows which leg is its access side says so, whatever the parties offer.
     */
    protected Optional<Side> callerSide(SipServletRequest invite) {
        return Optional.empty();
    }

    /** Which headers of {@code received} cross to the other leg: {@link HeaderPolicy#topologyHiding()} by default. */
    protected HeaderPolicy headerPolicy(SipServletMessage received) {
        return HeaderPolicy.topologyHiding();
    }

    /** Whether a new call's media is anchored at all: true unless overridden. */
    protected boolean anchors(SipServletRequest invite) {
        return true;
    }

    /** Seconds a new call may go without a final response before the B2BUA cancels it: {@code app.no_answer_timeout_secs}. */
    protected int noAnswerTimeoutSecs(SipServletRequest invite) {
        return app.noAnswerTimeoutSecs();
    }

    /**
     * Ends a call from the middle, e.g. from {@link #onDtmf}: its media is released and each leg that is up gets a BYE
     * with a Reason header carrying {@code why}. Does nothing for a call that has ended already.
     */
    protected final void hangUp(MediaSession call, String why) throws IOException {
        SipApplicationSession session = applicationSession(call);
        Optional<B2buaCall> b2bua = callOf(session);
        if (b2bua.isPresent() && !b2bua.get().isEnded()) {
            endCall(session, b2bua.get(), SipServletResponse.SC_OK, why);
        }
    }

    // ------------------------------------------------------------------ requests

    /** A new call starts its B-leg; a re-INVITE from either leg is offered and relayed. */
    @Override
    protected void doInvite(SipServletRequest request) throws ServletException, IOException {
        if (request.isInitial()) {
            startCall(request);
        } else {
            reoffer(request);
        }
    }

    @Override
    protected void doUpdate(SipServletRequest request) throws ServletException, IOException {
        reoffer(request);
    }

    @Override
    protected void doAck(SipServletRequest request) throws ServletException, IOException {
        acknowledge(request);
    }

    @Override
    protected void doBye(SipServletRequest request) throws ServletException, IOException {
        hangUp(request);
    }

    @Override
    protected void doCancel(SipServletRequest request) throws ServletException, IOException {
        cancel(request);
    }

    @Override
    protected void doInfo(SipServletRequest request) throws ServletException, IOException {
        relay(request);
    }

    @Override
    protected void doMessage(SipServletRequest request) throws ServletException, IOException {
        relay(request);
    }

    @Override
    protected void doOptions(SipServletRequest request) throws ServletException, IOException {
        relay(request);
    }

    @Override
    protected void doPublish(SipServletRequest request) throws ServletException, IOException {
        relay(request);
    }

    @Override
    protected void doNotify(SipServletRequest request) throws ServletException, IOException {
        relay(request);
    }

    @Override
    protected void doRefer(SipServletRequest request) throws ServletException, IOException {
        relay(request);
    }

    @Override
    protected void doSubscribe(SipServletRequest request) throws ServletException, IOException {
        relay(request);
    }

    @Override
    protected void doPrack(SipServletRequest request) throws ServletException, IOException {
        relay(request);
    }

    /** A B2BUA relays no registration by default: 501 (the bundled application answers it as a registrar). */
    @Override
    protected void doRegister(SipServletRequest request) throws ServletException, IOException {
        request.createResponse(SipServletResponse.SC_NOT_IMPLEMENTED, "Registration Not Relayed").send();
    }

    /**
     * Relays a request other than INVITE, ACK, BYE, CANCEL and UPDATE: inside a dialog to the other leg, outside one
     * (MESSAGE, OPTIONS, PUBLISH) to {@link #target}, else the first of {@link #targets}: it is not forked.
     * Out-of-dialog SUBSCRIBE and REFER would create dialogs this B2BUA does not keep: 501.
     */
    protected void relay(SipServletRequest request) throws ServletException, IOException {
        if (!request.isInitial()) {
            relayInDialog(request, null);
        } else if ("SUBSCRIBE".equals(request.getMethod()) || "REFER".equals(request.getMethod())) {
            request.createResponse(SipServletResponse.SC_NOT_IMPLEMENTED, "Not Relayed Out Of Dialog").send();
        } else {
            relayOutOfDialog(request);
        }
    }

    private void startCall(SipServletRequest invite) throws ServletException, IOException {
        if (invite.getMaxForwards() == 0) {
            invite.createResponse(SipServletResponse.SC_TOO_MANY_HOPS).send();
            return;
        }
        List<String> unsupported = unsupportedRequirements(invite);
        if (!unsupported.isEmpty()) {
            SipServletResponse refusal = invite.createResponse(SipServletResponse.SC_BAD_EXTENSION);
            refusal.setHeader("Unsupported", String.join(", ", unsupported));
            refusal.send();
            return;
        }
        List<URI> targets = targets(invite);
        if (targets.isEmpty()) {
            LOG.fine(() -> "call-id=" + invite.getCallId() + " no route to " + invite.getRequestURI());
            invite.createResponse(SipServletResponse.SC_NOT_FOUND).send();
            return;
        }
        // B-legs share out the caller's Max-Breadth as a proxy's branches do, so a loop of forking B2BUAs stays bounded
        OptionalInt breadth = MaxBreadth.shareOrRefuse(invite, targets.size());
        if (breadth.isEmpty()) {
            LOG.fine(() -> "call-id=" + invite.getCallId() + " refused: Max-Breadth " + invite.getHeader(MaxBreadth.HEADER)
                    + " for " + targets.size() + " B-legs");
            return;
        }
        boolean forked = targets.size() > 1;
        // RTPEngine is asked before the B-leg exists; the caller stops retransmitting meanwhile.
        invite.createResponse(SipServletResponse.SC_TRYING).send();
        SipApplicationSession session = invite.getApplicationSession();
        String callerTag = tag(invite.getFrom());
        B2buaCall call = new B2buaCall(callerTag, invite.getSession().getId());
        session.setAttribute(B2buaCall.ATTRIBUTE, call);
        MediaCall mediaCall = null;
        List<byte[]> toCallees = new ArrayList<>(Collections.nCopies(targets.size(), (byte[]) null));
        Optional<byte[]> sdp;
        boolean anchored = anchors(invite);
        if (anchored && rtpengine.isAnchoring(invite.getCallId(), callerTag)) {
            // A new dialog with a live call's Call-ID and From tag (a peer reusing them): offering it would re-offer
            // that call's media at RTPEngine and cut it. RFC 3261 section 8.2.2.2 calls such a request merged.
            call.end();
            LOG.info(() -> "call-id=" + invite.getCallId() + " INVITE refused with 482: a live call of this server has"
                    + " the same Call-ID and From tag");
            invite.createResponse(SipServletResponse.SC_LOOP_DETECTED, "Call-ID And From Tag In Use").send();
            return;
        }
        try {
            // an anchored offer is held against media.limits before any media state exists: nothing to release
            sdp = anchored ? rtpengine.offeredSdp(invite) : SdpBody.of(invite);
        } catch (MediaException e) {
            call.end();
            MediaFailureReply.send(invite, e);
            return;
        }
        if (anchored) {
            // a fresh state for every initial INVITE: an earlier attempt of the same Call-ID is released already
            mediaCall = rtpengine.begin(session, invite.getCallId(), callerTag, profile(invite));
            Optional<Side> side = callerSide(invite);
            if (side.isPresent()) {
                mediaCall.pinSide(callerTag, side.get());
            }
            if (sdp.isPresent()) {
                try {
                    byte[] shaped = rtpengine.shaped(mediaCall, sdp.get(), offerShaping(invite));
                    // several B-legs: each its own via-branch, so that RTPEngine pairs each answer with its offer
                    toCallees = rtpengine.offerBranches(mediaCall, offer(invite, callerTag, Optional.empty(), shaped),
                            targets.size(), forked);
                } catch (MediaException e) {
                    if (!firstOfferFailed(invite, e)) {
                        call.end();
                        return;
                    }
                }
            }
        } else if (sdp.isPresent()) {
            try {
                byte[] shaped = RtpEngineService.shaped(invite.getCallId(), sdp.get(), offerShaping(invite));
                Collections.fill(toCallees, shaped == sdp.get() ? null : shaped);
            } catch (MediaException e) {
                call.end();
                MediaFailureReply.send(invite, e);
                return;
            }
        }
        int sent = 0;
        for (int i = 0; i < targets.size(); i++) {
            URI target = targets.get(i);
            SipServletRequest out = newLegRequest(invite, target);
            MaxBreadth.carry(invite, out, targets.size(), breadth.getAsInt());
            copyBody(invite, out, toCallees.get(i));
            TargetTransport.pin(out, target);
            String leg = out.getSession().getId();
            if (!forked) {
                // a forked call's callee is the B-leg that answers first: linked then
                invite.getB2buaHelper().linkSipSessions(invite.getSession(), out.getSession());
                call.calleeSession(leg);
            }
            call.branch(leg, forked ? Offer.branch(i) : null);
            out.getSession().setAttribute(BRANCH_INVITE, out);
            try {
                out.send();
                sent++;
                LOG.fine(() -> "call-id=" + invite.getCallId() + " B-leg " + out.getCallId() + " to " + target);
            } catch (IOException | RuntimeException e) {
                // a B-leg that cannot be sent is a 503 from it (RFC 3261 section 8.1.3.1): the others go on
                LOG.log(Level.WARNING, "call-id=" + invite.getCallId() + " B-leg to " + target + " not sent, taken as 503: " + e);
                call.failed(leg);
                if (forked && mediaCall != null) {
                    rtpengine.releaseBranch(mediaCall, callerTag, Offer.branch(i));
                }
            }
        }
        if (sent == 0) {
            call.end();
            if (mediaCall != null) {
                rtpengine.delete(mediaCall);
            }
            TargetTransport.refuseUnreachable(invite);
            return;
        }
        session.setAttribute(B2buaCall.ATTRIBUTE, call);
        ServletTimer timer = timerService().createTimer(session, noAnswerTimeoutSecs(invite) * 1000L, false, Timeout.NO_ANSWER);
        call.noAnswerTimer(timer.getId());
    }

    /** A re-INVITE or UPDATE: its offer (if any) is anchored with the sender as offerer, then relayed. */
    private void reoffer(SipServletRequest request) throws IOException {
        SipSession leg = request.getSession();
        Optional<B2buaCall> call = callOf(request.getApplicationSession());
        Optional<MediaCall> mediaCall = anchoredCall(request.getApplicationSession());
        Optional<byte[]> sdp;
        try {
            sdp = call.isPresent() && mediaCall.isPresent() ? rtpengine.offeredSdp(request) : SdpBody.of(request);
        } catch (MediaException e) {
            MediaFailureReply.send(request, e); // refused before RTPEngine: the session stays as it was
            return;
        }
        byte[] rewritten = null;
        if (call.isPresent() && mediaCall.isPresent() && sdp.isPresent()) {
            try {
                byte[] shaped = rtpengine.shaped(mediaCall.get(), sdp.get(), offerShaping(request));
                rewritten = rtpengine.offer(mediaCall.get(), offer(request, call.get().tagOf(leg), call.get().otherTag(leg), shaped));
            } catch (MediaException e) {
                // The session goes on as it was (RFC 3261 section 14.1): this offer is refused, the media stays anchored.
                MediaFailureReply.send(request, e);
                return;
            }
        }
        SipServletRequest out = relayInDialog(request, rewritten);
        if (out != null && "INVITE".equals(request.getMethod())) {
            leg.setAttribute(RELAYED_INVITE, out);
        }
    }

    /**
     * The caller's ACK of a 2xx that carried the callee's offer goes to the callee with the anchored answer; any
     * other ACK completes its own leg only (the other leg's 2xx was acknowledged when it came).
     */
    private void acknowledge(SipServletRequest ack) throws IOException {
        SipSession leg = ack.getSession();
        SipServletResponse awaited = (SipServletResponse) attribute(leg, AWAITED_ACK);
        if (awaited == null) {
            return; // the ACK of a failure response, absorbed by its transaction
        }
        leg.removeAttribute(AWAITED_ACK);
        SipServletRequest out = awaited.createAck();
        Optional<byte[]> sdp = SdpBody.of(ack);
        Optional<B2buaCall> call = callOf(ack.getApplicationSession());
        Optional<MediaCall> mediaCall = anchoredCall(ack.getApplicationSession());
        byte[] rewritten = null;
        // the awaited 2xx carried an offer: when the call is anchored, so was that offer, and this answers it
        if (sdp.isPresent() && call.isPresent() && mediaCall.isPresent()) {
            try {
                byte[] shaped = rtpengine.shaped(mediaCall.get(), rtpengine.answeredSdp(ack).orElseThrow(), answerShaping(ack));
                rewritten = rtpengine.answer(mediaCall.get(), Answer.of(call.get().otherTag(leg).orElse(""), call.get().tagOf(leg), shaped));
            } catch (MediaException e) {
                // An ACK cannot be refused: the dialog is completed, then ended, rather than left half-anchored.
                LOG.severe(() -> "call-id=" + ack.getCallId() + " answer in ACK not anchored, ending the call: " + e.reason());
                out.send();
                endCall(ack.getApplicationSession(), call.get(), MediaFailureReply.status(e), "media not anchored");
                return;
            }
        }
        copyBody(ack, out, rewritten);
        out.send();
    }

    /**
     * A BYE from either side releases the media and goes on to the other leg. A caller's BYE before the answer (in
     * its early dialog) cancels every B-leg still ringing instead, and its INVITE gets 487.
     */
    private void hangUp(SipServletRequest bye) throws IOException {
        SipApplicationSession session = bye.getApplicationSession();
        Optional<B2buaCall> call = callOf(session);
        boolean early = call.isPresent() && call.get().isCallerLeg(bye.getSession()) && !call.get().isAnswered();
        boolean ending = call.isPresent() && call.get().end();
        call.ifPresent(c -> cancelTimers(session, c));
        MediaCall.in(session).ifPresent(this::release);
        List<SipServletRequest> ringing = early && ending ? ringingBranches(session, call.get(), null) : List.of();
        if (ringing.isEmpty()) {
            relayInDialog(bye, null, true);
            return;
        }
        for (SipServletRequest relayed : ringing) {
            sendCancel(relayed, bye);
        }
        bye.createResponse(SipServletResponse.SC_OK).send();
        SipServletRequest invite = (SipServletRequest) ringing.get(0).getAttribute(PEER);
        if (invite != null && !invite.isCommitted()) {
            invite.createResponse(SipServletResponse.SC_REQUEST_TERMINATED).send();
        }
    }

    /**
     * The container has answered the CANCEL and the INVITE (487); the INVITE relayed to the other leg is cancelled
     * too. A CANCEL of the initial INVITE ends the call, cancels every B-leg still ringing and releases the media.
     */
    private void cancel(SipServletRequest cancel) throws IOException {
        SipSession leg = cancel.getSession();
        SipApplicationSession session = cancel.getApplicationSession();
        Optional<B2buaCall> call = callOf(session);
        if (call.isPresent() && call.get().isCallerLeg(leg) && !call.get().isAnswered()) {
            if (call.get().end()) {
                cancelTimers(session, call.get());
                MediaCall.in(session).ifPresent(this::release);
                LOG.fine(() -> "call-id=" + cancel.getCallId() + " cancelled by the caller: media released");
                for (SipServletRequest relayed : ringingBranches(session, call.get(), null)) {
                    sendCancel(relayed, cancel);
                }
            }
            return;
        }
        SipServletRequest relayed = (SipServletRequest) attribute(leg, RELAYED_INVITE);
        if (relayed != null) {
            leg.removeAttribute(RELAYED_INVITE);
            sendCancel(relayed, cancel);
        }
    }

    private SipServletRequest relayInDialog(SipServletRequest request, byte[] body) throws IOException {
        return relayInDialog(request, body, false);
    }

    /**
     * Sends {@code request}'s counterpart on the other leg; its response comes back through {@link #doResponse}.
     * When the other leg is gone, a BYE is answered 200 here and anything else 481.
     */
    private SipServletRequest relayInDialog(SipServletRequest request, byte[] body, boolean answerWhenAlone) throws IOException {
        Optional<SipSession> other = callOf(request.getApplicationSession())
                .flatMap(call -> call.otherSessionId(request.getSession()))
                .flatMap(id -> liveSession(request.getApplicationSession(), id));
        SipServletRequest out = null;
        if (other.isPresent()) {
            try {
                out = other.get().createRequest(request.getMethod());
            } catch (IllegalStateException e) {
                LOG.fine(() -> "call-id=" + request.getCallId() + " " + request.getMethod() + " not relayed: " + e.getMessage());
            }
        }
        if (out == null) {
            request.createResponse(answerWhenAlone ? SipServletResponse.SC_OK : SipServletResponse.SC_CALL_LEG_DONE).send();
            return null;
        }
        crossHeaders(request, out);
        copyBody(request, out, body);
        out.setAttribute(PEER, request);
        try {
            out.send();
        } catch (IOException | RuntimeException e) {
            // the other leg is unreachable: a BYE still ends this leg, anything else fails here
            LOG.warning(() -> "call-id=" + request.getCallId() + " " + request.getMethod() + " not relayed: " + e);
            if (answerWhenAlone) {
                request.createResponse(SipServletResponse.SC_OK).send();
            } else {
                TargetTransport.refuseUnreachable(request);
            }
            return null;
        }
        return out;
    }

    private void relayOutOfDialog(SipServletRequest request) throws ServletException, IOException {
        if (request.getMaxForwards() == 0) {
            request.createResponse(SipServletResponse.SC_TOO_MANY_HOPS).send();
            return;
        }
        Optional<URI> target = target(request);
        if (target.isEmpty()) {
            // a request outside a call is not forked: it goes to one target
            target = targets(request).stream().findFirst();
        }
        if (target.isEmpty()) {
            request.createResponse(SipServletResponse.SC_NOT_FOUND).send();
            return;
        }
        URI to = target.get();
        SipServletRequest out = newLegRequest(request, to);
        copyBody(request, out, null);
        TargetTransport.pin(out, to);
        try {
            out.send();
        } catch (IOException | RuntimeException e) {
            LOG.warning(() -> "call-id=" + request.getCallId() + " " + request.getMethod() + " to " + to + " not sent: " + e);
            TargetTransport.refuseUnreachable(request);
        }
    }

    // ------------------------------------------------------------------ responses

    /** Responses of one leg are relayed to the other, with their SDP anchored. */
    @Override
    protected void doResponse(SipServletResponse response) throws ServletException, IOException {
        if (response.getStatus() == SipServletResponse.SC_TRYING) {
            return;
        }
        SipServletRequest peer = (SipServletRequest) response.getRequest().getAttribute(PEER);
        if (peer == null) {
            return; // a response to a request this B2BUA made itself (a BYE on timeout, a CANCEL)
        }
        if ("INVITE".equals(response.getMethod()) && peer.isInitial()) {
            calleeResponds(response, peer);
        } else {
            relayResponse(response, peer);
        }
    }

    /** A response to the B-leg's initial INVITE. */
    private void calleeResponds(SipServletResponse response, SipServletRequest invite) throws IOException {
        SipApplicationSession session = response.getApplicationSession();
        Optional<B2buaCall> found = callOf(session);
        if (found.isEmpty()) {
            return;
        }
        B2buaCall call = found.get();
        int status = response.getStatus();
        String leg = response.getSession().getId();
        if (status >= 300) {
            calleeFails(response, invite, call);
            return;
        }
        if (status >= 200 ? !call.win(leg) : call.isLoser(leg)) {
            // another B-leg answered first: this one was cancelled then, and is closed at once if it answered too
            if (status >= 200) {
                LOG.info(() -> "call-id=" + invite.getCallId() + " a losing B-leg answered too: acknowledged and hung up");
                response.createAck().send();
                response.getSession().createRequest("BYE").send();
            }
            return;
        }
        if (!call.isForked() || status >= 200) {
            // a forked call's callee is known by its 2xx: ringing legs are not parties of the media yet
            call.calleeTag(tag(response.getTo()));
            anchoredCall(session).ifPresent(media -> media.calleeTag(tag(response.getTo())));
        }
        if (status >= 200) {
            cancelTimer(session, call.noAnswerTimer());
            call.noAnswerTimer(null);
            if (call.isForked() && !call.isEnded()) {
                dropLosers(response, invite, call);
            }
        }
        if (call.isEnded() || invite.isCommitted()) {
            if (status >= 200) {
                // The callee answered as the call ended (CANCEL, no-answer timeout): its leg is closed at once.
                LOG.info(() -> "call-id=" + invite.getCallId() + " answered after it ended: B-leg acknowledged and hung up");
                response.createAck().send();
                response.getSession().createRequest("BYE").send();
            }
            return;
        }
        if (call.isForked() && status < 200) {
            // several legs may ring at once, each with its own early media: the caller gets their 18x without SDP
            relay(response, invite, null, true);
            return;
        }
        byte[] rewritten = null;
        Optional<byte[]> sdp = SdpBody.of(response);
        boolean offerInReply = sdp.isPresent() && SdpBody.of(response.getRequest()).isEmpty();
        Optional<MediaCall> mediaCall = anchoredCall(session);
        if (carriesSdp(response, sdp) && mediaCall.isPresent()) {
            try {
                rewritten = mediaOfReply(mediaCall.get(), call, response, offerInReply, call.viaBranchOf(leg));
            } catch (MediaException e) {
                if (status < 200) {
                    LOG.warning(() -> "call-id=" + invite.getCallId() + " " + status + " relayed without its SDP, not anchored: " + e.reason());
                    relay(response, invite, null, true);
                    return;
                }
                LOG.warning(() -> "call-id=" + invite.getCallId() + " answer not anchored, call refused: " + e.reason());
                call.end();
                response.createAck().send();
                response.getSession().createRequest("BYE").send();
                rtpengine.delete(mediaCall.get());
                MediaFailureReply.send(invite, e);
                return;
            }
        }
        if (status >= 200) {
            call.answered();
            armSessionTimer(response, call);
        }
        relay(response, invite, rewritten, false);
        if (status >= 200) {
            acknowledgeOrAwait(response, invite.getSession(), offerInReply);
        }
    }

    /**
     * A final failure of a B-leg. While other B-legs of a forked call still ring, only this leg's media goes and
     * the failure is kept if it is the best so far; the last failure (or a 6xx, which no other leg can better, RFC
     * 3261 section 16.7) ends the call: the other legs are cancelled, the media released and the best failure
     * relayed.
     */
    private void calleeFails(SipServletResponse response, SipServletRequest invite, B2buaCall call) throws IOException {
        SipApplicationSession session = response.getApplicationSession();
        String leg = response.getSession().getId();
        int status = response.getStatus();
        if (call.isLoser(leg)) {
            return; // cancelled when another leg answered: its media went then
        }
        boolean last = call.failed(leg);
        if (call.isEnded()) {
            // ended before this leg failed (the caller's CANCEL, the no-answer timer): the caller has its final
            // response, so there is nothing to relay; and Open Liberty no longer gives out the caller's session then
            cancelTimer(session, call.noAnswerTimer());
            call.noAnswerTimer(null);
            MediaCall.in(session).ifPresent(this::release);
            LOG.fine(() -> "call-id=" + invite.getCallId() + " a B-leg failed with " + status + " after the call ended");
            return;
        }
        SipSession callerLeg = invite.getSession();
        if (!last && status < 600) {
            anchoredCall(session).ifPresent(media -> call.viaBranchOf(leg)
                    .ifPresent(branch -> rtpengine.releaseBranch(media, call.callerTag(), branch)));
            if (callerLeg.isValid() && isBetter(response, (SipServletResponse) attribute(callerLeg, BEST_FAILURE))) {
                callerLeg.setAttribute(BEST_FAILURE, response);
            }
            LOG.fine(() -> "call-id=" + invite.getCallId() + " a B-leg failed with " + status
                    + ", others ring: its media released");
            return;
        }
        SipServletResponse best = response;
        SipServletResponse earlier = (SipServletResponse) attribute(callerLeg, BEST_FAILURE);
        if (status < 600 && earlier != null && isBetter(earlier, response)) {
            best = earlier;
        }
        cancelTimer(session, call.noAnswerTimer());
        call.noAnswerTimer(null);
        boolean first = call.end();
        if (first) {
            for (SipServletRequest relayed : ringingBranches(session, call, leg)) {
                sendCancel(relayed, null);
            }
        }
        MediaCall.in(session).ifPresent(this::release);
        if (first && !invite.isCommitted()) {
            relay(best, invite, null, true);
        }
        int relayed = best.getStatus();
        LOG.info(() -> "call-id=" + invite.getCallId() + " B-leg failed with " + status + " (" + relayed
                + " relayed): media released");
    }

    /**
     * Whether {@code candidate} is a better failure to give the caller than {@code best}: the lowest class wins, and
     * within a class the lowest status, so that the choice never depends on which leg was quicker.
     */
    private static boolean isBetter(SipServletResponse candidate, SipServletResponse best) {
        if (best == null) {
            return true;
        }
        int byClass = Integer.compare(candidate.getStatus() / 100, best.getStatus() / 100);
        return byClass < 0 || (byClass == 0 && candidate.getStatus() < best.getStatus());
    }

    /**
     * The first 2xx of a forked call won: the other B-legs still ringing are cancelled (a late 2xx of theirs is
     * acknowledged and hung up), the media of every other leg is released on RTPEngine, and the winner's session is
     * linked to the caller's.
     */
    private void dropLosers(SipServletResponse winner, SipServletRequest invite, B2buaCall call) throws IOException {
        SipApplicationSession session = winner.getApplicationSession();
        String leg = winner.getSession().getId();
        for (SipServletRequest relayed : ringingBranches(session, call, leg)) {
            sendCancel(relayed, null);
        }
        anchoredCall(session).ifPresent(media -> {
            for (String other : call.branchesOtherThan(leg)) {
                call.viaBranchOf(other).ifPresent(branch -> rtpengine.releaseBranch(media, call.callerTag(), branch));
            }
        });
        try {
            invite.getB2buaHelper().linkSipSessions(invite.getSession(), winner.getSession());
        } catch (IllegalArgumentException | IllegalStateException e) {
            LOG.fine(() -> "call-id=" + invite.getCallId() + " winning B-leg not linked: " + e.getMessage());
        }
        LOG.fine(() -> "call-id=" + invite.getCallId() + " a B-leg answered: the others cancelled, their media released");
    }

    /** A response to a request relayed inside the dialog (or out of dialog): back to the request it relays. */
    private void relayResponse(SipServletResponse response, SipServletRequest peer) throws IOException {
        int status = response.getStatus();
        String method = response.getMethod();
        SipApplicationSession session = response.getApplicationSession();
        if ("INVITE".equals(method) && status >= 200 && peer.getSession().isValid()) {
            peer.getSession().removeAttribute(RELAYED_INVITE);
        }
        if (peer.isCommitted()) {
            if ("INVITE".equals(method) && status >= 200 && status < 300) {
                // the re-INVITE was cancelled meanwhile, but the far end accepted it: complete its transaction
                response.createAck().send();
            }
            return;
        }
        Optional<B2buaCall> call = callOf(session);
        Optional<MediaCall> mediaCall = anchoredCall(session);
        Optional<byte[]> sdp = SdpBody.of(response);
        boolean offerAnswer = "INVITE".equals(method) || "UPDATE".equals(method);
        byte[] rewritten = null;
        boolean offerInReply = sdp.isPresent() && SdpBody.of(response.getRequest()).isEmpty();
        if (offerAnswer && status < 300 && carriesSdp(response, sdp) && call.isPresent() && mediaCall.isPresent()) {
            try {
                rewritten = mediaOfReply(mediaCall.get(), call.get(), response, offerInReply, Optional.empty());
            } catch (MediaException e) {
                if (status < 200) {
                    relay(response, peer, null, true);
                    return;
                }
                LOG.severe(() -> "call-id=" + peer.getCallId() + " " + status + " to " + method + " not anchored, ending the call: " + e.reason());
                if ("INVITE".equals(method)) {
                    response.createAck().send();
                }
                MediaFailureReply.send(peer, e);
                endCall(session, call.get(), MediaFailureReply.status(e), "media not anchored");
                return;
            }
        }
        if (offerAnswer && status >= 200 && status < 300) {
            call.ifPresent(c -> armSessionTimer(response, c));
        }
        relay(response, peer, rewritten, false);
        if ("INVITE".equals(method) && status >= 200 && status < 300) {
            acknowledgeOrAwait(response, peer.getSession(), offerInReply);
        }
    }

    /**
     * A 2xx to an INVITE is acknowledged at once when its answer is settled, so that its leg never depends on the
     * other party's ACK (the caller's ACK then completes the caller's leg only). A 2xx that carries an offer (the
     * INVITE had none) waits for the other party's ACK instead, which carries the answer.
     *
     * @param ackingLeg the leg whose ACK this 2xx waits for, if it does
     * @param offerInOk whether the 2xx carries an offer
     */
    private static void acknowledgeOrAwait(SipServletResponse ok, SipSession ackingLeg, boolean offerInOk)
            throws IOException {
        if (offerInOk && ackingLeg.isValid()) {
            ackingLeg.setAttribute(AWAITED_ACK, ok);
        } else {
            ok.createAck().send();
        }
    }

    /** SDP, or SDP hidden in a multipart body (which {@link RtpEngineService#answeredSdp} refuses rather than relay raw). */
    private static boolean carriesSdp(SipServletMessage message, Optional<byte[]> sdp) {
        return sdp.isPresent() || SdpBody.isMultipartWithSdp(message);
    }

    /**
     * The SDP a reply carries on to the other leg: the answer to the offer its request made, or (when the request
     * had none) the replying party's own offer, whose answer comes in the ACK.
     */
    private byte[] mediaOfReply(MediaCall mediaCall, B2buaCall call, SipServletResponse reply, boolean offerInReply,
            Optional<String> viaBranch) throws MediaException {
        byte[] sdp = rtpengine.answeredSdp(reply).orElseThrow(); // held against media.limits, as offers are
        SipSession replying = reply.getSession();
        String answerer = call.tagOf(replying);
        String offerer = call.otherTag(replying).orElse("");
        if (offerInReply) {
            if (reply.getStatus() < 200) {
                return null; // an unreliable provisional response cannot carry an offer: relayed without it
            }
            byte[] shaped = rtpengine.shaped(mediaCall, sdp, offerShaping(reply));
            return rtpengine.offer(mediaCall, Offer.of(answerer, shaped).withToTag(offerer));
        }
        byte[] shaped = rtpengine.shaped(mediaCall, sdp, answerShaping(reply));
        Answer answer = Answer.of(offerer, answerer, shaped);
        // the answer of one B-leg of a forked call names its via-branch: RTPEngine keeps that branch's offer
        return rtpengine.answer(mediaCall, viaBranch.map(answer::withViaBranch).orElse(answer));
    }

    /** Relays {@code response}'s status, reason, crossing headers and body (or {@code body}) to {@code peer}. */
    private void relay(SipServletResponse response, SipServletRequest peer, byte[] body, boolean withoutBody) throws IOException {
        SipServletResponse out;
        try {
            out = peer.createResponse(response.getStatus(), response.getReasonPhrase());
        } catch (IllegalStateException e) {
            LOG.warning(() -> "call-id=" + peer.getCallId() + " " + response.getStatus() + " not relayed: " + e.getMessage());
            return;
        }
        crossHeaders(response, out);
        if (!withoutBody) {
            copyBody(response, out, body);
        }
        out.send();
    }

    // ------------------------------------------------------------------ timers

    /** The no-answer timeout gives up on the callee; an expired session timer hangs up both legs. */
    @Override
    final boolean handleTimer(ServletTimer timer) {
        if (!(timer.getInfo() instanceof Timeout kind)) {
            return false;
        }
        SipApplicationSession session = timer.getApplicationSession();
        if (!session.isValid()) {
            return true;
        }
        Optional<B2buaCall> call = callOf(session);
        if (call.isEmpty() || call.get().isEnded()) {
            return true;
        }
        try {
            switch (kind) {
                case NO_ANSWER -> giveUp(session, call.get());
                case SESSION_EXPIRED -> endCall(session, call.get(), SipServletResponse.SC_REQUEST_TIMEOUT, "session timer expired");
                default -> throw new IllegalStateException(kind.name());
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "B2BUA timer " + kind + " failed: " + e, e);
        }
        return true;
    }

    /**
     * A 2xx this B2BUA relayed got no ACK (RFC 3261 section 13.3.1.4): the other leg's 2xx is acknowledged so that
     * its transaction completes, then both legs are hung up and the media released.
     */
    @Override
    final void noAckReceived(SipErrorEvent event) {
        SipServletRequest invite = event.getRequest();
        SipApplicationSession session = invite.getApplicationSession();
        Optional<B2buaCall> call = callOf(session);
        if (call.isEmpty() || call.get().isEnded()) {
            return;
        }
        try {
            SipSession leg = invite.getSession();
            SipServletResponse awaited = (SipServletResponse) attribute(leg, AWAITED_ACK);
            if (awaited != null) {
                leg.removeAttribute(AWAITED_ACK);
                awaited.createAck().send();
            }
            LOG.info(() -> "call-id=" + invite.getCallId() + " no ACK for the 2xx: ending the call");
            endCall(session, call.get(), SipServletResponse.SC_REQUEST_TIMEOUT, "no ACK received");
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "call-id=" + invite.getCallId() + " not ended after a missing ACK: " + e, e);
            MediaCall.in(session).ifPresent(this::release);
        }
    }

    private void giveUp(SipApplicationSession session, B2buaCall call) throws IOException {
        call.noAnswerTimer(null);
        if (call.isAnswered() || !call.end()) {
            return;
        }
        MediaCall.in(session).ifPresent(this::release);
        List<SipServletRequest> ringing = ringingBranches(session, call, null);
        if (ringing.isEmpty()) {
            return;
        }
        SipServletRequest invite = (SipServletRequest) ringing.get(0).getAttribute(PEER);
        LOG.fine(() -> "call-id=" + invite.getCallId() + " no answer in time: cancelled, 408 to the caller");
        for (SipServletRequest relayed : ringing) {
            sendCancel(relayed, null);
        }
        if (!invite.isCommitted()) {
            invite.createResponse(SipServletResponse.SC_REQUEST_TIMEOUT).send();
        }
    }

    /** Ends an established call from the middle: the media is released and each leg gets a BYE. */
    private void endCall(SipApplicationSession session, B2buaCall call, int cause, String why) throws IOException {
        call.end();
        cancelTimers(session, call);
        MediaCall.in(session).ifPresent(this::release);
        List<String> legs = new ArrayList<>();
        legs.add(call.callerSessionId());
        call.calleeSessionId().ifPresent(legs::add);
        for (String id : legs) {
            Optional<SipSession> leg = liveSession(session, id);
            if (leg.isEmpty() || leg.get().getState() != SipSession.State.CONFIRMED) {
                continue;
            }
            SipServletRequest bye = leg.get().createRequest("BYE");
            bye.setHeader("Reason", "SIP;cause=" + cause + ";text=\"" + why + "\"");
            bye.send();
        }
        String callId = MediaCall.in(session).map(MediaCall::callId).orElse(session.getId());
        LOG.info(() -> "call-id=" + callId + " call ended by sipanchor (" + why + "): both legs hung up, media released");
    }

    /** (Re)arms the session timer when a 2xx to INVITE or UPDATE settled a Session-Expires (RFC 4028 section 10). */
    private void armSessionTimer(SipServletResponse ok, B2buaCall call) {
        String expires = ok.getHeader("Session-Expires");
        if (expires == null) {
            return;
        }
        int seconds;
        try {
            seconds = Integer.parseInt(expires.split(";", 2)[0].trim());
        } catch (NumberFormatException e) {
            return;
        }
        SipApplicationSession session = ok.getApplicationSession();
        cancelTimer(session, call.sessionTimer());
        ServletTimer timer = timerService().createTimer(session, seconds * 1000L, false, Timeout.SESSION_EXPIRED);
        call.sessionTimer(timer.getId());
        LOG.fine(() -> "call-id=" + ok.getCallId() + " session timer: " + seconds + " s");
    }

    private void cancelTimers(SipApplicationSession session, B2buaCall call) {
        cancelTimer(session, call.noAnswerTimer());
        cancelTimer(session, call.sessionTimer());
        call.noAnswerTimer(null);
        call.sessionTimer(null);
    }

    private static void cancelTimer(SipApplicationSession session, Optional<String> id) {
        if (id.isPresent() && session.isValid()) {
            ServletTimer timer = session.getTimer(id.get());
            if (timer != null) {
                timer.cancel();
            }
        }
    }

    // ------------------------------------------------------------------ clean stop

    /**
     * On a clean stop (SIGTERM, undeploy) the B2BUA ends its calls, because its dialogs die with the process: every
     * established call with anchored media gets a BYE on both legs (Reason: cause 503, "server stopping") and its
     * media is released; the stop then waits at most {@value #DRAIN_MILLIS} ms for those BYEs to complete.
     */
    @Override
    public void destroy() {
        endCallsOnStop();
        super.destroy();
    }

    /** How long a clean stop waits for the BYEs of the calls it ends. */
    static final long DRAIN_MILLIS = 2000;

    private void endCallsOnStop() {
        if (rtpengine == null) {
            return;
        }
        SipSessionsUtil sessions = sipSessions();
        List<SipApplicationSession> ended = new ArrayList<>();
        for (String id : rtpengine.applicationSessionIds()) {
            SipApplicationSession session = sessions.getApplicationSessionById(id);
            Optional<B2buaCall> call = session == null ? Optional.empty() : callOf(session);
            if (call.isEmpty() || call.get().isEnded()) {
                continue;
            }
            try {
                endCall(session, call.get(), SipServletResponse.SC_SERVICE_UNAVAILABLE, "server stopping");
                ended.add(session);
            } catch (IOException | RuntimeException e) {
                LOG.warning(() -> "call not ended on stop: " + e);
            }
        }
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(DRAIN_MILLIS);
        while (ended.stream().anyMatch(MediaB2buaServlet::hasLegUp) && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        long open = ended.stream().filter(MediaB2buaServlet::hasLegUp).count();
        LOG.info(() -> "stopping: " + ended.size() + " calls ended (BYE on both legs, media released)"
                + (open > 0 ? "; " + open + " of them had a BYE unanswered after " + DRAIN_MILLIS + " ms" : ""));
    }

    /** Whether a leg of the call in {@code session} is not terminated yet (its BYE is unanswered). */
    private static boolean hasLegUp(SipApplicationSession session) {
        if (!session.isValid()) {
            return false;
        }
        java.util.Iterator<?> legs = session.getSessions("SIP");
        while (legs.hasNext()) {
            if (legs.next() instanceof SipSession leg && leg.isValid() && leg.getState() == SipSession.State.CONFIRMED) {
                return true;
            }
        }
        return false;
    }

    // ------------------------------------------------------------------ helpers

    private void release(MediaCall mediaCall) {
        if (rtpengine.delete(mediaCall)) {
            LOG.fine(() -> "call-id=" + mediaCall.callId() + " media released");
        }
    }

    /** The initial INVITEs of the B-legs still waiting for their final response, but {@code except}'s. */
    private static List<SipServletRequest> ringingBranches(SipApplicationSession session, B2buaCall call, String except) {
        List<SipServletRequest> ringing = new ArrayList<>();
        for (String id : call.pendingOtherThan(except)) {
            liveSession(session, id).map(leg -> (SipServletRequest) attribute(leg, BRANCH_INVITE)).ifPresent(ringing::add);
        }
        return ringing;
    }

    private static void sendCancel(SipServletRequest relayed, SipServletRequest cancel) throws IOException {
        try {
            SipServletRequest out = relayed.createCancel();
            if (cancel != null && cancel.getHeader("Reason") != null) {
                out.setHeader("Reason", cancel.getHeader("Reason"));
            }
            out.send();
        } catch (IllegalStateException e) {
            // it got its final response meanwhile: that response ends it (a 2xx is acknowledged and hung up)
            LOG.fine(() -> "call-id=" + relayed.getCallId() + " not cancelled: " + e.getMessage());
        }
    }

    private Offer offer(SipServletRequest request, String fromTag, Optional<String> toTag, byte[] sdp) {
        Offer offer = Offer.of(fromTag, sdp);
        return (toTag.isPresent() ? offer.withToTag(toTag.get()) : offer).withSourceOf(request);
    }

    private static Optional<B2buaCall> callOf(SipApplicationSession session) {
        return session.isValid() ? Optional.ofNullable((B2buaCall) session.getAttribute(B2buaCall.ATTRIBUTE)) : Optional.empty();
    }

    /** The call's media state, unless it is not anchored (any more). */
    private static Optional<MediaCall> anchoredCall(SipApplicationSession session) {
        return MediaCall.in(session).filter(call -> !call.isReleased());
    }

    private static Optional<SipSession> liveSession(SipApplicationSession session, String id) {
        if (!session.isValid()) {
            return Optional.empty();
        }
        SipSession leg = session.getSipSession(id);
        return leg != null && leg.isValid() && leg.getState() != SipSession.State.TERMINATED ? Optional.of(leg) : Optional.empty();
    }

    private static Object attribute(SipSession session, String name) {
        return session.isValid() ? session.getAttribute(name) : null;
    }

    private static String tag(Address address) {
        return address.getParameter("tag");
    }

    /** The body of {@code from} onto {@code to}, or {@code replacement} (RTPEngine's SDP) instead. */
    private static void copyBody(SipServletMessage from, SipServletMessage to, byte[] replacement) throws IOException {
        if (replacement != null) {
            SdpBody.replace(to, replacement);
            return;
        }
        if (from.getContentLength() > 0 && from.getContentType() != null) {
            byte[] raw = from.getRawContent();
            if (raw != null && raw.length > 0) {
                to.setContent(raw, from.getContentType());
            }
        }
    }

    /** Option tags of Require the INVITE's far end would have to honour through this B2BUA, and which it cannot. */
    private static List<String> unsupportedRequirements(SipServletRequest invite) {
        List<String> unsupported = new ArrayList<>();
        invite.getHeaders("Require").forEachRemaining(value -> {
            for (String option : value.split(",")) {
                String tag = option.trim().toLowerCase(Locale.ROOT);
                if (!tag.isEmpty() && !REQUIRABLE.contains(tag)) {
                    unsupported.add(tag);
                }
            }
        });
        return unsupported;
    }

    /**
     * A request on a new leg toward {@code target}, for {@code received}: it continues the caller's application
     * path (the application router does not route it back here), carries the crossing headers and is handled here.
     */
    private SipServletRequest newLegRequest(SipServletRequest received, URI target) throws ServletException {
        SipServletRequest out = sipFactory().createRequest(received.getApplicationSession(), received.getMethod(),
                received.getFrom(), received.getTo());
        out.setRoutingDirective(SipApplicationRoutingDirective.CONTINUE, received);
        out.setRequestURI(target);
        out.setMaxForwards(received.getMaxForwards() - 1);
        crossHeaders(received, out);
        out.getSession().setHandler(getServletName());
        out.setAttribute(PEER, received);
        return out;
    }

    /** Copies what crosses from one leg to the other: the headers the policy lets through, less one leg's options. */
    private void crossHeaders(SipServletMessage received, SipServletMessage out) {
        headerPolicy(received).copy(received, out);
        withoutLegOptions(out);
    }

    /** Removes {@link #LEG_OPTIONS} from Supported and Require: neither leg is offered what only the other has. */
    private static void withoutLegOptions(SipServletMessage message) {
        for (String name : List.of("Supported", "Require")) {
            List<String> values = new ArrayList<>();
            message.getHeaders(name).forEachRemaining(values::add);
            List<String> kept = new ArrayList<>();
            boolean dropped = false;
            for (String value : values) {
                for (String option : value.split(",")) {
                    String tag = option.trim();
                    if (LEG_OPTIONS.contains(tag.toLowerCase(Locale.ROOT))) {
                        dropped = true;
                    } else if (!tag.isEmpty()) {
                        kept.add(tag);
                    }
                }
            }
            if (dropped) {
                message.removeHeader(name);
                if (!kept.isEmpty()) {
                    message.setHeader(name, String.join(", ", kept));
                }
            }
        }
    }
}
