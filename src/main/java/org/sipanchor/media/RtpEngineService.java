package org.sipanchor.media;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Level;
import java.util.logging.Logger;

import javax.servlet.sip.Address;
import javax.servlet.sip.SipApplicationSession;
import javax.servlet.sip.SipServletMessage;
import javax.servlet.sip.SipServletRequest;
import javax.servlet.sip.SipServletResponse;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.sipanchor.config.MediaConfig;
import org.sipanchor.config.MediaFailurePolicy;
import org.sipanchor.engine.EnginePool;
import org.sipanchor.engine.EngineReply;
import org.sipanchor.engine.EngineUnavailableException;
import org.sipanchor.engine.NodeMark;
import org.sipanchor.engine.ReleaseResult;
import org.sipanchor.ng.NgCommand;
import org.sipanchor.ng.NgErrorException;
import org.sipanchor.media.MediaException.Kind;
import org.sipanchor.ng.NgException;
import org.sipanchor.ng.NgRefusedException;
import org.sipanchor.ng.NgReply;
import org.sipanchor.ng.NgRequest;
import org.sipanchor.sdp.SdpException;
import org.sipanchor.sdp.SessionDescription;

/**
 * The offer / answer / delete lifecycle of a call's media on RTPEngine, and the way to a call's
 * {@link MediaSession} for in-call control. Servlets that extend {@code MediaProxyServlet} or
 * {@code MediaB2buaServlet} get the lifecycle for free; any other servlet calls it on its messages:
 *
 * <pre>{@code
 * @Inject RtpEngineService rtpengine;
 *
 * rtpengine.offer(invite, Profile.SRTP_TO_RTP);        // the INVITE now carries RTPEngine's SDP
 * rtpengine.answer(ok);                                 // so does the 200 OK (or the late offer in it)
 * rtpengine.delete(bye);                                // released once, whoever calls it again
 *
 * rtpengine.session(request).ifPresent(call -> call.caller().play("/prompts/welcome.wav"));
 * }</pre>
 *
 * Every SDP it returns has been rewritten by RTPEngine and has its o= user name and s= line masked with
 * {@code media.sdp_name}. Failures are {@link MediaException}s (unchecked) that name the Call-ID; the servlet
 * bases turn them into SIP replies.
 */
@Singleton
public class RtpEngineService {

    private static final Logger LOG = Logger.getLogger(RtpEngineService.class.getName());
    /** Beyond the pool's budget, the slack its timer thread may take to fail a request. */
    private static final long BUDGET_MARGIN_MILLIS = 1000;

    private final EnginePool engines;
    private final MediaProfiles profiles;
    private final String sdpName;
    private final MediaFailurePolicy onFailure;
    private final OfferCheck offerCheck;
    /** The label every offer carries, so that reconciliation on a shared RTPEngine can tell this process's calls. */
    private final NodeMark mark;
    /**
     * Every call this server is anchoring, from its first offer (or {@link #begin}) until its release, by the Call-ID
     * RTPEngine knows it by: DTMF events name only that, and reconciliation asks whether a call RTPEngine holds is
     * live here ({@link #isLive}). Usually one call per Call-ID; more when calls share one (a spiral through this
     * server, a second INVITE reusing a live call's Call-ID): RTPEngine then holds them as one call, which is deleted
     * only when the last of them is released ({@link #delete(MediaCall)}).
     */
    private final Map<String, List<LiveCall>> sessionsByCallId = new ConcurrentHashMap<>();
    /**
     * The same calls by the id of their SIP application session, for {@code MediaSessionGuard}: Restcomm removes a
     * session's attributes before it reports the session destroyed (explicit invalidation, undeployment).
     */
    private final Map<String, MediaCall> callsByApplicationSession = new ConcurrentHashMap<>();

    /** A call in the registry, and the id of its SIP application session if it was begun with one. */
    private record LiveCall(MediaCall call, Optional<String> applicationSessionId) {
    }

