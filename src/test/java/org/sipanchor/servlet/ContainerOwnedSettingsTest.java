package org.sipanchor.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sipanchor.config.ConfiguredKeys;

/** On Open Liberty, the settings of sipanchor.yaml that Liberty owns are named with their line, the others not. */
@DisplayName("Settings Open Liberty owns")
class ContainerOwnedSettingsTest {

    @TempDir
    Path folder;

    @Test
    @DisplayName("each one the file sets is named with its file, line and what to set in server.xml instead")
    void namedWithTheirLine() throws IOException {
        Path file = write("""
                sip:
                  listen:
                    - { transport: udp, address: "127.0.0.1:5060" }
                  limits: { max_message_bytes: 8192 }
                media:
                  rtpengine: { address: "127.0.0.1:22222" }
                log:
                  level: debug
                  sip_trace: true
                """);
        List<String> warnings = ContainerOwnedSettings.ignoredOnLiberty(ConfiguredKeys.of(file));
        assertEquals(List.of(
                file + ":2: sip.listen is ignored on Open Liberty: set <sipEndpoint> in server.xml",
                file + ":4: sip.limits is ignored on Open Liberty: Liberty's SIP container enforces its own message limits",
                file + ":8: log.level is ignored on Open Liberty: set <logging traceSpecification=\"org.sipanchor.*=...\"/> in server.xml"),
                warnings);
    }

    @Test
    @DisplayName("a file that leaves them to Liberty gets no warning: sipanchor's own settings apply on any container")
    void noneWhenAbsent() throws IOException {
        Path file = write("""
                media:
                  rtpengine: { address: "127.0.0.1:22222" }
                metrics:
                  listen: "127.0.0.1:9464"
                log:
                  sip_trace: true
                """);
        assertTrue(ContainerOwnedSettings.ignoredOnLiberty(ConfiguredKeys.of(file)).isEmpty());
    }

    @Test
    @DisplayName("the warnings are logged only on Open Liberty, which sets wlp.server.name")
    void onlyOnLiberty() throws IOException {
        Path file = write("sip:\n  listen: [ { transport: udp, address: \"127.0.0.1:5060\" } ]\n");
        assertEquals(List.of(), ContainerOwnedSettings.warnIgnored(file), "not on Liberty here");
    }

    private Path write(String yaml) throws IOException {
        return Files.writeString(folder.resolve("sipanchor.yaml"), yaml);
    }
}
