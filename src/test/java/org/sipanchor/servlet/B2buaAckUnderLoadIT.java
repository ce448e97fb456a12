package org.sipanchor.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.sipanchor.testing.AnchoringServer;
import org.sipanchor.testing.AnchoringServer.Calls;
import org.sipanchor.testing.Sipp;

/**
 * Under a steady load of basic calls, every caller's ACK is matched to the 2xx the B2BUA relayed: the caller gets
 * its 200 OK exactly once, never again after it acknowledged it (a retransmitted 2xx would mean the B2BUA's UAS
 * side still waited for an ACK it had been given).
 *
 * <p>{@code -Dload.calls=750 -Dload.rate=50} runs the figures of the performance report (the SIPp traces stay in
 * {@code target/it-output/sipp}).
 */
@DisplayName("The bundled B2BUA under load")
class B2buaAckUnderLoadIT {

    private static final int CALLS = Integer.getInteger("load.calls", 300);
    private static final int RATE = Integer.getInteger("load.rate", 20);

    @RegisterExtension
    static final AnchoringServer b2bua = AnchoringServer.bundled().mode("b2bua");

    @Test
    @DisplayName("a few hundred calls at 20 calls/s: each caller receives its 200 OK once, none is retransmitted after the ACK")
    void noRetransmitted2xx() {
        Calls calls = b2bua.call(
                Sipp.scenario("uac-call.xml").service("bob").calls(CALLS).args("-r", Integer.toString(RATE), "-l", "100"),
                Sipp.scenario("uas-answer.xml").calls(CALLS), Duration.ofSeconds(60));

        Map<String, Long> oksPerCall = calls.caller().receivedResponses(200, "INVITE").stream()
                .collect(Collectors.groupingBy(ok -> ok.header("Call-ID").orElseThrow(), TreeMap::new, Collectors.counting()));
        Map<String, Long> repeated = oksPerCall.entrySet().stream().filter(call -> call.getValue() > 1)
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a, TreeMap::new));
        assertEquals(CALLS, oksPerCall.size(), "every call answered");
        assertEquals(Map.of(), repeated, "calls whose 200 OK reached the caller more than once");
    }
}