    @Inject
    public RtpEngineService(EnginePool engines, MediaProfiles profiles, MediaConfig media) {
        this.engines = engines;
        this.profiles = profiles;
        this.sdpName = media.sdpName();
        this.onFailure = media.onFailure();
        this.offerCheck = new OfferCheck(media.limits());
        this.mark = NodeMark.of(media.nodeId());
    }

    // ------------------------------------------------------------------ SIP messages

    /** The media of the call {@code message} belongs to, once sipanchor began anchoring it. */
    public Optional<MediaSession> session(SipServletMessage message) {
        return session(message.getApplicationSession());
    }

    /** The media of the call kept in {@code session}, once sipanchor began anchoring it. */
    public Optional<MediaSession> session(SipApplicationSession session) {
        return MediaCall.in(session).map(call -> new MediaSession(this, call));
    }

    /** The id of the SIP application session of the call RTPEngine knows by {@code callId}, while it is anchored. */
    public Optional<String> applicationSessionOf(String callId) {
        return sessionsByCallId.getOrDefault(callId, List.of()).stream()
                .flatMap(live -> live.applicationSessionId().stream()).findFirst();
    }

    /**
     * The media state of the call in the SIP application session with id {@code applicationSessionId}, until it is
     * released, even when the session no longer holds it (a container may remove a session's attributes before it
     * reports the session's end).
     */
    public Optional<MediaCall> callOfApplicationSession(String applicationSessionId) {
        return Optional.ofNullable(callsByApplicationSession.get(applicationSessionId));
    }

    /** Whether this server is anchoring the call RTPEngine knows by {@code callId} (offered or begun, not released). */
    public boolean isLive(String callId) {
        return sessionsByCallId.containsKey(callId);
    }

    /**
     * Whether a live call of this server uses {@code callId} with {@code callerTag} as its caller's tag. A new INVITE
     * with both is a call of this server coming back to it (a spiral) or a Call-ID reused by a peer: offering it
     * would re-offer that call's media at RTPEngine and cut it.
     */
    public boolean isAnchoring(String callId, String callerTag) {
        return callerTag != null && sessionsByCallId.getOrDefault(callId, List.of()).stream()
                .anyMatch(live -> live.call().callerTag().filter(callerTag::equals).isPresent());
    }

    /** How many calls this server is anchoring now. */
    public int liveCalls() {
        return sessionsByCallId.values().stream().mapToInt(List::size).sum();
    }

    /** The mark (RTPEngine {@code label}) this process puts on every offer. */
    public NodeMark mark() {
        return mark;
    }

    /** The media state of the call {@code message} belongs to, if sipanchor began anchoring it. */
    public Optional<MediaCall> callOf(SipServletMessage message) {
        return MediaCall.in(message.getApplicationSession());
    }

    /**
     * The media state of the call {@code message} belongs to, created with {@code profile} if there is none yet;
     * the sender of {@code message} (an initial INVITE) is the caller.
     */
    public MediaCall begin(SipServletMessage message, Profile profile) {
        SipApplicationSession session = message.getApplicationSession();
        synchronized (session) {
            // A released call in the session is over (e.g. the first attempt of a retry after 401/407, which the
            // container may keep in the same session): the new INVITE is a new call.
            return MediaCall.in(session).filter(call -> !call.isReleased())
                    .orElseGet(() -> begin(session, message.getCallId(), tag(message.getFrom()), profile));
        }
    }

    /**
     * A new media state for a call in {@code session}, replacing any earlier one (which must have been released):
     * RTPEngine knows the call by {@code callId} and its caller by {@code callerTag}.
     */
    public MediaCall begin(SipApplicationSession session, String callId, String callerTag, Profile profile) {
        MediaCall call = new MediaCall(callId, profile.name(), callerTag);
        session.setAttribute(MediaCall.ATTRIBUTE, call);
        register(new LiveCall(call, Optional.of(session.getId())), true);
        callsByApplicationSession.put(session.getId(), call);
        return call;
    }

