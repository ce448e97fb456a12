package org.sipanchor.config;

/**
 * Where a configuration value came from: file, 1-based line and key path such as
 * {@code media.rtpengine.instances[1].weight}. Printed as {@code file:line: path}.
 */
public record ConfigLocation(String file, int line, String path) {

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder(file);
        if (line > 0) {
            text.append(':').append(line);
        }
        if (!path.isEmpty()) {
            text.append(": ").append(path);
        }
        return text.toString();
    }

    /** The same path on another line. */
    ConfigLocation withLine(int newLine) {
        return newLine > 0 ? new ConfigLocation(file, newLine, path) : this;
    }

    /** The location of a child key, on the given line. */
    ConfigLocation child(String key, int childLine) {
        return new ConfigLocation(file, childLine, path.isEmpty() ? key : path + "." + key);
    }

    /** The location of a list element, on the given line. */
    ConfigLocation element(int index, int elementLine) {
        return new ConfigLocation(file, elementLine, path + "[" + index + "]");
    }
}
