package org.sipanchor.ng;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicLong;

/**
 * NG message cookies that no other client, process or restart will ever repeat.
 *
 * <p>Why it matters: RTPEngine caches each reply for 30 to 60 seconds under the cookie alone, across all its clients,
 * and answers a request whose cookie it has seen with the cached reply, whatever the request says. Two clients that
 * pick the same cookie within a minute therefore get each other's replies. A cookie here is 128 bits from
 * {@link SecureRandom}, drawn once per generator, then a counter: {@code <22 base64url chars>.<hex counter>}, e.g.
 * {@code Qx3...Vw.1f}. The random part makes generators (processes, restarts) distinct; the counter makes every cookie
 * of one generator distinct, without drawing randomness per message.
 */
public final class NgCookieGenerator {

    private static final byte SEPARATOR = '.';
    private static final int MAX_HEX_DIGITS = 16;

    private final byte[] prefix;
    private final AtomicLong counter = new AtomicLong();

    public NgCookieGenerator() {
        this(new SecureRandom());
    }

    NgCookieGenerator(SecureRandom random) {
        byte[] seed = new byte[16];
        random.nextBytes(seed);
        byte[] text = Base64.getUrlEncoder().withoutPadding().encode(seed);
        prefix = Arrays.copyOf(text, text.length + 1);
        prefix[text.length] = SEPARATOR;
    }

    /** The next cookie as text. */
    public String next() {
        return new String(cookie(nextId()), StandardCharsets.US_ASCII);
    }

    /** The random part shared by all cookies of this generator, separator included. */
    public String prefix() {
        return new String(prefix, StandardCharsets.US_ASCII);
    }

    long nextId() {
        return counter.getAndIncrement();
    }

    /** The whole message for {@code id}: cookie, space, dictionary; one exact-size allocation. */
    byte[] message(long id, byte[] payload) {
        int digits = Math.max(1, (Long.SIZE - Long.numberOfLeadingZeros(id) + 3) / 4);
        byte[] m = new byte[prefix.length + digits + 1 + payload.length];
        System.arraycopy(prefix, 0, m, 0, prefix.length);
        for (int i = prefix.length + digits - 1; i >= prefix.length; i--) {
            m[i] = (byte) Character.forDigit((int) (id & 0xf), 16);
            id >>>= 4;
        }
        m[prefix.length + digits] = ' ';
        System.arraycopy(payload, 0, m, prefix.length + digits + 1, payload.length);
        return m;
    }

    /** The cookie of {@code id} alone: the message with no payload, less its separating space. */
    byte[] cookie(long id) {
        byte[] m = message(id, new byte[0]);
        return Arrays.copyOf(m, m.length - 1);
    }

    /** The id of a cookie this generator made, or -1 if {@code buf[off, off+len)} is not one of ours. */
    long parse(byte[] buf, int off, int len) {
        int digits = len - prefix.length;
        if (digits < 1 || digits > MAX_HEX_DIGITS
                || !Arrays.equals(buf, off, off + prefix.length, prefix, 0, prefix.length)) {
            return -1;
        }
        long id = 0;
        for (int i = off + prefix.length; i < off + len; i++) {
            int d = Character.digit(buf[i], 16);
            if (d < 0 || (buf[i] >= 'A' && buf[i] <= 'F')) {
                return -1;
            }
            id = (id << 4) | d;
        }
        return id;
    }
}
