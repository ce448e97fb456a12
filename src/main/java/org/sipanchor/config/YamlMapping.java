package org.sipanchor.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Function;

import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * One YAML mapping read key by key, each value checked for type and reported with its file, line and
 * key path. Keys nobody asked for are an error ({@link #rejectUnknownKeys()}), because a misspelt key
 * silently falling back to a default is the worst configuration bug an operator can have.
 */
final class YamlMapping {

    private final ConfigLocation location;
    private final Map<String, NodeTuple> entries = new LinkedHashMap<>();
    private final Set<String> read = new LinkedHashSet<>();
    private final Placeholders placeholders;

    private YamlMapping(ConfigLocation location, MappingNode node, Placeholders placeholders) {
        this.location = location;
        this.placeholders = placeholders;
        for (NodeTuple tuple : node.getValue()) {
            if (!(tuple.getKeyNode() instanceof ScalarNode key)) {
                throw new ConfigException(location.child("?", line(tuple.getKeyNode())), "keys must be plain words");
            }
            if (entries.putIfAbsent(key.getValue(), tuple) != null) {
                throw new ConfigException(location.child(key.getValue(), line(key)), "key appears twice");
            }
        }
    }

    /** Reads {@code node} as a mapping; an empty document is an empty mapping. */
    static YamlMapping of(Node node, ConfigLocation location, Placeholders placeholders) {
        if (node == null || isNull(node)) {
            return new YamlMapping(location, new MappingNode(Tag.MAP, List.of(), org.yaml.snakeyaml.DumperOptions.FlowStyle.BLOCK), placeholders);
        }
        if (!(node instanceof MappingNode mapping)) {
            throw new ConfigException(location.withLine(line(node)), "must be a mapping of keys to values, not " + describe(node));
        }
        return new YamlMapping(location.withLine(line(node)), mapping, placeholders);
    }

    ConfigLocation location() {
        return location;
    }

    boolean has(String key) {
        return entries.containsKey(key);
    }

    ConfigLocation locationOf(String key) {
        NodeTuple tuple = entries.get(key);
        return tuple == null ? location.child(key, location.line()) : location.child(key, line(tuple.getValueNode()));
    }

    /** Whether the key holds a single value (as {@code auth: off}) rather than a mapping or a list. */
    boolean isScalar(String key) {
        NodeTuple tuple = entries.get(key);
        return tuple != null && tuple.getValueNode() instanceof ScalarNode && !isNull(tuple.getValueNode());
    }

    Set<String> keys() {
        return entries.keySet();
    }

    Optional<YamlMapping> mapping(String key) {
        return value(key).map(node -> YamlMapping.of(node, locationOf(key), placeholders));
    }

    YamlMapping mappingOrEmpty(String key) {
        return mapping(key).orElseGet(() -> YamlMapping.of(null, locationOf(key), placeholders));
    }

    Optional<String> string(String key) {
        return value(key).map(node -> scalar(node, locationOf(key)));
    }

    String string(String key, String defaultValue) {
        return string(key).orElse(defaultValue);
    }

    Optional<Integer> integer(String key) {
        return value(key).map(node -> {
            ConfigLocation at = locationOf(key);
            String text = scalar(node, at);
            try {
                return Integer.valueOf(text.trim());
            } catch (NumberFormatException e) {
                throw new ConfigException(at, "must be a whole number, not \"" + text + "\"");
            }
        });
    }

    Optional<Boolean> bool(String key) {
        return value(key).map(node -> {
            ConfigLocation at = locationOf(key);
            String text = scalar(node, at).trim().toLowerCase();
            return switch (text) {
                case "true", "yes", "on" -> true;
                case "false", "no", "off" -> false;
                default -> throw new ConfigException(at, "must be true or false, not \"" + text + "\"");
            };
        });
    }

    /** A value parsed by {@code parser}; an {@link IllegalArgumentException} becomes a located error. */
    <T> Optional<T> parsed(String key, Function<String, T> parser) {
        return string(key).map(text -> {
            try {
                return parser.apply(text);
            } catch (IllegalArgumentException e) {
                throw new ConfigException(locationOf(key), e.getMessage());
            }
        });
    }

    /** One of the lower-case names of {@code type}'s constants. */
    <E extends Enum<E>> Optional<E> choice(String key, Class<E> type) {
        return string(key).map(text -> {
            for (E constant : type.getEnumConstants()) {
                if (constant.name().equalsIgnoreCase(text.trim())) {
                    return constant;
                }
            }
            List<String> names = new ArrayList<>();
            for (E constant : type.getEnumConstants()) {
                names.add(constant.name().toLowerCase());
            }
            throw new ConfigException(locationOf(key), "must be one of " + String.join(", ", names) + ", not \"" + text + "\"");
        });
    }

    /** A list whose elements are each read by {@code reader} with their own location. */
    <T> Optional<List<T>> list(String key, BiFunction<Node, ConfigLocation, T> reader) {
        return value(key).map(node -> {
            ConfigLocation at = locationOf(key);
            if (!(node instanceof SequenceNode sequence)) {
                throw new ConfigException(at, "must be a list, not " + describe(node));
            }
            List<T> items = new ArrayList<>();
            List<Node> elements = sequence.getValue();
            for (int i = 0; i < elements.size(); i++) {
                items.add(reader.apply(elements.get(i), at.element(i, line(elements.get(i)))));
            }
            return List.copyOf(items);
        });
    }

    /** Any YAML value as plain Java: String, Long, Boolean, List or Map (for pass-through settings). */
    Optional<Object> plain(String key) {
        return value(key).map(node -> plain(node, locationOf(key)));
    }

    YamlMapping childMapping(Node node, ConfigLocation at) {
        return YamlMapping.of(node, at, placeholders);
    }

    /** Fails on the first key that no reader asked for. */
    void rejectUnknownKeys() {
        for (Map.Entry<String, NodeTuple> entry : entries.entrySet()) {
            if (!read.contains(entry.getKey())) {
                List<String> known = new ArrayList<>(read);
                String hint = known.isEmpty() ? "" : " (known here: " + String.join(", ", known) + ")";
                throw new ConfigException(location.child(entry.getKey(), line(entry.getValue().getKeyNode())), "unknown key" + hint);
            }
        }
    }

    private Optional<Node> value(String key) {
        read.add(key);
        NodeTuple tuple = entries.get(key);
        if (tuple == null || isNull(tuple.getValueNode())) {
            return Optional.empty();
        }
        return Optional.of(tuple.getValueNode());
    }

    String scalar(Node node, ConfigLocation at) {
        if (!(node instanceof ScalarNode scalar)) {
            throw new ConfigException(at, "must be a single value, not " + describe(node));
        }
        return placeholders.resolve(scalar.getValue(), at);
    }

    private Object plain(Node node, ConfigLocation at) {
        if (node instanceof ScalarNode scalar) {
            String text = placeholders.resolve(scalar.getValue(), at);
            Tag tag = scalar.getTag();
            if (Tag.INT.equals(tag)) {
                try {
                    return Long.valueOf(text);
                } catch (NumberFormatException e) {
                    return text;
                }
            }
            if (Tag.BOOL.equals(tag)) {
                return Boolean.valueOf(text.toLowerCase().matches("true|yes|on"));
            }
            return text;
        }
        if (node instanceof SequenceNode sequence) {
            List<Object> items = new ArrayList<>();
            List<Node> elements = sequence.getValue();
            for (int i = 0; i < elements.size(); i++) {
                items.add(plain(elements.get(i), at.element(i, line(elements.get(i)))));
            }
            return List.copyOf(items);
        }
        YamlMapping mapping = YamlMapping.of(node, at, placeholders);
        Map<String, Object> values = new LinkedHashMap<>();
        for (String key : mapping.keys()) {
            mapping.plain(key).ifPresent(value -> values.put(key, value));
        }
        return java.util.Collections.unmodifiableMap(values);
    }

    static int line(Node node) {
        return node.getStartMark() == null ? 0 : node.getStartMark().getLine() + 1;
    }

    private static boolean isNull(Node node) {
        return Tag.NULL.equals(node.getTag());
    }

    private static String describe(Node node) {
        if (node instanceof MappingNode) {
            return "a mapping";
        }
        if (node instanceof SequenceNode) {
            return "a list";
        }
        return "\"" + ((ScalarNode) node).getValue() + "\"";
    }
}