    /**
     * Anchors the SDP offer of a request (INVITE, re-INVITE, UPDATE) and writes RTPEngine's SDP into it. A request
     * without SDP is left as it is: its reply will carry the offer (a late offer). When a call's first offer fails,
     * whatever RTPEngine may have created is deleted before the exception reaches the caller.
     */
    public void offer(SipServletRequest request, Profile profile) {
        offer(request, profile, UnaryOperator.identity());
    }

    /**
     * {@link #offer(SipServletRequest, Profile)}, with the offer changed by {@code shaping} before RTPEngine sees it
     * (filter codecs, hold, drop a media section):
     *
     * <pre>{@code
     * rtpengine.offer(invite, Profile.RTP_PASSTHROUGH, sdp -> sdp.filterCodecs(List.of("PCMU", "PCMA")));
     * }</pre>
     */
    public void offer(SipServletRequest request, Profile profile, UnaryOperator<SessionDescription> shaping) {
        // read before the call's media state exists: a refused offer leaves nothing to release
        Optional<byte[]> sdp = offeredSdp(request);
        MediaCall call = begin(request, profile);
        if (sdp.isEmpty()) {
            return;
        }
        try {
            SdpBody.replace(request, offerFirstOrDelete(call, offerIn(request, shaped(call, sdp.get(), shaping))));
        } finally {
            saved(request, call);
        }
    }

    /**
     * The SDP offer of {@code request} (INVITE, re-INVITE, UPDATE) as it may go to RTPEngine: held against
     * {@code media.limits} by {@link OfferCheck}, with the sections RTPEngine cannot anchor disabled. Every offer a
     * request makes is read here, before anything is sent, so a refusal costs RTPEngine nothing and never counts
     * against its health.
     *
     * @return empty when the request carries no SDP (a late offer)
     * @throws MediaException over a limit (413 or 488), SDP in a multipart body (415), malformed SDP (488), each
     *                        naming the limit and the line at fault
     */
    public Optional<byte[]> offeredSdp(SipServletRequest request) {
        if (SdpBody.isMultipartWithSdp(request)) {
            throw OfferCheck.multipart(request.getCallId(), request.getContentType());
        }
        return SdpBody.of(request).map(sdp -> offerCheck.admitted(request.getCallId(), sdp));
    }

    /**
     * Anchors {@code offer}; when it was the call's first offer and it fails, deletes whatever RTPEngine may have
     * created (e.g. after "Error rewriting SDP") before rethrowing, so that no call is ever half-anchored.
     */
    public byte[] offerFirstOrDelete(MediaCall call, Offer offer) {
        boolean first = !call.hasOffer();
        try {
            return offer(call, offer);
        } catch (MediaException e) {
            if (first) {
                delete(call);
            }
            throw e;
        }
    }

    /**
     * Anchors a call's first offer once per branch: a forking proxy's branches, a B2BUA's B-legs. With {@code named}
     * each branch's offer carries its own via-branch ({@link Offer#branch(int)}), so that RTPEngine pairs each answer
     * with its offer. When any branch fails, the whole call is deleted, so that no branch stays anchored for a call
     * that will not go on, and the failure is rethrown.
     *
     * @return the SDP to send on each branch, in order
     */
    public List<byte[]> offerBranches(MediaCall call, Offer offer, int branches, boolean named) {
        List<byte[]> rewritten = new java.util.ArrayList<>(branches);
        try {
            for (int i = 0; i < branches; i++) {
                rewritten.add(offerFirstOrDelete(call, named ? offer.withViaBranch(Offer.branch(i)) : offer));
            }
        } catch (MediaException e) {
            delete(call);
            throw e;
        }
        return rewritten;
    }

    /** The SDP of a message after {@code shaping}; malformed SDP fails naming its line. */
    public byte[] shaped(MediaCall call, byte[] sdp, UnaryOperator<SessionDescription> shaping) {
        return shaped(call.callId(), sdp, shaping);
    }

