package org.sipanchor.app;

import java.nio.ByteBuffer;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Digest nonces that expire and cannot be replayed. A nonce is its issue time, random bytes and an HMAC over both
 * with a key made at start-up: issuing one stores nothing, so a flood of unauthenticated requests costs no memory.
 * What is stored is the highest nonce count each nonce has been used with (RFC 7616 section 3.4.4), only after a
 * correct response, so only holders of a secret can fill it; it holds at most {@code capacity} nonces. When it has to
 * forget one, every nonce issued no later than the forgotten one counts as stale from then on, so forgetting never
 * lets an old response be replayed.
 */
public final class Nonces {

    /** What a nonce and its count are worth. */
    public enum Verdict {
        /** Issued here, within its lifetime, with a count above any used before: the request may go on. */
        FRESH,
        /** Issued here but too old, or its count was used already: a new challenge with {@code stale=true}. */
        STALE,
        /** Not issued here (or by an earlier run): a new challenge. */
        FOREIGN
    }

    private static final int RANDOM_BYTES = 12;
    private static final int MAC_BYTES = 16;
    private static final int LENGTH = Long.BYTES + RANDOM_BYTES + MAC_BYTES;

    private final Clock clock;
    private final Duration lifetime;
    private final int capacity;
    private final SecureRandom random = new SecureRandom();
    private final byte[] key = new byte[32];
    /** Nonce to the highest count used with it, in order of first use. */
    private final Map<String, Long> used = new LinkedHashMap<>();
    /** Nonces issued at or before this (epoch milliseconds) and not in {@link #used} are stale. */
    private long forgottenUpTo = Long.MIN_VALUE;

    public Nonces(Clock clock, Duration lifetime, int capacity) {
        this.clock = clock;
        this.lifetime = lifetime;
        this.capacity = capacity;
        random.nextBytes(key);
    }

    /** A new nonce, URL-safe base64 (no quotes or commas to escape). */
    public String issue() {
        byte[] salt = new byte[RANDOM_BYTES];
        random.nextBytes(salt);
        ByteBuffer nonce = ByteBuffer.allocate(LENGTH).putLong(clock.millis()).put(salt);
        nonce.put(mac(Arrays.copyOf(nonce.array(), Long.BYTES + RANDOM_BYTES)));
        return Base64.getUrlEncoder().withoutPadding().encodeToString(nonce.array());
    }

    /** Whether {@code nonce} was issued here and has not expired; says nothing of its use. */
    public Verdict check(String nonce) {
        long issued = issuedAt(nonce);
        if (issued == Long.MIN_VALUE) {
            return Verdict.FOREIGN;
        }
        long age = clock.millis() - issued;
        return age < 0 || age >= lifetime.toMillis() ? Verdict.STALE : Verdict.FRESH;
    }

    /**
     * Records a correct response's use of {@code nonce} with count {@code nc}: {@link Verdict#FRESH} the first time
     * a count is seen, {@link Verdict#STALE} for a count not above the last (a replay) or an expired nonce.
     */
    public synchronized Verdict use(String nonce, long nc) {
        Verdict verdict = check(nonce);
        if (verdict != Verdict.FRESH) {
            return verdict;
        }
        Long last = used.get(nonce);
        if (last == null && issuedAt(nonce) <= forgottenUpTo) {
            return Verdict.STALE;
        }
        if (last != null && nc <= last) {
            return Verdict.STALE;
        }
        used.put(nonce, nc);
        forgetExpired();
        while (used.size() > capacity) {
            Iterator<String> oldest = used.keySet().iterator();
            forgottenUpTo = Math.max(forgottenUpTo, issuedAt(oldest.next()));
            oldest.remove();
        }
        return Verdict.FRESH;
    }

    /** How many nonces are remembered as used (bounded by the capacity). */
    public synchronized int remembered() {
        return used.size();
    }

    private void forgetExpired() {
        long now = clock.millis();
        used.keySet().removeIf(nonce -> now - issuedAt(nonce) >= lifetime.toMillis());
    }

    /** The issue time of a nonce made here, or {@link Long#MIN_VALUE} for anything else. */
    private long issuedAt(String nonce) {
        byte[] bytes;
        try {
            bytes = Base64.getUrlDecoder().decode(nonce);
        } catch (IllegalArgumentException e) {
            return Long.MIN_VALUE;
        }
        if (bytes.length != LENGTH) {
            return Long.MIN_VALUE;
        }
        byte[] expected = mac(Arrays.copyOf(bytes, Long.BYTES + RANDOM_BYTES));
        if (!MessageDigest.isEqual(expected, Arrays.copyOfRange(bytes, Long.BYTES + RANDOM_BYTES, LENGTH))) {
            return Long.MIN_VALUE;
        }
        return ByteBuffer.wrap(bytes).getLong();
    }

    private byte[] mac(byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return Arrays.copyOf(mac.doFinal(data), MAC_BYTES);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("every Java runtime has HmacSHA256", e);
        }
    }
}
