package org.sipanchor.servlet;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.logging.Logger;

import javax.servlet.ServletException;
import javax.servlet.sip.Proxy;
import javax.servlet.sip.ProxyBranch;
import javax.servlet.sip.ServletParseException;
import javax.servlet.sip.SipServletMessage;
import javax.servlet.sip.SipServletRequest;
import javax.servlet.sip.SipServletResponse;
import javax.servlet.sip.SipURI;

import jakarta.inject.Inject;

import org.mobicents.javax.servlet.sip.ProxyExt;

import org.sipanchor.config.AppConfig;
import org.sipanchor.media.Answer;
import org.sipanchor.media.MediaCall;
import org.sipanchor.media.MediaException;
import org.sipanchor.media.Offer;
import org.sipanchor.media.Profile;
import org.sipanchor.media.RtpEngineService;
import org.sipanchor.media.SdpBody;
import org.sipanchor.sdp.SessionDescription;

/**
 * A stateful, record-routing proxy whose calls have their media anchored on RTPEngine, on every path a call
 * takes: the offer when an INVITE (or re-INVITE, or UPDATE) with SDP arrives, from either side; the answer
 * when an 18x/2xx with SDP comes back (or, for a late offer, the 2xx carries the offer and the ACK the
 * answer); release on BYE, CANCEL, every final failure, the proxy's timeout, and when the application
 * session ends any other way. When a call forks, each branch is offered with its own via-branch, and the
 * branches that lose are released as soon as one answers.
 *
 * <p>Extend it and say where calls go; override the profile, the SDP or the media policy if needed:
 *
 * <pre>{@code
 * @javax.servlet.sip.annotation.SipServlet(name = "proxy")
 * public class MyProxy extends MediaProxyServlet {
 *     protected ProxyTargets targets(SipServletRequest request) throws ServletParseException {
 *         return ProxyTargets.to(List.of(sipFactory().createURI("sip:bob@10.0.0.2:5060")));
 *     }
 *
 *     protected Profile profile(SipServletRequest invite) {
 *         return "wss".equalsIgnoreCase(invite.getTransport()) ? Profile.WSS_TO_RTP : Profile.RTP_PASSTHROUGH;
 *     }
 *
 *     protected SessionDescription shapeOffer(SipServletMessage message, SessionDescription offer) {
 *         return offer.filterCodecs(List.of("PCMU", "PCMA"));
 *     }
 * }
 * }</pre>
 */
public abstract class MediaProxyServlet extends SipAnchorServlet {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = Logger.getLogger(MediaProxyServlet.class.getName());

    /**
     * The application session attribute mapping each {@link ProxyBranch} to the via-branch it was offered with. The
     * branch object is what stays the same from creation to its responses: {@code ProxyBranch.getRequest()} gives a
     * new request object without the attributes set on it, and its Request-URI becomes the target only at start.
     */
    static final String VIA_BRANCHES = MediaProxyServlet.class.getName() + ".viaBranches";

    /** How long an adopted dialog's offer waits for its answer: an INVITE transaction's lifetime (64 x T1). */
    private static final long ADOPTED_OFFER_LIFETIME_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(32);
    private static final int ADOPTED_OFFER_CAPACITY = 10_000;

    @Inject
    private transient RtpEngineService rtpengine;
    @Inject
    private transient AppConfig app;
    private final transient AdoptedOffers adoptedOffers = new AdoptedOffers(ADOPTED_OFFER_CAPACITY,
            ADOPTED_OFFER_LIFETIME_NANOS, System::nanoTime);
    private transient UnacknowledgedAnswers unacknowledged;