    /** The SDP of a message after {@code shaping}; malformed SDP fails naming its line (and the Call-ID). */
    public static byte[] shaped(String callId, byte[] sdp, UnaryOperator<SessionDescription> shaping) {
        if (shaping == UnaryOperator.<SessionDescription>identity()) {
            return sdp;
        }
        SessionDescription parsed = parse(callId, sdp);
        SessionDescription result = shaping.apply(parsed);
        return result == parsed ? sdp : result.toBytes();
    }

    /** The offer {@code request} makes with {@code sdp}: its tags and where it came from. */
    public Offer offerIn(SipServletRequest request, byte[] sdp) {
        Offer offer = Offer.of(tag(request.getFrom()), sdp);
        if (tag(request.getTo()) != null) {
            offer = offer.withToTag(tag(request.getTo()));
        }
        return offer.withSourceOf(request);
    }

    /**
     * Anchors the SDP of a reply to a request or of an ACK: in an 18x/2xx to an offer, the answer; in an 18x/2xx to
     * a request without SDP, the answerer's (late) offer, whose answer then comes in the ACK; in that ACK, the
     * answer. A message without SDP is left as it is. The party that answers the caller's INVITE becomes the callee.
     */
    public void answer(SipServletMessage message) {
        answer(message, Optional.empty(), UnaryOperator.identity());
    }

    /** {@link #answer(SipServletMessage)}, with the SDP changed by {@code shaping} before RTPEngine sees it. */
    public void answer(SipServletMessage message, UnaryOperator<SessionDescription> shaping) {
        answer(message, Optional.empty(), shaping);
    }

    /**
     * As {@link #answer(SipServletMessage, UnaryOperator)}, for the reply on one proxy branch: an answer names the
     * branch's via-branch, so that RTPEngine pairs it with that branch's offer.
     */
    public void answer(SipServletResponse response, String viaBranch, UnaryOperator<SessionDescription> shaping) {
        answer(response, Optional.of(viaBranch), shaping);
    }

    private void answer(SipServletMessage message, Optional<String> viaBranch, UnaryOperator<SessionDescription> shaping) {
        Optional<byte[]> received = SdpBody.of(message);
        if (received.isEmpty()) {
            return;
        }
        MediaCall call = callOf(message).orElseThrow(() -> new MediaException(Kind.REFUSED, message.getCallId(),
                "SDP in " + describe(message) + " but no offer of this call was anchored", null));
        byte[] sdp = shaped(call, received.get(), shaping);
        byte[] rewritten;
        if (message instanceof SipServletResponse response) {
            if (response.getRequest().isInitial() && "INVITE".equals(response.getMethod())) {
                call.calleeTag(tag(response.getTo()));
            }
            if (SdpBody.of(response.getRequest()).isPresent()) {
                Answer answer = Answer.of(tag(response.getFrom()), tag(response.getTo()), sdp);
                rewritten = answer(call, viaBranch.map(answer::withViaBranch).orElse(answer));
            } else {
                rewritten = offer(call, Offer.of(tag(response.getTo()), sdp));
                call.offerPending(tag(response.getTo()));
            }
        } else {
            String offerer = call.pendingOfferer().orElseThrow(() -> new MediaException(Kind.REFUSED, message.getCallId(),
                    "SDP in " + describe(message) + " answers no pending offer", null));
            rewritten = answer(call, Answer.of(offerer, tag(message.getFrom()), sdp));
            call.offerPending(null);
        }
        SdpBody.replace(message, rewritten);
        saved(message, call);
    }

    /**
     * Releases the media of the call {@code message} belongs to, once (see {@link #delete(MediaCall)}).
     *
     * @return whether this released it
     */
    public boolean delete(SipServletMessage message) {
        Optional<MediaCall> call = callOf(message);
        if (call.isEmpty()) {
            return false;
        }
        boolean released = delete(call.get());
        saved(message, call.get());
        return released;
    }

