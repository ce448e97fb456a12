package org.sipanchor.config;

/**
 * The bundled registrar's expiry bounds in seconds (RFC 3261 section 10.3): a REGISTER asking for less
 * than {@code minExpires} gets 423 Interval Too Brief, more than {@code maxExpires} is cut down, and none
 * at all gets {@code defaultExpires}.
 */
public record RegistrarConfig(int minExpires, int maxExpires, int defaultExpires) {

    public static final RegistrarConfig DEFAULTS = new RegistrarConfig(60, 7200, 3600);
}
