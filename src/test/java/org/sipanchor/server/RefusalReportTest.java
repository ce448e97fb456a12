package org.sipanchor.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.sipanchor.net.ReportInterval;
import org.sipanchor.testing.LogCapture;

@DisplayName("The log of admission refusals counts every refusal of an overload, however short")
class RefusalReportTest {

    @RegisterExtension
    final LogCapture log = LogCapture.of(AdmissionValve.class, Level.WARNING);

    private final AtomicLong clock = new AtomicLong();
    private final List<Runnable> deferred = new ArrayList<>();
    private final RefusalReport report = new RefusalReport("before parsing",
            new ReportInterval(clock::get, (task, delay) -> deferred.add(task)));

    @Test
    @DisplayName("the first refusal is logged at once, the rest of a short overload when its ten seconds end")
    void logsTheRestOfAShortOverload() {
        report.refused("call-1", 301, 200);
        assertEquals(1, log.messages().size());
        assertTrue(log.messages().get(0).startsWith("overloaded: 1 new INVITEs refused with 503 before parsing"),
                log.messages().get(0));

        for (int i = 2; i <= 1_000; i++) {
            report.refused("call-" + i, 350, 200);
        }
        assertEquals(1, log.messages().size(), "one line per ten seconds, not one per refusal");

        clock.addAndGet(ReportInterval.INTERVAL_NANOS);
        deferred.forEach(Runnable::run);
        assertEquals(2, log.messages().size());
        String rest = log.messages().get(1);
        assertTrue(rest.startsWith("overloaded: 999 new INVITEs refused with 503 before parsing since the last report"
                + " (messages waiting 350 ms for a SIP thread, limit sip.admission.max_queue_delay_ms 200)"), rest);
        assertTrue(rest.endsWith("e.g. call-id=call-1000"), rest);
        assertEquals(1_000, report.count());
    }
}