    /**
     * Whether a call whose first offer failed with {@code failure} goes on with its media unanchored: only when no
     * RTPEngine could take it and {@code media.on_failure} is {@code relay}. Says so in the log with the Call-ID.
     */
    public boolean relaysUnanchored(SipServletRequest request, MediaException failure) {
        if (failure.kind() != Kind.UNAVAILABLE || onFailure != MediaFailurePolicy.RELAY) {
            return false;
        }
        LOG.warning(() -> "call-id=" + request.getCallId() + " relayed with its media unanchored: " + failure.reason());
        return true;
    }

    // ------------------------------------------------------------------ calls, tags and SDP

    /**
     * Anchors an offer: the first offer of a call places the offerer on its profile side and picks an RTPEngine;
     * later offers (re-INVITE, UPDATE, another proxy branch) go to the same RTPEngine.
     *
     * @return the SDP to send on to the other party
     */
    public byte[] offer(MediaCall call, Offer offer) {
        byte[] body = offer.sdp();
        SessionDescription sdp = parse(call, body);
        MediaProfile profile = profiles.get(call.profile(), call.callId());
        Side offerer = call.placeOfferer(offer.fromTag(), profile.sideOf(sdp));
        NgRequest.Builder builder = NgRequest.builder(NgCommand.OFFER);
        if (!call.isAdopted()) {
            // This process's mark first, so that a profile's own label wins (such a call then counts as another's).
            // An adopted call keeps the label it has: it stays another's for reconciliation.
            builder.label(mark.label());
        }
        profile.offerToward(offerer.other()).forEach(builder::param);
        // the tags go through param(): a message without one fails validation naming the key
        builder.callId(call.callId()).param("from-tag", offer.fromTag());
        offer.toTag().ifPresent(builder::toTag);
        offer.viaBranch().ifPresent(builder::viaBranch);
        offer.receivedFrom().ifPresent(builder::receivedFrom);
        NgRequest request = builder.sdp(body).build();
        if (!call.isReleased() && !call.isAdopted()) {
            // live from now, also when the application made the MediaCall itself rather than with begin()
            register(new LiveCall(call, Optional.empty()), false);
        }
        // An adopted call exists already, on its anchor or (without one) wherever the pool finds it.
        EngineReply reply = await(call, request, call.isAdopted() ? engines.send(request, call.anchor())
                : engines.offer(request, call.anchor()));
        call.anchoredOn(reply.instance());
        offer.viaBranch().ifPresent(call::branchOffered);
        return rewritten(call, reply.reply());
    }

    /**
     * Anchors the answer to an offer, on the RTPEngine that took the offer.
     *
     * @return the SDP to send on to the offerer
     */
    public byte[] answer(MediaCall call, Answer answer) {
        byte[] body = answer.sdp();
        SessionDescription parsed = parse(call, body);
        MediaProfile profile = profiles.get(call.profile(), call.callId());
        if (call.isAdopted() && !call.hasOffer()) {
            // The offer went by before this process knew the call: the answerer's side is read from its answer.
            call.placeOfferer(answer.toTag(), profile.sideOf(parsed));
        }
        Side offerer = call.sideOf(answer.fromTag());
        NgRequest.Builder builder = NgRequest.builder(NgCommand.ANSWER);
        profile.answerToward(offerer).forEach(builder::param);
        builder.callId(call.callId()).param("from-tag", answer.fromTag()).param("to-tag", answer.toTag());
        answer.viaBranch().ifPresent(builder::viaBranch);
        NgRequest request = builder.sdp(body).build();
        EngineReply reply = await(call, request, engines.send(request, call.anchor()));
        return rewritten(call, reply.reply());
    }

    /**
     * Releases one proxy branch that lost (failed, or cancelled because another answered), keeping the rest.
     * Does nothing for a branch already released.
     */
    public void releaseBranch(MediaCall call, String fromTag, String viaBranch) {
        if (call.isReleased() || !call.branchReleased(viaBranch)) {
            return;
        }
        NgRequest request = NgRequest.builder(NgCommand.DELETE).callId(call.callId()).fromTag(fromTag).viaBranch(viaBranch).build();
        deleteQuietly(call, request);
    }

