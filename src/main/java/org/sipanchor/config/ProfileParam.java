package org.sipanchor.config;

/**
 * One RTPEngine key of a custom profile, as written in YAML, with its location so that a key RTPEngine
 * would ignore can be reported at the line that wrote it.
 *
 * @param value a String, Long, Boolean, List or Map
 */
public record ProfileParam(String key, Object value, ConfigLocation location) {
}
