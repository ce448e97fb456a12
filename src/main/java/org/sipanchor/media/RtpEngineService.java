package org.sipanchor.media;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
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
import org.sipanchor.ng.NgCommand;
import org.sipanchor.ng.NgErrorException;
import org.sipanchor.ng.NgException;
import org.sipanchor.ng.NgReply;
import org.sipanchor.ng.NgRequest;
import org.sipanchor.sdp.SdpException;
import org.sipanchor.sdp.SessionDescription;

/**
 * The offer / answer / delete lifecycle of a call's media on RTPEngine, and the in-call media commands. This is
 * offered at two levels: SIP messages for servlets ({@code offer(request, profile)}, {@code answer(response)},
 * {@code delete(message)}), and underneath them {@link MediaCall}s, tags and SDP bytes for applications that map
 * tags themselves (a B2BUA, a forking proxy).
 *
 * <pre>{@code
 * @Inject RtpEngineService rtpengine;
 *
 * rtpengine.offer(invite, "srtp_to_rtp");    // in doInvite: the INVITE now carries RTPEngine's SDP
 * rtpengine.answer(ok);                       // in doResponse: so does the 200 OK
 * rtpengine.delete(bye);                      // in doBye, doCancel, on failures: released once
 *
 * MediaCall call = new MediaCall(callId, "srtp_to_rtp");
 * byte[] toCallee = rtpengine.offer(call, Offer.of(callerTag, offerSdp));
 * byte[] toCaller = rtpengine.answer(call, Answer.of(callerTag, calleeTag, answerSdp));
 * rtpengine.delete(call);
 * }</pre>
 *
 * Every SDP it returns has been rewritten by RTPEngine and has its o= user name and s= line masked with
 * {@code media.sdp_name}.
 */
@Singleton
public class RtpEngineService {

    private static final Logger LOG = Logger.getLogger(RtpEngineService.class.getName());

    private final EnginePool engines;
    private final MediaProfiles profiles;
    private final String sdpName;
    private final MediaFailurePolicy onFailure;

    @Inject
    public RtpEngineService(EnginePool engines, MediaProfiles profiles, MediaConfig media) {
        this.engines = engines;
        this.profiles = profiles;
        this.sdpName = media.sdpName();
        this.onFailure = media.onFailure();
    }

    // ------------------------------------------------------------------ SIP messages

    /** The media state of the call {@code message} belongs to, if sipanchor began anchoring it. */
    public Optional<MediaCall> callOf(SipServletMessage message) {
        return MediaCall.in(message.getApplicationSession());
    }

    /** The media state of the call {@code message} belongs to, created with {@code profile} if there is none yet. */
    public MediaCall begin(SipServletMessage message, String profile) {
        SipApplicationSession session = message.getApplicationSession();
        synchronized (session) {
            return MediaCall.in(session).orElseGet(() -> {
                MediaCall call = new MediaCall(message.getCallId(), profile);
                session.setAttribute(MediaCall.ATTRIBUTE, call);
                return call;
            });
        }
    }

