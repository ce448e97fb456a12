package org.sipanchor.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;

/**
 * Which keys a configuration file sets itself, as opposed to leaving them to their defaults, and on which line: for
 * settings that a container other than the embedded one takes from its own configuration, so that the operator
 * hears about a value they wrote and that is not applied.
 */
public final class ConfiguredKeys {

    private final String source;
    private final Node document;

    private ConfiguredKeys(String source, Node document) {
        this.source = source;
        this.document = document;
    }

    /** The keys of a file that {@link SipAnchorConfig#load(Path)} has already accepted. */
    public static ConfiguredKeys of(Path file) {
        LoaderOptions options = new LoaderOptions();
        options.setAllowRecursiveKeys(false);
        options.setMaxAliasesForCollections(10);
        try (var reader = Files.newBufferedReader(file)) {
            return new ConfiguredKeys(file.toString(), new Yaml(options).compose(reader));
        } catch (IOException e) {
            throw new ConfigException(new ConfigLocation(file.toString(), 0, ""), "cannot read: " + e.getMessage(), e);
        }
    }

    /** Where the file sets {@code keyPath} (dotted, such as {@code sip.listen}), or empty when it does not. */
    public Optional<ConfigLocation> locationOf(String keyPath) {
        Node node = document;
        int line = 0;
        for (String key : keyPath.split("\\.")) {
            if (!(node instanceof MappingNode mapping)) {
                return Optional.empty();
            }
            Optional<NodeTuple> entry = mapping.getValue().stream()
                    .filter(tuple -> tuple.getKeyNode() instanceof ScalarNode scalar && scalar.getValue().equals(key))
                    .findFirst();
            if (entry.isEmpty()) {
                return Optional.empty();
            }
            line = YamlMapping.line(entry.get().getKeyNode());
            node = entry.get().getValueNode();
        }
        return Optional.of(new ConfigLocation(source, line, keyPath));
    }
}