    /**
     * Releases the whole call on RTPEngine, once: later calls for the same {@link MediaCall} do nothing. Never
     * throws. Waits (at most the pool's budget) for the first delete; a delete RTPEngine did not confirm is kept by
     * the pool and sent again with backoff until RTPEngine confirms it or says the call is gone
     * ({@link EnginePool#release}), so the call is released exactly once for the caller and never forgotten.
     *
     * @return whether this call released it (false when it was already released)
     */
    public boolean delete(MediaCall call) {
        if (!call.release()) {
            return false;
        }
        boolean shared = call.isAdopted() ? isLive(call.callId()) : forget(call);
        if (shared) {
            // RTPEngine holds the calls that share a Call-ID as one: deleting it would cut the others' media. The
            // last of them to be released deletes it.
            LOG.fine(() -> "call-id=" + call.callId() + " released; RTPEngine keeps the call for another live call "
                    + "with the same Call-ID");
            return true;
        }
        // Without a from-tag RTPEngine deletes every branch and monologue of the call.
        CompletableFuture<ReleaseResult> released = engines.release(call.callId(), call.anchor());
        try {
            ReleaseResult result = released.get(engines.budget().toMillis() + BUDGET_MARGIN_MILLIS, TimeUnit.MILLISECONDS);
            if (result == ReleaseResult.PENDING) {
                LOG.warning(() -> "call-id=" + call.callId() + " media release not confirmed by RTPEngine yet: "
                        + "deleting it again until it is");
            } else if (result == ReleaseResult.NOT_FOUND) {
                LOG.fine(() -> "call-id=" + call.callId() + " delete: RTPEngine no longer had the call");
            }
        } catch (TimeoutException | ExecutionException e) {
            // The pool completes within its budget and keeps what it could not confirm: only a starved timer gets here.
            LOG.warning(() -> "call-id=" + call.callId() + " media release not confirmed within "
                    + engines.budget().toMillis() + " ms; the pool goes on with it");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            LOG.warning("call-id=" + call.callId() + " media release interrupted while waiting; the pool goes on with it");
        }
        return true;
    }

    /**
     * Adds a call to the registry; {@code replace} replaces a copy of the same call already there (else that one
     * stays). Calls with the same Call-ID that are not the same call are kept side by side.
     */
    private void register(LiveCall live, boolean replace) {
        sessionsByCallId.compute(live.call().callId(), (callId, calls) -> {
            List<LiveCall> next = new ArrayList<>(calls == null ? List.of() : calls);
            boolean known = next.stream().anyMatch(other -> other.call().isSameCall(live.call()));
            if (known && !replace) {
                return calls;
            }
            next.removeIf(other -> other.call().isSameCall(live.call()));
            next.add(live);
            return List.copyOf(next);
        });
    }

    /**
     * Removes a released call from the registry (both lookups). The registry may hold another copy of the same call
     * (one the container deserialized, or the original when this is the copy): that one counts as released too, so the
     * call is deleted once whichever copy is released first.
     *
     * @return whether other live calls still use the call's Call-ID
     */
    private boolean forget(MediaCall call) {
        boolean[] othersLeft = {false};
        sessionsByCallId.computeIfPresent(call.callId(), (callId, calls) -> {
            List<LiveCall> rest = new ArrayList<>(calls.size());
            for (LiveCall live : calls) {
                if (live.call().isSameCall(call)) {
                    live.call().release();
                    live.applicationSessionId().ifPresent(id -> callsByApplicationSession.remove(id, live.call()));
                } else {
                    rest.add(live);
                }
            }
            othersLeft[0] = !rest.isEmpty();
            return rest.isEmpty() ? null : List.copyOf(rest);
        });
        return othersLeft[0];
    }

