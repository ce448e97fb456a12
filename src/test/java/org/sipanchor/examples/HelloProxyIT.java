package org.sipanchor.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sipanchor.testing.AnchoredSdp.assertAnchored;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.sipanchor.testing.AnchoringServer;
import org.sipanchor.testing.AnchoringServer.Calls;
import org.sipanchor.testing.Examples;

/**
 * {@code examples/hello-proxy}, built as a user builds it (one sipanchor dependency, provided) and deployed as a user
 * deploys it ({@code bin/sipanchor --app hello-proxy.war}): its war holds only its own code, and the server's lib/
 * supplies sipanchor and everything sipanchor runs on.
 */
@DisplayName("examples/hello-proxy on bin/sipanchor --app")
class HelloProxyIT {

    private static final Path WAR = Examples.war("hello-proxy");

    @RegisterExtension
    static final AnchoringServer hello = AnchoringServer.deploying(WAR).calleePortProperty("hello.callee.port");

    @Test
    @DisplayName("the war holds only the application's own classes and descriptors")
    void warHoldsOnlyItsOwnCode() throws IOException {
        try (ZipFile war = new ZipFile(WAR.toFile())) {
            List<String> files = war.stream().filter(entry -> !entry.isDirectory()).map(ZipEntry::getName)
                    .filter(name -> !name.startsWith("META-INF/")).sorted().toList();
            assertEquals(List.of("WEB-INF/classes/com/example/hello/HelloProxy.class", "WEB-INF/classes/com/example/hello/NextHop.class",
                    "WEB-INF/sip.xml", "WEB-INF/web.xml"), files);
        }
    }

    @Test
    @DisplayName("is deployed by the launcher (its CDI bean from the war, Weld from the server) and anchors a call's media")
    void anchorsACall() {
        assertTrue(hello.server().logged(line -> line.contains("] ready in ") && line.contains("app hello-proxy ")),
                hello.server().output());
        Calls calls = hello.call("uac-call.xml", "uas-answer.xml");
        assertAnchored(calls.callee().received("INVITE").get(0).body(), hello.rtpengine(), hello.sdpName());
        assertAnchored(calls.caller().receivedResponses(200, "INVITE").get(0).body(), hello.rtpengine(), hello.sdpName());
        // and AnchoringServer checks after each test that RTPEngine holds no session
    }
}
