package org.sipanchor.config;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Environment overrides inside configuration values: {@code ${NAME}} or {@code ${NAME:-default}}, so one
 * file serves every deployment and only addresses change per host, e.g.
 * {@code address: "${RTPENGINE_ADDRESS:-127.0.0.1:22222}"}.
 */
final class Placeholders {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?}");

    private final Map<String, String> environment;

    Placeholders(Map<String, String> environment) {
        this.environment = Map.copyOf(environment);
    }

    String resolve(String text, ConfigLocation at) {
        if (text.indexOf("${") < 0) {
            return text;
        }
        Matcher matcher = PLACEHOLDER.matcher(text);
        StringBuilder resolved = new StringBuilder();
        while (matcher.find()) {
            String value = environment.get(matcher.group(1));
            if (value == null) {
                value = matcher.group(2);
            }
            if (value == null) {
                throw new ConfigException(at, "environment variable " + matcher.group(1) + " is not set and ${"
                        + matcher.group(1) + "} gives no default (write ${" + matcher.group(1) + ":-value})");
            }
            matcher.appendReplacement(resolved, Matcher.quoteReplacement(value));
        }
        matcher.appendTail(resolved);
        return resolved.toString();
    }
}