    /**
     * Sends an in-call command (play media, block DTMF, start recording, subscribe...) to the RTPEngine that
     * anchored the call. {@code request} carries the call's Call-ID.
     */
    public NgReply command(MediaCall call, NgRequest request) {
        return await(call, request, engines.send(request, call.anchor())).reply();
    }

    private static void saved(SipServletMessage message, MediaCall call) {
        SipApplicationSession session = message.getApplicationSession();
        if (session.isValid()) {
            // set again so that a replicating container sees the change
            session.setAttribute(MediaCall.ATTRIBUTE, call);
        }
    }

    private static String tag(Address address) {
        return address.getParameter("tag");
    }

    private static String describe(SipServletMessage message) {
        return message instanceof SipServletResponse response
                ? response.getStatus() + " to " + response.getMethod()
                : ((SipServletRequest) message).getMethod();
    }

    // ------------------------------------------------------------------ in-call media control (through MediaSession and Party)

    Optional<Duration> play(MediaCall call, String toTag, String file) {
        java.util.OptionalLong millis = command(call, NgRequest.builder(NgCommand.PLAY_MEDIA).callId(call.callId())
                .fromTag(toTag).file(file).build()).duration();
        return millis.isPresent() ? Optional.of(Duration.ofMillis(millis.getAsLong())) : Optional.empty();
    }

    void stopPlaying(MediaCall call, String toTag) {
        command(call, NgRequest.builder(NgCommand.STOP_MEDIA).callId(call.callId()).fromTag(toTag).build());
    }

    /**
     * RTPEngine injects a digit as if the party with {@code asTag} had sent it, so a digit meant for one party is
     * injected as the other.
     */
    void playDtmf(MediaCall call, String toTag, String asTag, String digits, Duration duration) {
        if (digits.isEmpty() || !digits.chars().allMatch(c -> "0123456789*#ABCDabcd".indexOf(c) >= 0)) {
            throw new IllegalArgumentException("DTMF digits are 0-9, *, #, A-D; got \"" + digits + "\"");
        }
        for (char digit : digits.toUpperCase(java.util.Locale.ROOT).toCharArray()) {
            call.injected(digit, System.currentTimeMillis(), duration.toMillis());
            command(call, NgRequest.builder(NgCommand.PLAY_DTMF).callId(call.callId()).fromTag(asTag).digit(digit)
                    .duration((int) duration.toMillis()).build());
        }
        LOG.fine(() -> "call-id=" + call.callId() + " played DTMF " + digits + " to " + toTag);
    }

    void gate(MediaCall call, String tag, MediaGate gate, boolean closed) {
        command(call, NgRequest.builder(gate.command(closed)).callId(call.callId()).fromTag(tag).build());
    }

    void record(MediaCall call, boolean on) {
        command(call, NgRequest.builder(on ? NgCommand.START_RECORDING : NgCommand.STOP_RECORDING).callId(call.callId()).build());
    }

    Subscription subscribe(MediaCall call, List<String> fromTags) {
        NgReply reply = command(call, NgRequest.builder(NgCommand.SUBSCRIBE_REQUEST).callId(call.callId()).fromTags(fromTags).build());
        String tag = reply.toTag().orElseThrow(() -> new MediaException(Kind.REFUSED, call.callId(),
                "RTPEngine's subscription offer has no to-tag", null));
        return new Subscription(this, call, tag, rewritten(call, reply));
    }

    void subscribeAnswer(MediaCall call, String toTag, byte[] sdp) {
        command(call, NgRequest.builder(NgCommand.SUBSCRIBE_ANSWER).callId(call.callId()).toTag(toTag).sdp(sdp).build());
    }

    void unsubscribe(MediaCall call, String toTag) {
        command(call, NgRequest.builder(NgCommand.UNSUBSCRIBE).callId(call.callId()).toTag(toTag).build());
    }

