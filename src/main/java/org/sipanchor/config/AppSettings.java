package org.sipanchor.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;

/**
 * The application's own settings: the {@code app.settings} section of {@code sipanchor.yaml}, free-form (everything
 * else in the file is strictly validated). Inject it and read values by name; nested sections are settings too.
 *
 * <pre>{@code
 * app:
 *   settings:
 *     prompts: "/var/lib/prompts"
 *     menu: { timeout_secs: 8, sales: "sip:sales@10.0.0.5" }
 *
 * @Inject AppSettings settings;
 *
 * String prompts = settings.string("prompts");                          // fails naming the key when it is absent
 * int seconds = settings.section("menu").integer("timeout_secs", 10);   // or gives the default
 * }</pre>
 *
 * @param values the section as YAML gave it: strings, longs, booleans, lists and maps
 */
public record AppSettings(Map<String, Object> values) {

    /** No settings. */
    public static final AppSettings EMPTY = new AppSettings(Map.of());

    public AppSettings {
        values = Map.copyOf(values);
    }

    /** Whether {@code key} is set. */
    public boolean has(String key) {
        return values.containsKey(key);
    }

    /** The value of {@code key} as text, if set. */
    public Optional<String> find(String key) {
        return Optional.ofNullable(values.get(key)).map(Object::toString);
    }

    /** The value of {@code key} as text; fails naming the key when it is absent. */
    public String string(String key) {
        return find(key).orElseThrow(() -> new NoSuchElementException("app.settings." + key + " is not set"));
    }

    public String string(String key, String defaultValue) {
        return find(key).orElse(defaultValue);
    }

    /** The integer value of {@code key}, or {@code defaultValue} when it is absent; fails when it is not a number. */
    public int integer(String key, int defaultValue) {
        return find(key).map(text -> parse(key, text)).orElse(defaultValue);
    }

    public boolean bool(String key, boolean defaultValue) {
        return find(key).map(Boolean::parseBoolean).orElse(defaultValue);
    }

    /** A number of seconds, e.g. {@code timeout_secs: 8}. */
    public Duration seconds(String key, Duration defaultValue) {
        return find(key).map(text -> Duration.ofSeconds(parse(key, text))).orElse(defaultValue);
    }

    /** The list under {@code key}, each element as text; empty when absent. */
    public List<String> list(String key) {
        Object value = values.get(key);
        if (value == null) {
            return List.of();
        }
        return value instanceof List<?> list ? list.stream().map(Object::toString).toList() : List.of(value.toString());
    }

    /** The nested settings under {@code key}; empty when absent. */
    @SuppressWarnings("unchecked")
    public AppSettings section(String key) {
        Object value = values.get(key);
        if (value instanceof Map<?, ?> map) {
            return new AppSettings((Map<String, Object>) map);
        }
        if (value != null) {
            throw new IllegalArgumentException("app.settings." + key + " is not a section");
        }
        return EMPTY;
    }

    private static int parse(String key, String text) {
        try {
            return Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("app.settings." + key + " must be a whole number, not \"" + text + "\"", e);
        }
    }
}
