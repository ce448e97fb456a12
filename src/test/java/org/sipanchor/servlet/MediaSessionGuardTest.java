package org.sipanchor.servlet;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.util.logging.Level;

import javax.servlet.sip.SipApplicationSession;
import javax.servlet.sip.SipApplicationSessionEvent;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.sipanchor.media.MediaCall;
import org.sipanchor.media.RtpEngineService;
import org.sipanchor.testing.LogCapture;

@DisplayName("MediaSessionGuard, for sessions the container ends after the application stopped")
class MediaSessionGuardTest {

    @RegisterExtension
    final LogCapture log = LogCapture.of(MediaSessionGuard.class, Level.INFO);

    /**
     * An application session holding {@code call}, as the container passes it to its listeners. Made here because
     * the container cannot be made to end a session after the application's CDI stopped on demand.
     */
    private static SipApplicationSession sessionOf(MediaCall call) {
        return (SipApplicationSession) Proxy.newProxyInstance(MediaSessionGuardTest.class.getClassLoader(),
                new Class<?>[] {SipApplicationSession.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "isValid" -> true;
                    case "getId" -> "as-" + call.callId();
                    case "getAttribute" -> MediaCall.ATTRIBUTE.equals(args[0]) ? call : null;
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    default -> null;
                });
    }

    @Test
    @DisplayName("with CDI gone, ending or expiring sessions with media throws nothing and says so once, not once per session")
    void afterCdiStopped() {
        assertTrue(SipAnchorCdi.beanIfRunning(RtpEngineService.class).isEmpty(), "no application's CDI runs here");
        MediaSessionGuard guard = new MediaSessionGuard();

        for (int i = 1; i <= 12; i++) {
            SipApplicationSession session = sessionOf(new MediaCall("stopped-" + i, "default"));
            assertDoesNotThrow(() -> guard.sessionReadyToInvalidate(new SipApplicationSessionEvent(session)));
            assertDoesNotThrow(() -> guard.sessionDestroyed(new SipApplicationSessionEvent(session)));
        }
        assertDoesNotThrow(() -> guard.sessionExpired(new SipApplicationSessionEvent(sessionOf(new MediaCall("expired", "default")))));

        assertEquals(1, log.messages().size(), String.join("\n", log.messages()));
        assertTrue(log.messages().get(0).startsWith("call-id=stopped-1 session ready to invalidate after the application"
                + " stopped: no media released"), log.messages().get(0));
    }
}
