package org.sipanchor.app;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.sipanchor.testing.LoopbackPorts;
import org.sipanchor.testing.RunningSipAnchor;
import org.sipanchor.testing.SipAnchorServer;
import org.sipanchor.testing.Sipp;

/** Calls to users nobody registered, with no next hop configured: 404, and nothing else breaks. */
@DisplayName("The bundled proxy without a next hop")
class RegistrarIT {

    private static RunningSipAnchor server;

    @BeforeAll
    static void startServer() {
        int sipPort = LoopbackPorts.free();
        server = RunningSipAnchor.start(SipAnchorServer.config(sipPort, "app:\n  auth: off\n"), sipPort);
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.stopCleanly();
        }
    }

    @Test
    @DisplayName("answers 404 to an INVITE for a user with no registered contact")
    void rejectsUnknownUser() {
        Sipp.scenario("uac-expect-status.xml").set("status", "404").service("nobody")
                .remote(server.sipAddress()).run();
    }

    @Test
    @DisplayName("answers 423 with Min-Expires to a REGISTER below the minimum interval")
    void rejectsTooBriefInterval() {
        Sipp.scenario("register-too-brief.xml").service("dave").remote(server.sipAddress()).run();
    }

}