    /**
     * Starts the servlet, and has the container hand over in-dialog requests of dialogs this proxy record-routed but no
     * longer knows (after a restart, or record-routed by another node) instead of answering them 481: see
     * {@link #adopt(SipServletRequest)}. From then on, the media of a call whose caller never acknowledges its 2xx is
     * released after 32 s, as its callee should have ended it ({@link UnacknowledgedAnswers}).
     */
    @Override
    public void init() throws ServletException {
        super.init();
        OrphanRouting.enable(getServletContext());
        unacknowledged = new UnacknowledgedAnswers(call -> rtpengine.delete(call), System::nanoTime).sweepingEverySecond();
    }

    /**
     * Where a new request goes. {@link ProxyTargets#none()} answers it 404.
     */
    protected abstract ProxyTargets targets(SipServletRequest request) throws ServletException, IOException;

    /** The media profile of a new call: {@code app.profile} unless overridden. */
    protected Profile profile(SipServletRequest invite) {
        return profileNamed(app.profile());
    }

    /** Whether a new call's media is anchored at all: true unless overridden. */
    protected boolean anchors(SipServletRequest request) {
        return true;
    }

    /**
     * On a clean stop (SIGTERM, undeploy) the proxy hands its calls over: their media stays anchored on RTPEngine,
     * and their dialogs' next requests, relayed by the restarted process or another node, find it from their route
     * ({@link #orphan}). What nobody serves any more is deleted by reconciliation once its media has stopped.
     */
    @Override
    public void destroy() {
        if (application() != null) {
            int calls = rtpengine == null ? 0 : rtpengine.liveCalls();
            application().handOver();
            LOG.info(() -> "stopping: " + calls + " calls handed over, their media left on RTPEngine for a restarted "
                    + "process or another node to serve");
        }
        if (unacknowledged != null) {
            unacknowledged.close();
        }
        super.destroy();
    }

    /** Relays a new request (any method) along {@link #targets}, anchoring an INVITE's media first. */
    protected void relay(SipServletRequest request) throws ServletException, IOException {
        if (request.getMaxForwards() == 0) {
            request.createResponse(SipServletResponse.SC_TOO_MANY_HOPS).send();
            return;
        }
        ProxyTargets targets = targets(request);
        if (targets.isEmpty()) {
            LOG.fine(() -> "call-id=" + request.getCallId() + " no route to " + request.getRequestURI());
            request.createResponse(SipServletResponse.SC_NOT_FOUND).send();
            return;
        }
        // The offer is anchored (or refused) before the request becomes a proxy's: once it is, a container may let
        // only the proxy answer it (Open Liberty drops a final response the application sends itself then).
        BranchOffers offers = BranchOffers.UNCHANGED;
        if ("INVITE".equals(request.getMethod())) {
            Trying.sendAtOnce(request);
            Optional<BranchOffers> decided = anchors(request)
                    ? anchoredOffers(request, targets.destinations().size())
                    : shapedOffers(request, targets.destinations().size());
            if (decided.isEmpty()) {
                return;
            }
            offers = decided.get();
        }
        Proxy proxy = request.getProxy();
        proxy.setRecordRoute(true);
        recordRouteThroughFarm(request, proxy);
        proxy.setSupervised(true);
        proxy.setParallel(true);
        proxy.setProxyTimeout(app.noAnswerTimeoutSecs());
        List<ProxyBranch> branches = proxy.createProxyBranches(targets.destinations());
        offers.applyTo(request, branches);
        for (int i = 0; i < branches.size(); i++) {
            TargetTransport.pin(branches.get(i).getRequest(), targets.destinations().get(i));
        }
        if ("INVITE".equals(request.getMethod())) {
            // The dialog itself carries its media's instance and profile, for whoever sees its next request.
            // (Each branch took a copy of the proxy's Record-Route URI when it was created.)
            rtpengine.callOf(request).filter(call -> !call.isReleased()).ifPresent(call -> branches.forEach(branch ->
                    new RouteMedia(call.anchor(), call.profile()).writeTo(branch.getRecordRouteURI())));
        }
        start(request, proxy, branches);
    }