    /**
     * Anchors the SDP offer of a request (INVITE, re-INVITE, UPDATE) and writes RTPEngine's SDP into it. A request
     * without SDP is left as it is: its reply will carry the offer (a late offer). When a call's first offer fails,
     * whatever RTPEngine may have created is deleted before the exception reaches the caller.
     */
    public void offer(SipServletRequest request, String profile) throws MediaException {
        MediaCall call = begin(request, profile);
        Optional<byte[]> sdp = SdpBody.of(request);
        if (sdp.isEmpty()) {
            return;
        }
        boolean first = !call.hasOffer();
        try {
            SdpBody.replace(request, offer(call, offerIn(request, sdp.get())));
        } catch (MediaException e) {
            if (first) {
                // RTPEngine may have created the call before it failed (e.g. "Error rewriting SDP"): never half-anchored
                delete(call);
            }
            throw e;
        } finally {
            saved(request, call);
        }
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
     * answer. A message without SDP is left as it is.
     */
    public void answer(SipServletMessage message) throws MediaException {
        answer(message, Optional.empty());
    }

    /**
     * As {@link #answer(SipServletMessage)}, for the reply on one proxy branch: an answer names the branch's
     * via-branch, so that RTPEngine pairs it with that branch's offer.
     */
    public void answer(SipServletResponse response, String viaBranch) throws MediaException {
        answer(response, Optional.of(viaBranch));
    }

    private void answer(SipServletMessage message, Optional<String> viaBranch) throws MediaException {
        Optional<byte[]> sdp = SdpBody.of(message);
        if (sdp.isEmpty()) {
            return;
        }
        MediaCall call = callOf(message).orElseThrow(() -> new MediaRejectedException(message.getCallId(),
                "SDP in " + describe(message) + " but no offer of this call was anchored", null));
        byte[] rewritten;
        if (message instanceof SipServletResponse response) {
            if (SdpBody.of(response.getRequest()).isPresent()) {
                Answer answer = Answer.of(tag(response.getFrom()), tag(response.getTo()), sdp.get());
                rewritten = answer(call, viaBranch.map(answer::withViaBranch).orElse(answer));
            } else {
                rewritten = offer(call, Offer.of(tag(response.getTo()), sdp.get()));
                call.offerPending(tag(response.getTo()));
            }
        } else {
            String offerer = call.pendingOfferer().orElseThrow(() -> new MediaRejectedException(message.getCallId(),
                    "SDP in " + describe(message) + " answers no pending offer", null));
            rewritten = answer(call, Answer.of(offerer, tag(message.getFrom()), sdp.get()));
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
        if (!(failure instanceof MediaUnavailableException) || onFailure != MediaFailurePolicy.RELAY) {
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
    public byte[] offer(MediaCall call, Offer offer) throws MediaException {
        byte[] body = offer.sdp();
        SessionDescription sdp = parse(call, body);
        MediaProfile profile = profiles.get(call.profile(), call.callId());
        Side offerer = call.placeOfferer(offer.fromTag(), profile.sideOf(sdp));
        NgRequest.Builder builder = NgRequest.builder(NgCommand.OFFER);
        profile.offerToward(offerer.other()).forEach(builder::param);
        // the tags go through param(): a message without one fails validation naming the key
        builder.callId(call.callId()).param("from-tag", offer.fromTag());
        offer.toTag().ifPresent(builder::toTag);
        offer.viaBranch().ifPresent(builder::viaBranch);
        offer.receivedFrom().ifPresent(builder::receivedFrom);
        NgRequest request = builder.sdp(body).build();
        EngineReply reply = await(call, request, engines.offer(request, call.anchor()));
        call.anchoredOn(reply.instance());
        offer.viaBranch().ifPresent(call::branchOffered);
        return rewritten(call, reply.reply());
    }

    /**
     * Anchors the answer to an offer, on the RTPEngine that took the offer.
     *
     * @return the SDP to send on to the offerer
     */
    public byte[] answer(MediaCall call, Answer answer) throws MediaException {
        byte[] body = answer.sdp();
        parse(call, body);
        MediaProfile profile = profiles.get(call.profile(), call.callId());
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
     * throws: a failure is logged with the Call-ID (RTPEngine's own timeout reaps what could not be deleted).
     *
     * @return whether this call released it (false when it was already released)
     */
    public boolean delete(MediaCall call) {
        if (!call.release()) {
            return false;
        }
        // Without a from-tag RTPEngine deletes every branch and monologue of the call.
        deleteQuietly(call, NgRequest.delete(call.callId()));
        return true;
    }

    /**
     * Sends an in-call command (play media, block DTMF, start recording, subscribe...) to the RTPEngine that
     * anchored the call. {@code request} carries the call's Call-ID.
     */
    public NgReply command(MediaCall call, NgRequest request) throws MediaException {
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

    // ------------------------------------------------------------------ in-call media control

    /**
     * Plays a media file (anything ffmpeg reads, on RTPEngine's host) to the party with {@code tag}: an
     * announcement, music on hold, an IVR prompt.
     *
     * @return the file's duration in milliseconds, when RTPEngine reports it
     */
    public java.util.OptionalLong playMedia(MediaCall call, String tag, String file) throws MediaException {
        return command(call, NgRequest.builder(NgCommand.PLAY_MEDIA).callId(call.callId()).fromTag(tag).file(file).build()).duration();
    }

    /** Stops what {@link #playMedia} started for that party. */
    public void stopMedia(MediaCall call, String tag) throws MediaException {
        command(call, NgRequest.builder(NgCommand.STOP_MEDIA).callId(call.callId()).fromTag(tag).build());
    }

    /**
     * Injects a DTMF digit as if the party with {@code tag} had sent it (RFC 4733 event or tone, as negotiated).
     * RTPEngine needs the {@code inject DTMF} flag in the call's offer and answer, and media flowing from that party.
     */
    public void playDtmf(MediaCall call, String tag, char digit, java.time.Duration duration) throws MediaException {
        command(call, NgRequest.builder(NgCommand.PLAY_DTMF).callId(call.callId()).fromTag(tag).digit(digit)
                .duration((int) duration.toMillis()).build());
    }

    /** Replaces the media the party with {@code tag} sends by silence (true), or lets it through again (false). */
    public void silenceMedia(MediaCall call, String tag, boolean silenced) throws MediaException {
        command(call, NgRequest.builder(silenced ? NgCommand.SILENCE_MEDIA : NgCommand.UNSILENCE_MEDIA)
                .callId(call.callId()).fromTag(tag).build());
    }

    /** Drops the media the party with {@code tag} sends (true), or lets it through again (false). */
    public void blockMedia(MediaCall call, String tag, boolean blocked) throws MediaException {
        command(call, NgRequest.builder(blocked ? NgCommand.BLOCK_MEDIA : NgCommand.UNBLOCK_MEDIA)
                .callId(call.callId()).fromTag(tag).build());
    }

    /** Drops the DTMF the party with {@code tag} sends (true), e.g. while a card number is read, or lets it through. */
    public void blockDtmf(MediaCall call, String tag, boolean blocked) throws MediaException {
        command(call, NgRequest.builder(blocked ? NgCommand.BLOCK_DTMF : NgCommand.UNBLOCK_DTMF)
                .callId(call.callId()).fromTag(tag).build());
    }

    /** Starts (true) or stops (false) recording the call on RTPEngine's recording spool. */
    public void record(MediaCall call, boolean on) throws MediaException {
        command(call, NgRequest.builder(on ? NgCommand.START_RECORDING : NgCommand.STOP_RECORDING).callId(call.callId()).build());
    }

    /**
     * Asks RTPEngine for an SDP offer that lets a new party (a conference mixer, a monitor, a recorder) receive the
     * media of the parties with {@code fromTags}; send it to that party and pass its answer to
     * {@link #subscribeAnswer}.
     *
     * @return the offer, and the to-tag RTPEngine gave the subscription
     */
    public NgReply subscribeRequest(MediaCall call, java.util.List<String> fromTags) throws MediaException {
        return command(call, NgRequest.builder(NgCommand.SUBSCRIBE_REQUEST).callId(call.callId()).fromTags(fromTags).build());
    }

    /** Completes a subscription with the subscriber's answer. */
    public void subscribeAnswer(MediaCall call, String toTag, byte[] sdp) throws MediaException {
        command(call, NgRequest.builder(NgCommand.SUBSCRIBE_ANSWER).callId(call.callId()).toTag(toTag).sdp(sdp).build());
    }

    /** Ends a subscription. */
    public void unsubscribe(MediaCall call, String toTag) throws MediaException {
        command(call, NgRequest.builder(NgCommand.UNSUBSCRIBE).callId(call.callId()).toTag(toTag).build());
    }

    /**
     * Whether RTPEngine still has the call: false once it has deleted it (after a delete, or by its own media
     * timeout). An RTPEngine that does not answer counts as having it, so that nothing is released on a guess.
     */
    public boolean isAlive(MediaCall call) {
        try {
            engines.send(NgRequest.query(call.callId()), call.anchor()).get();
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
            EngineReply reply = engines.send(request, call.anchor()).get();
            reply.reply().warning().ifPresent(warning -> LOG.fine(() -> "call-id=" + call.callId() + " delete: " + warning));
        } catch (ExecutionException e) {
            LOG.log(Level.WARNING, "call-id=" + call.callId() + " media not released: " + e.getCause().getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            LOG.warning("call-id=" + call.callId() + " media release interrupted");
        }
    }

    private EngineReply await(MediaCall call, NgRequest request, CompletableFuture<EngineReply> pending) throws MediaException {
        try {
            EngineReply reply = pending.get();
            reply.reply().warning().ifPresent(warning -> LOG.info(() -> "call-id=" + call.callId() + " "
                    + request.command().wireName() + " on " + reply.instance() + ": " + warning));
            return reply;
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof NgErrorException error && !error.isCapacityRefusal()) {
                throw new MediaRejectedException(call.callId(), "RTPEngine refused " + request.command().wireName() + ": " + error.reason(), error);
            }
            if (cause instanceof EngineUnavailableException || cause instanceof NgException) {
                throw new MediaUnavailableException(call.callId(), cause.getMessage(), cause);
            }
            throw new MediaUnavailableException(call.callId(), String.valueOf(cause), cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MediaUnavailableException(call.callId(), request.command().wireName() + " interrupted", e);
        }
    }

    private byte[] rewritten(MediaCall call, NgReply reply) throws MediaException {
        if (!reply.hasSdp()) {
            throw new MediaRejectedException(call.callId(), "RTPEngine replied without SDP", null);
        }
        return parse(call, reply.sdp()).maskIdentity(sdpName).toBytes();
    }

    private static SessionDescription parse(MediaCall call, byte[] sdp) throws MalformedSdpException {
        try {
            return SessionDescription.parse(sdp);
        } catch (SdpException e) {
            throw new MalformedSdpException(call.callId(), e);
        }
    }
}
