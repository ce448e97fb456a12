package org.sipanchor.media;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What sipanchor remembers about one call's media: the Call-ID RTPEngine knows it by, the profile, which party
 * is on which {@link Side}, the RTPEngine instance that anchored it, the proxy branches it offered on, and
 * whether it has been released. It lives in the call's SIP application session, so a replicating container
 * carries it to whichever node handles the call next.
 *
 * <p>Parties are named by their tags as RTPEngine sees them: the tag of the party that sent an offer is its
 * from-tag, the other party's its to-tag. A proxy uses the SIP tags as they are; a B2BUA maps each leg's tags
 * onto the caller's From tag and the callee's To tag.
 */
public final class MediaCall implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The SIP application session attribute holding a call's media state. */
    public static final String ATTRIBUTE = MediaCall.class.getName();

    private final String callId;
    private final String profile;
    /**
     * Tells this call from another with the same Call-ID (a spiral, a retry, a reused Call-ID), and recognises a copy
     * of this very call (one the container deserialized) as the same call.
     */
    private final String token = java.util.UUID.randomUUID().toString();
    /** Served from its SIP route alone (see {@link #adopted}): not in this process's registry, not under its label. */
    private boolean adopted;
    private final Map<String, Side> sides = new HashMap<>();
    private Side firstOfferer;
    private Side pinned;
    private String anchor;
    private final Map<String, Boolean> branches = new LinkedHashMap<>();
    private String pendingOfferer;
    private boolean released;
    private String callerTag;
    private String calleeTag;
    /** Digits sipanchor injected lately, so that their echoes can be told from digits a party pressed. */
    private final List<InjectedDigit> injected = new ArrayList<>();

    /** A digit sipanchor injected, and until when an event with that digit counts as its echo. */
    private record InjectedDigit(char digit, long untilMillis) implements Serializable {
    }

    /** How long after an injected digit's end an event with the same digit is taken for its echo. */
    private static final long ECHO_WINDOW_MILLIS = 1500;

    /** The media state kept in {@code session}, if sipanchor began anchoring its call (and the session is still valid). */
    public static Optional<MediaCall> in(javax.servlet.sip.SipApplicationSession session) {
        return session.isValid() ? Optional.ofNullable((MediaCall) session.getAttribute(ATTRIBUTE)) : Optional.empty();
    }

    public MediaCall(String callId, String profile) {
        this.callId = callId;
        this.profile = profile;
    }

    /** A call whose caller is known from its initial INVITE's From tag. */
    public MediaCall(String callId, String profile, String callerTag) {
        this(callId, profile);
        this.callerTag = callerTag;
    }

    /**
     * The media of a call this process did not begin, as an in-dialog request or reply of it tells it: a dialog that
     * the proxy record-routed before a restart, or that another node began. Its commands go to {@code anchor} (else
     * to whichever instance knows the call); it never enters this process's registry of live calls nor takes this
     * process's label, so reconciliation still treats it as another's call (deleted only once its media stops), and
     * releasing it deletes it at RTPEngine unless a live call of this process uses the same Call-ID.
     */
    public static MediaCall adopted(String callId, String profile, Optional<String> anchor) {
        MediaCall call = new MediaCall(callId, profile);
        call.adopted = true;
        call.anchor = anchor.orElse(null);
        return call;
    }

    /** Whether this is an {@linkplain #adopted adopted} call. */
    public synchronized boolean isAdopted() {
        return adopted;
    }

    /** Whether {@code other} is this call (or a copy of it), not merely a call with the same Call-ID. */
    boolean isSameCall(MediaCall other) {
        return token.equals(other.token);
    }

    /** Notes the callee's tag (a proxy's answering branch, a B2BUA's B-leg To tag); the latest answer wins. */
    public synchronized void calleeTag(String tag) {
        if (tag != null && !tag.equals(callerTag)) {
            this.calleeTag = tag;
        }
    }

    synchronized Optional<String> callerTag() {
        return Optional.ofNullable(callerTag);
    }

    /** The tag RTPEngine knows the party with {@code role} by, once it is known. */
    synchronized Optional<String> tagOf(Party.Role role) {
        return Optional.ofNullable(role == Party.Role.CALLER ? callerTag : calleeTag);
    }

    /** The role of the party RTPEngine knows by {@code tag}, if it is one of the call's two parties. */
    synchronized Optional<Party.Role> roleOf(String tag) {
        if (tag == null) {
            return Optional.empty();
        }
        if (tag.equals(callerTag)) {
            return Optional.of(Party.Role.CALLER);
        }
        return tag.equals(calleeTag) ? Optional.of(Party.Role.CALLEE) : Optional.empty();
    }

    /** Notes a digit sipanchor injected, lasting {@code durationMillis} from {@code nowMillis}. */
    synchronized void injected(char digit, long nowMillis, long durationMillis) {
        injected.removeIf(old -> old.untilMillis() < nowMillis);
        injected.add(new InjectedDigit(digit, nowMillis + durationMillis + ECHO_WINDOW_MILLIS));
    }

    /**
     * Whether a reported digit is the echo of one sipanchor injected: the same digit, while that injection's echo
     * window lasts. Each injection explains one event.
     */
    public synchronized boolean isEchoOfInjected(char digit, long atMillis) {
        injected.removeIf(old -> old.untilMillis() < atMillis);
        for (int i = 0; i < injected.size(); i++) {
            if (injected.get(i).digit() == digit) {
                injected.remove(i);
                return true;
            }
        }
        return false;
    }

    /** The Call-ID RTPEngine knows this call by (for a B2BUA, the A-leg's). */
    public String callId() {
        return callId;
    }

    public String profile() {
        return profile;
    }

    /** The RTPEngine instance that took the offer, once one did. */
    public synchronized Optional<String> anchor() {
        return Optional.ofNullable(anchor);
    }

    synchronized void anchoredOn(String instance) {
        this.anchor = instance;
    }

    /**
     * The side {@code tag}'s party is on. The first party to offer gets the side its offer showed (or the side it
     * was {@linkplain #pinSide pinned} to); every other party is on the other side.
     */
    synchronized Side sideOf(String tag) {
        Side side = sides.get(tag);
        if (side != null) {
            return side;
        }
        if (firstOfferer != null) {
            return firstOfferer.other();
        }
        return pinned == null ? Side.A : pinned.other();
    }

    /**
     * Puts a party on a side before any offer, for applications that know the call's direction better than SDP
     * shows it: a B2BUA knows which leg is its access side, whatever that party offers. Every other party is then
     * on the other side. Has no effect once the call has had its first offer.
     *
     * <pre>{@code
     * call.pinSide(callerTag, Side.A);   // the caller is the SRTP side of srtp_to_rtp, even if it offers RTP
     * }</pre>
     */
    public synchronized void pinSide(String tag, Side side) {
        if (firstOfferer == null) {
            sides.clear();
            sides.put(tag, side);
            pinned = side;
        }
    }

    /** Records the side of the call's first offerer; later offers keep the sides as they are. */
    synchronized Side placeOfferer(String tag, Side sideFromOffer) {
        if (firstOfferer == null) {
            Side side = pinned == null ? sideFromOffer : sideOf(tag);
            firstOfferer = side;
            sides.put(tag, side);
            return side;
        }
        return sideOf(tag);
    }

    synchronized boolean hasOffer() {
        return firstOfferer != null;
    }

    /** Notes a proxy branch that was offered, by its via-branch. */
    synchronized void branchOffered(String viaBranch) {
        branches.putIfAbsent(viaBranch, Boolean.TRUE);
    }

    /** The branches offered and not yet released. */
    public synchronized List<String> liveBranches() {
        List<String> live = new ArrayList<>();
        branches.forEach((branch, alive) -> {
            if (alive) {
                live.add(branch);
            }
        });
        return live;
    }

    /** Marks a branch released; false if it already was (or was never offered). */
    synchronized boolean branchReleased(String viaBranch) {
        return Boolean.TRUE.equals(branches.replace(viaBranch, Boolean.FALSE));
    }

    /** The tag of the party whose offer still waits for an answer outside a response (a late offer's ACK). */
    synchronized Optional<String> pendingOfferer() {
        return Optional.ofNullable(pendingOfferer);
    }

    synchronized void offerPending(String offererTag) {
        this.pendingOfferer = offererTag;
    }

    /**
     * Marks the whole call released; false if it already was, so a call is deleted once. Released means handed over:
     * the pool then deletes it until RTPEngine confirms ({@code EnginePool.release}), whatever the first delete did.
     */
    synchronized boolean release() {
        if (released) {
            return false;
        }
        released = true;
        return true;
    }

    /** Whether the call's release was requested (its delete is then confirmed, or being retried by the pool). */
    public synchronized boolean isReleased() {
        return released;
    }

    @Override
    public synchronized String toString() {
        return "MediaCall[" + callId + " profile=" + profile + " anchor=" + anchor + " released=" + released
                + (adopted ? " adopted" : "") + "]";
    }
}