    /**
     * In a farm ({@code app.record_route}), the Record-Route names the load balancer instead of this node, so that the
     * dialog's later requests come back through it to a live node; the container adds its own parameters (which
     * application, which session) as usual, and takes a Route naming that address for its own.
     */
    private void recordRouteThroughFarm(SipServletRequest request, Proxy proxy) throws ServletParseException {
        if (app.recordRoute().isEmpty()) {
            return;
        }
        if (!(proxy instanceof ProxyExt restcomm)) {
            // record-routing past the farm would strand the dialog on this node: fail the call loudly instead
            throw new IllegalStateException("app.record_route needs Restcomm's ProxyExt; this container's proxy is "
                    + proxy.getClass().getName());
        }
        restcomm.setRecordRouteURI((SipURI) sipFactory().createURI(app.recordRoute().get().uri()));
    }

    /**
     * Starts every branch. A branch that cannot be sent (connection refused, send failure) counts as a 503 from its
     * target (RFC 3261 sections 16.9 and 8.1.3.1), not as the proxy's own failure: its media is released and the
     * other branches go on; when no branch could be sent, the caller gets 503 and the call's media is released.
     */
    private void start(SipServletRequest request, Proxy proxy, List<ProxyBranch> branches) throws IOException {
        List<ProxyBranch> unreachable = new ArrayList<>();
        while (unreachable.size() < branches.size()) {
            try {
                proxy.startProxy();
                break;
            } catch (IllegalStateException e) {
                // Restcomm starts the branches in turn and stops at the first it cannot send: that one is started but
                // its request was never sent; starting the proxy again starts those after it
                Optional<ProxyBranch> failed = branches.stream()
                        .filter(branch -> branch.isStarted() && !branch.getRequest().isCommitted() && !unreachable.contains(branch))
                        .findFirst();
                if (failed.isEmpty()) {
                    throw e;
                }
                unreachable.add(failed.get());
                LOG.warning(() -> "call-id=" + request.getCallId() + " branch to " + failed.get().getRequest().getRequestURI()
                        + " not sent, taken as 503: " + rootCause(e));
                if (branches.stream().allMatch(ProxyBranch::isStarted)) {
                    break;
                }
            }
        }
        if (unreachable.isEmpty()) {
            return;
        }
        if (unreachable.size() < branches.size()) {
            // the other branches decide the call; a branch never sent has no transaction, only Timer C ends it
            releaseUnreachable(request, unreachable);
            return;
        }
        if ("INVITE".equals(request.getMethod()) && rtpengine.delete(request)) {
            LOG.fine(() -> "call-id=" + request.getCallId() + " no branch reachable: media released");
        }
        TargetTransport.refuseUnreachable(request);
        // Only then: cancelling the last branch lets Restcomm clean up the request (and its transaction) away.
        for (ProxyBranch branch : unreachable) {
            try {
                branch.cancel(); // stops its Timer C: the proxy must not answer again when it fires
            } catch (IllegalStateException e) {
                LOG.fine(() -> "call-id=" + request.getCallId() + " unsent branch not cancelled: " + e.getMessage());
            }
        }
    }

    /** Releases the media of branches that could not be sent while others go on. */
    private void releaseUnreachable(SipServletRequest request, List<ProxyBranch> unreachable) {
        Object viaBranches = request.getApplicationSession().getAttribute(VIA_BRANCHES);
        Optional<MediaCall> call = rtpengine.callOf(request);
        if (call.isEmpty() || !(viaBranches instanceof Map<?, ?> byBranch)) {
            return;
        }
        for (ProxyBranch branch : unreachable) {
            Object viaBranch = byBranch.get(branch);
            if (viaBranch != null) {
                rtpengine.releaseBranch(call.get(), request.getFrom().getParameter("tag"), (String) viaBranch);
            }
        }
    }

    private static String rootCause(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause.toString();
    }

    /**
     * What the branches of an INVITE carry: its offer anchored once per branch (each with its own via-branch), the
     * same shaped offer on every branch, or the INVITE's own body ({@link #UNCHANGED}).
     */
    private record BranchOffers(List<byte[]> bodies, boolean anchoredPerBranch) {

