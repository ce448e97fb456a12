package org.sipanchor.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.sipanchor.media.MediaCall;

@DisplayName("The proxy's 2xx answers waiting for their ACK")
class UnacknowledgedAnswersTest {

    private final AtomicLong now = new AtomicLong();
    private final List<String> released = new ArrayList<>();
    private final UnacknowledgedAnswers answers = new UnacknowledgedAnswers(call -> released.add(call.callId()), now::get);

    @Test
    @DisplayName("a call whose 2xx goes unacknowledged for 64 x T1 (32 s) has its media released, once")
    void releasedAfterTheWait() {
        answers.answered(new MediaCall("no-ack", "rtp_passthrough"));
        now.addAndGet(UnacknowledgedAnswers.WAIT_NANOS - 1);
        assertEquals(0, answers.sweep(), "31.99 s: the callee may still be retransmitting");
        now.addAndGet(1);
        assertEquals(1, answers.sweep());
        assertEquals(List.of("no-ack"), released);
        assertEquals(0, answers.awaited());
        now.addAndGet(TimeUnit.SECONDS.toNanos(10));
        assertEquals(0, answers.sweep(), "forgotten once released");
    }

    @Test
    @DisplayName("a call whose ACK came keeps its media, however long it lasts")
    void acknowledgedCallsAreKept() {
        answers.answered(new MediaCall("talking", "rtp_passthrough"));
        answers.answered(new MediaCall("no-ack", "rtp_passthrough"));
        answers.acknowledged("talking");
        now.addAndGet(TimeUnit.HOURS.toNanos(1));
        assertEquals(1, answers.sweep());
        assertEquals(List.of("no-ack"), released);
    }

    @Test
    @DisplayName("a forked call's later 2xx starts the wait again")
    void laterAnswerRestartsTheWait() {
        MediaCall call = new MediaCall("forked", "rtp_passthrough");
        answers.answered(call);
        answers.acknowledged("forked");
        now.addAndGet(TimeUnit.SECONDS.toNanos(20));
        answers.answered(call);
        now.addAndGet(TimeUnit.SECONDS.toNanos(20));
        assertEquals(0, answers.sweep(), "20 s after the second 2xx");
        answers.acknowledged("forked");
        now.addAndGet(UnacknowledgedAnswers.WAIT_NANOS);
        assertEquals(0, answers.sweep());
        assertEquals(List.of(), released);
    }
}
