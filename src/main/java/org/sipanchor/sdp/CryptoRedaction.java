package org.sipanchor.sdp;

import java.util.regex.Pattern;

/**
 * Masks SRTP master keys (SDES, RFC 4568 {@code a=crypto:... inline:KEY}) in any text about to be logged,
 * SDP or a whole SIP message, parseable or not. Keys never reach a log.
 *
 * <pre>{@code
 * CryptoRedaction.redact("a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz|2^20|1:32")
 *   // "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:***"
 * }</pre>
 */
public final class CryptoRedaction {

    private static final Pattern INLINE_KEY = Pattern.compile("(?i)(inline:)[^\\s;]+");

    private CryptoRedaction() {
    }

    public static String redact(String text) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        return INLINE_KEY.matcher(text).replaceAll("$1***");
    }
}