        static final BranchOffers UNCHANGED = new BranchOffers(List.of(), false);

        void applyTo(SipServletRequest request, List<ProxyBranch> branches) {
            if (bodies.isEmpty()) {
                return;
            }
            Map<ProxyBranch, String> viaBranches = new IdentityHashMap<>();
            for (int i = 0; i < branches.size(); i++) {
                SdpBody.replace(branches.get(i).getRequest(), bodies.get(i));
                viaBranches.put(branches.get(i), Offer.branch(i));
            }
            if (anchoredPerBranch) {
                request.getApplicationSession().setAttribute(VIA_BRANCHES, viaBranches);
            }
        }
    }

    /**
     * Anchors the INVITE's offer once for each of {@code branchCount} branches. A failure releases whatever was
     * anchored and either rejects the call or, with {@code media.on_failure: relay}, lets it through unanchored.
     *
     * @return the branches' offers, or empty when the call was rejected
     */
    private Optional<BranchOffers> anchoredOffers(SipServletRequest request, int branchCount) throws IOException {
        if (rtpengine.isAnchoring(request.getCallId(), request.getFrom().getParameter("tag"))) {
            // A call this server anchors, back again (a spiral) or its Call-ID reused: its media is anchored already,
            // and offering this copy would re-offer that call's media at RTPEngine and cut it.
            LOG.info(() -> "call-id=" + request.getCallId() + " INVITE with the Call-ID and From tag of a call this "
                    + "server anchors (a spiral, or a reused Call-ID): relayed with its SDP as it is");
            return Optional.of(BranchOffers.UNCHANGED);
        }
        Optional<byte[]> sdp;
        try {
            // held against media.limits before the call's media state exists: a refused offer leaves nothing to release
            sdp = rtpengine.offeredSdp(request);
        } catch (MediaException e) {
            MediaFailureReply.send(request, e);
            return Optional.empty();
        }
        MediaCall call = rtpengine.begin(request, profile(request));
        if (sdp.isEmpty()) {
            return Optional.of(BranchOffers.UNCHANGED); // a late offer: the 2xx brings it
        }
        try {
            Offer offer = rtpengine.offerIn(request, rtpengine.shaped(call, sdp.get(), offerShaping(request)));
            return Optional.of(new BranchOffers(rtpengine.offerBranches(call, offer, branchCount, true), true));
        } catch (MediaException e) {
            return firstOfferFailed(request, e) ? Optional.of(BranchOffers.UNCHANGED) : Optional.empty();
        }
    }

    /** The INVITE's offer after {@link #shapeOffer}, on every branch of a call whose media is not anchored. */
    private Optional<BranchOffers> shapedOffers(SipServletRequest request, int branchCount) throws IOException {
        Optional<byte[]> sdp = SdpBody.of(request);
        if (sdp.isEmpty()) {
            return Optional.of(BranchOffers.UNCHANGED);
        }
        byte[] shaped;
        try {
            shaped = RtpEngineService.shaped(request.getCallId(), sdp.get(), offerShaping(request));
        } catch (MediaException e) {
            MediaFailureReply.send(request, e);
            return Optional.empty();
        }
        return Optional.of(shaped == sdp.get() ? BranchOffers.UNCHANGED
                : new BranchOffers(Collections.nCopies(branchCount, shaped), false));
    }