    /**
     * Whether RTPEngine still has the call: false once it has deleted it (after a delete, or by its own media
     * timeout). An RTPEngine that does not answer counts as having it, so that nothing is released on a guess.
     */
    public boolean isAlive(MediaCall call) {
        try {
            waitFor(engines.send(NgRequest.query(call.callId()), call.anchor()));
            return true;
        } catch (ExecutionException e) {
            return !(e.getCause() instanceof NgErrorException);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        }
    }

    private void deleteQuietly(MediaCall call, NgRequest request) {
        try {
            EngineReply reply = waitFor(engines.send(request, call.anchor()));
            reply.reply().warning().ifPresent(warning -> LOG.fine(() -> "call-id=" + call.callId() + " delete: " + warning));
        } catch (ExecutionException e) {
            LOG.log(Level.WARNING, "call-id=" + call.callId() + " media not released: " + e.getCause().getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            LOG.warning("call-id=" + call.callId() + " media release interrupted");
        }
    }

    /**
     * The reply of a pool request, waited for no longer than the pool's own budget (plus a margin for its timer):
     * a SIP thread never waits longer than the NG budget the configuration allows, whatever RTPEngine does.
     */
    private EngineReply waitFor(CompletableFuture<EngineReply> pending) throws InterruptedException, ExecutionException {
        try {
            return pending.get(engines.budget().toMillis() + BUDGET_MARGIN_MILLIS, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            pending.cancel(false);
            throw new ExecutionException("no RTPEngine answered within " + engines.budget().toMillis() + " ms", e);
        }
    }

    private EngineReply await(MediaCall call, NgRequest request, CompletableFuture<EngineReply> pending) {
        try {
            EngineReply reply = waitFor(pending);
            reply.reply().warning().ifPresent(warning -> LOG.info(() -> "call-id=" + call.callId() + " "
                    + request.command().wireName() + " on " + reply.instance() + ": " + warning));
            return reply;
        } catch (ExecutionException e) {
            throw failure(call, request, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MediaException(Kind.UNAVAILABLE, call.callId(), request.command().wireName() + " interrupted", e);
        }
    }

    /** The kind of failure a pool request's failure is, for the reply: the one place NG failures become media ones. */
    private static MediaException failure(MediaCall call, NgRequest request, ExecutionException failed) {
        Throwable cause = failed.getCause();
        String command = request.command().wireName();
        if (cause instanceof NgErrorException error && !error.isCapacityRefusal()) {
            return new MediaException(Kind.REFUSED, call.callId(), "RTPEngine refused " + command + ": " + error.reason(), error);
        }
        if (cause instanceof NgRefusedException refused && refused.kind() == NgRefusedException.Kind.TOO_LARGE) {
            return new MediaException(Kind.TOO_LARGE, call.callId(), command + " not sent: " + refused.getMessage(), refused);
        }
        if (cause instanceof NgRefusedException refused && refused.kind() == NgRefusedException.Kind.INVALID) {
            return new MediaException(Kind.INTERNAL, call.callId(), command + " not sent: " + refused.getMessage(), refused);
        }
        if (cause instanceof EngineUnavailableException || cause instanceof NgException) {
            return new MediaException(Kind.UNAVAILABLE, call.callId(), cause.getMessage(), cause);
        }
        // the wait itself ran out (see waitFor): its message says how long
        return new MediaException(Kind.UNAVAILABLE, call.callId(), failed.getMessage(), cause);
    }

    private byte[] rewritten(MediaCall call, NgReply reply) {
        if (!reply.hasSdp()) {
            throw new MediaException(Kind.REFUSED, call.callId(), "RTPEngine replied without SDP", null);
        }
        return parse(call, reply.sdp()).maskIdentity(sdpName).toBytes();
    }

    private static SessionDescription parse(MediaCall call, byte[] sdp) {
        return parse(call.callId(), sdp);
    }

    private static SessionDescription parse(String callId, byte[] sdp) {
        try {
            return SessionDescription.parse(sdp);
        } catch (SdpException e) {
            throw MediaException.malformedSdp(callId, e);
        }
    }
}