    /**
     * Runs the media lifecycle of in-dialog requests, then dispatches to {@code doInvite}, {@code doBye}... as
     * usual: overriding those never skips a release. The container relays in-dialog requests along the recorded
     * route after this returns.
     */
    @Override
    protected void doRequest(SipServletRequest request) throws ServletException, IOException {
        if (!request.isInitial()) {
            switch (request.getMethod()) {
                case "INVITE" -> {
                    Trying.sendAtOnce(request); // as for a new INVITE: before the offer, never after the answer
                    reoffer(request);
                }
                case "UPDATE" -> reoffer(request);
                case "ACK" -> {
                    unacknowledged.acknowledged(request.getCallId());
                    answerInRequest(request);
                    AcknowledgedInvites.release(request);
                }
                case "PRACK" -> answerInRequest(request);
                case "BYE", "CANCEL" -> rtpengine.delete(request);
                default -> {
                    // nothing to do for the media
                }
            }
        }
        super.doRequest(request);
    }

    /** Relays a new INVITE with its media anchored; override to decide per call, and call this to go on. */
    @Override
    protected void doInvite(SipServletRequest request) throws ServletException, IOException {
        if (request.isInitial()) {
            relay(request);
        }
    }

    @Override
    protected void doOptions(SipServletRequest request) throws ServletException, IOException {
        relayInitial(request);
    }

    @Override
    protected void doMessage(SipServletRequest request) throws ServletException, IOException {
        relayInitial(request);
    }

    @Override
    protected void doSubscribe(SipServletRequest request) throws ServletException, IOException {
        relayInitial(request);
    }

    @Override
    protected void doNotify(SipServletRequest request) throws ServletException, IOException {
        relayInitial(request);
    }

    @Override
    protected void doRefer(SipServletRequest request) throws ServletException, IOException {
        relayInitial(request);
    }

    @Override
    protected void doPublish(SipServletRequest request) throws ServletException, IOException {
        relayInitial(request);
    }

    @Override
    protected void doInfo(SipServletRequest request) throws ServletException, IOException {
        relayInitial(request);
    }

    @Override
    protected void doRegister(SipServletRequest request) throws ServletException, IOException {
        relayInitial(request);
    }

    private void relayInitial(SipServletRequest request) throws ServletException, IOException {
        if (request.isInitial()) {
            relay(request);
        }
    }

    @Override
    protected void doResponse(SipServletResponse response) throws ServletException, IOException {
        String method = response.getMethod();
        int status = response.getStatus();
        if (("INVITE".equals(method) || "UPDATE".equals(method)) && status > 100 && status < 300) {
            answer(response);
        }
        if ("INVITE".equals(method) && response.getRequest().isInitial()) {
            if (status >= 200 && status < 300) {
                releaseLosingBranches(response);
                rtpengine.callOf(response).ifPresent(unacknowledged::answered);
            } else if (status >= 300 && rtpengine.delete(response)) {
                LOG.fine(() -> "call-id=" + response.getCallId() + " failed with " + status + ": media released");
            }
        }
        super.doResponse(response);
    }

    /**
     * A branch's own final response: a failed branch of a forked call is released right away while another branch
     * is still live. The last one is not: the container then sends the best final response through
     * {@link #doResponse}, which releases the whole call.
     */
    @Override
    protected void doBranchResponse(SipServletResponse response) throws ServletException, IOException {
        if ("INVITE".equals(response.getMethod()) && response.getStatus() >= 300) {
            rtpengine.callOf(response).ifPresent(call -> viaBranchOf(response).ifPresent(branch -> {
                if (call.liveBranches().stream().anyMatch(other -> !other.equals(branch))) {
                    rtpengine.releaseBranch(call, response.getFrom().getParameter("tag"), branch);
                }
            }));
        }
        super.doBranchResponse(response);
    }

    private void answer(SipServletResponse response) throws IOException {
        Optional<MediaCall> call = rtpengine.callOf(response);
        if (call.isEmpty() || call.get().isReleased()) {
            return;
        }
        Optional<String> branch = response.getRequest().isInitial() ? viaBranchOf(response) : Optional.empty();
        UnaryOperator<SessionDescription> shaping = SdpBody.of(response.getRequest()).isPresent()
                ? answerShaping(response)
                : offerShaping(response);
        try {
            if (branch.isPresent()) {
                rtpengine.answer(response, branch.get(), shaping);
            } else {
                rtpengine.answer(response, shaping);
            }
        } catch (MediaException e) {
            // A reply cannot be refused; it goes on as it came, and the log says the media is not anchored.
            LOG.severe(() -> "call-id=" + response.getCallId() + " " + response.getStatus() + " relayed with its media unanchored: " + e.reason());
        }
    }

    private void reoffer(SipServletRequest request) throws IOException {
        Optional<MediaCall> call = rtpengine.callOf(request);
        if (call.isEmpty() || call.get().isReleased()) {
            return;
        }
        try {
            rtpengine.offer(request, profileNamed(call.get().profile()), offerShaping(request));
        } catch (MediaException e) {
            if (e.kind() == MediaException.Kind.MALFORMED_SDP || e.kind() == MediaException.Kind.TOO_LARGE) {
                MediaFailureReply.send(request, e); // the offerer's own fault: refused, the session stays as it was
            } else {
                LOG.severe(() -> "call-id=" + request.getCallId() + " " + request.getMethod() + " relayed with its media unanchored: " + e.reason());
            }
        }
    }

    private void answerInRequest(SipServletRequest request) {
        try {
            rtpengine.answer(request, answerShaping(request));
        } catch (MediaException e) {
            LOG.severe(() -> "call-id=" + request.getCallId() + " " + request.getMethod() + " relayed with its media unanchored: " + e.reason());
        }
    }

    /**
     * An in-dialog request or a reply of a dialog this proxy record-routed but no longer knows: it restarted since, or
     * another node record-routed it. The container relays it statelessly along its route once this returns; its media
     * is served from what the dialog's Route says ({@link RouteMedia}: the RTPEngine instance and the profile), as an
     * {@linkplain MediaCall#adopted adopted} call: a BYE deletes the call there, a re-INVITE or UPDATE with SDP is
     * offered and its 18x/2xx answered (a late offer: the 2xx offered, the ACK answered), so the media stays anchored.
     * Requests of dialogs sipanchor anchored nothing for, and other methods, go on untouched. The {@code do...}
     * methods are not called for these: there is no SIP session to handle them in.
     */
    @Override
    void orphan(SipServletMessage message) {
        try {
            if (message instanceof SipServletRequest request) {
                if ("INVITE".equals(request.getMethod())) {
                    Trying.sendAtOnce(request); // before the offer below: RTPEngine may take its time
                }
                adopt(request);
            } else {
                adopt((SipServletResponse) message);
            }
        } catch (MediaException e) {
            // Relayed all the same: the dialog goes on, and the log says its media is not anchored any more.
            LOG.severe(() -> "call-id=" + message.getCallId() + " " + describe(message)
                    + " of an adopted dialog relayed with its media unanchored: " + e.reason());
        }
    }

    private void adopt(SipServletRequest request) {
        Optional<RouteMedia> media = RouteMedia.of(request.getPoppedRoute());
        if (media.isEmpty()) {
            return;
        }
        String callId = request.getCallId();
        MediaCall call = MediaCall.adopted(callId, media.get().profile(), media.get().rtpengine());
        switch (request.getMethod()) {
            case "BYE" -> {
                if (rtpengine.delete(call)) {
                    LOG.info(() -> "call-id=" + callId + " BYE of a dialog this process did not record-route (a "
                            + "restart, or another node): media released on " + media.get().rtpengine().orElse("its rtpengine"));
                }
            }
            case "INVITE", "UPDATE" -> {
                Optional<byte[]> sdp = rtpengine.offeredSdp(request);
                String offerer = request.getFrom().getParameter("tag");
                if (sdp.isPresent()) {
                    byte[] shaped = rtpengine.shaped(call, sdp.get(), offerShaping(request));
                    OrphanRouting.replaceSdp(request, rtpengine.offer(call, rtpengine.offerIn(request, shaped)));
                }
                // a late offer (no SDP): the 2xx brings the offer, and the ACK its answer
                adoptedOffers.expect(callId, cseq(request), request.getMethod(),
                        new AdoptedOffers.Waiting(media.get(), sdp.isPresent() ? offerer : null));
            }
            case "ACK" -> {
                Optional<AdoptedOffers.Waiting> waiting = adoptedOffers.find(callId, cseq(request), "ACK");
                Optional<byte[]> sdp = SdpBody.of(request);
                if (waiting.isPresent() && sdp.isPresent()) {
                    adoptedOffers.answered(callId, cseq(request), "ACK");
                    byte[] shaped = rtpengine.shaped(call, sdp.get(), answerShaping(request));
                    OrphanRouting.replaceSdp(request, rtpengine.answer(call, Answer.of(waiting.get().offererTag(),
                            request.getFrom().getParameter("tag"), shaped)));
                }
            }
            default -> {
                // nothing to do for the media
            }
        }
    }

    private void adopt(SipServletResponse response) {
        String method = response.getMethod();
        int status = response.getStatus();
        if (!"INVITE".equals(method) && !"UPDATE".equals(method) || status <= 100) {
            return;
        }
        String callId = response.getCallId();
        long cseq = cseq(response);
        Optional<AdoptedOffers.Waiting> waiting = adoptedOffers.find(callId, cseq, method);
        if (status >= 200) {
            adoptedOffers.answered(callId, cseq, method);
        }
        Optional<byte[]> sdp = SdpBody.of(response);
        if (waiting.isEmpty() || sdp.isEmpty() || status >= 300) {
            return;
        }
        RouteMedia media = waiting.get().media();
        MediaCall call = MediaCall.adopted(callId, media.profile(), media.rtpengine());
        String answerer = response.getTo().getParameter("tag");
        if (waiting.get().offererTag() != null) {
            byte[] shaped = rtpengine.shaped(call, sdp.get(), answerShaping(response));
            OrphanRouting.replaceSdp(response, rtpengine.answer(call, Answer.of(waiting.get().offererTag(), answerer, shaped)));
        } else {
            byte[] shaped = rtpengine.shaped(call, sdp.get(), offerShaping(response));
            OrphanRouting.replaceSdp(response, rtpengine.offer(call, Offer.of(answerer, shaped)));
            if ("INVITE".equals(method) && status >= 200) {
                adoptedOffers.expect(callId, cseq, "ACK", new AdoptedOffers.Waiting(media, answerer));
            }
        }
    }

    private static long cseq(SipServletMessage message) {
        String value = message.getHeader("CSeq");
        try {
            return Long.parseLong(value.trim().split("\\s+")[0]);
        } catch (RuntimeException e) {
            return -1; // the stack does not hand over a message without a valid CSeq
        }
    }

    private static String describe(SipServletMessage message) {
        return message instanceof SipServletResponse response ? response.getStatus() + " to " + response.getMethod()
                : ((SipServletRequest) message).getMethod();
    }

    private void releaseLosingBranches(SipServletResponse winner) {
        Optional<MediaCall> call = rtpengine.callOf(winner);
        Optional<String> winning = viaBranchOf(winner);
        if (call.isEmpty() || winning.isEmpty()) {
            return;
        }
        String fromTag = winner.getFrom().getParameter("tag");
        for (String branch : call.get().liveBranches()) {
            if (!branch.equals(winning.get())) {
                rtpengine.releaseBranch(call.get(), fromTag, branch);
            }
        }
    }

    /** The via-branch the branch of {@code response} was offered with, if it is a branch of an anchored offer. */
    private static Optional<String> viaBranchOf(SipServletResponse response) {
        Object viaBranches = response.getApplicationSession().getAttribute(VIA_BRANCHES);
        ProxyBranch branch = response.getProxyBranch();
        if (branch == null || !(viaBranches instanceof Map<?, ?> byBranch)) {
            return Optional.empty();
        }
        return Optional.ofNullable((String) byBranch.get(branch));
    }
}
