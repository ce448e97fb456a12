package org.sipanchor.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.sipanchor.config.RtpEngineConfig;
import org.sipanchor.ng.NgCommand;
import org.sipanchor.ng.NgRequest;
import org.sipanchor.testing.RtpEngineDaemon;

@DisplayName("EnginePool affinity: every later command of a call reaches the daemon that took its offer")
class EnginePoolAffinityTest {

    private static final Duration TIMEOUT = Duration.ofMillis(500);
    private static final Duration INTERVAL = Duration.ofSeconds(1);
    /** Calls alive at once: 50 per daemon, 200 of its 500 RTP ports. */
    private static final int BATCH = 100;

    @RegisterExtension
    static final RtpEngineDaemon A = RtpEngineDaemon.builder().build();
    @RegisterExtension
    static final RtpEngineDaemon B = RtpEngineDaemon.builder().build();

    private static RtpEngineConfig config() {
        return TestCalls.config(TIMEOUT, List.of(A, B), 1, 1);
    }

    private static int sessions(String instance) {
        return instance.equals(TestCalls.name(A)) ? A.sessionCount() : B.sessionCount();
    }

    @AfterEach
    void nothingLeft() {
        assertEquals(0, A.sessionCount(), "left on A");
        assertEquals(0, B.sessionCount(), "left on B");
    }

    @Test
    @DisplayName("1,000 calls: answer and delete (local table) reach the offering daemon; each daemon's count moves "
            + "only with its own calls and returns to zero")
    void thousandCallsByLocalTable() throws Exception {
        try (EnginePool pool = EnginePool.start(config(), INTERVAL, new PrometheusRegistry())) {
            for (int batch = 0; batch < 1000 / BATCH; batch++) {
                Map<String, String> anchor = new LinkedHashMap<>();
                Map<String, CompletableFuture<EngineReply>> offers = new LinkedHashMap<>();
                for (int i = 0; i < BATCH; i++) {
                    String id = "aff-" + batch + "-" + i;
                    offers.put(id, pool.offer(TestCalls.offer(id)));
                }
                for (var e : offers.entrySet()) {
                    anchor.put(e.getKey(), e.getValue().get().instance());
                }
                String a = TestCalls.name(A);
                long onA = anchor.values().stream().filter(a::equals).count();
                assertEquals(onA, A.sessionCount(), "A holds exactly the calls anchored on it");
                assertEquals(BATCH - onA, B.sessionCount(), "B holds exactly the calls anchored on it");

                Map<String, CompletableFuture<EngineReply>> answers = new LinkedHashMap<>();
                for (String id : anchor.keySet()) {
                    answers.put(id, pool.send(TestCalls.answer(id), Optional.empty()));
                }
                for (var e : answers.entrySet()) {
                    EngineReply r = e.getValue().get(); // an answer on the wrong daemon: "Unknown call-id"
                    assertEquals(anchor.get(e.getKey()), r.instance(), "answer of " + e.getKey());
                    assertTrue(r.reply().hasSdp());
                }
                assertEquals(onA, A.sessionCount(), "answers created nothing anywhere");
                assertEquals(BATCH - onA, B.sessionCount());

                Map<String, CompletableFuture<EngineReply>> deletes = new LinkedHashMap<>();
                for (String id : anchor.keySet()) {
                    deletes.put(id, pool.send(TestCalls.delete(id), Optional.empty()));
                }
                for (var e : deletes.entrySet()) {
                    EngineReply r = e.getValue().get();
                    assertEquals(anchor.get(e.getKey()), r.instance(), "delete of " + e.getKey());
                    assertTrue(r.reply().warning().isEmpty(), "the call was there: " + r.reply());
                }
                assertEquals(0, A.sessionCount());
                assertEquals(0, B.sessionCount());
            }
            assertEquals(0, pool.anchoredCalls());
        }
    }

    @Test
    @DisplayName("another node (fresh pool, empty table) with the anchor kept in the SIP session reaches the daemon")
    void anchorFromTheSession() throws Exception {
        Map<String, String> session = new LinkedHashMap<>(); // what the SIP application session would carry
        try (EnginePool first = EnginePool.start(config(), INTERVAL, new PrometheusRegistry())) {
            for (int i = 0; i < 20; i++) {
                session.put("node-" + i, first.offer(TestCalls.offer("node-" + i)).get().instance());
            }
        }
        try (EnginePool second = EnginePool.start(config(), INTERVAL, new PrometheusRegistry())) {
            for (var e : session.entrySet()) {
                int before = sessions(e.getValue());
                assertEquals(e.getValue(), second.send(TestCalls.answer(e.getKey()), Optional.of(e.getValue())).get()
                        .instance());
                assertEquals(before, sessions(e.getValue()));
            }
            for (var e : session.entrySet()) {
                assertEquals(e.getValue(), second.send(TestCalls.delete(e.getKey()), Optional.of(e.getValue())).get()
                        .instance());
            }
        }
    }

    @Test
    @DisplayName("lost table and no anchor (a restart): delete asks every daemon and still releases the session")
    void deleteAfterRestart() throws Exception {
        Map<String, String> where = new LinkedHashMap<>();
        try (EnginePool before = EnginePool.start(config(), INTERVAL, new PrometheusRegistry())) {
            for (int i = 0; i < 20; i++) {
                where.put("lost-" + i, before.offer(TestCalls.offer("lost-" + i)).get().instance());
            }
        }
        assertEquals(20, A.sessionCount() + B.sessionCount());
        try (EnginePool after = EnginePool.start(config(), INTERVAL, new PrometheusRegistry())) {
            List<CompletableFuture<EngineReply>> deletes = new ArrayList<>();
            for (String id : where.keySet()) {
                deletes.add(after.send(TestCalls.delete(id), Optional.empty()));
            }
            int i = 0;
            for (String id : where.keySet()) {
                EngineReply r = deletes.get(i++).get();
                assertEquals(where.get(id), r.instance(), "the reply of the daemon that had " + id);
                assertTrue(r.reply().warning().isEmpty(), r.reply().toString());
            }
            EngineReply nobody = after.send(TestCalls.delete("never-existed"), Optional.empty()).get();
            assertTrue(nobody.reply().warning().isPresent(), "ok with a warning when nobody had the call");
        }
    }

    @Test
    @DisplayName("lost table and no anchor: query finds the call, an answer locates it first, an unknown call is typed")
    void locateUnknownCall() throws Exception {
        String id = "locate-1";
        String where;
        try (EnginePool before = EnginePool.start(config(), INTERVAL, new PrometheusRegistry())) {
            before.offer(TestCalls.offer("locate-0")).get(); // so that the call of interest lands on B
            where = before.offer(TestCalls.offer(id)).get().instance();
            before.send(TestCalls.delete("locate-0"), Optional.empty()).get();
        }
        assertEquals(TestCalls.name(B), where);
        try (EnginePool after = EnginePool.start(config(), INTERVAL, new PrometheusRegistry())) {
            EngineReply queried = after.send(NgRequest.query(id), Optional.empty()).get();
            assertEquals(where, queried.instance());
            assertTrue(queried.reply().tags().containsKey("from-" + id), queried.reply().toString());
        }
        try (EnginePool after = EnginePool.start(config(), INTERVAL, new PrometheusRegistry())) {
            assertEquals(where, after.send(TestCalls.answer(id), Optional.empty()).get().instance());
            assertEquals(1, B.sessionCount());
            ExecutionException e = assertThrows(ExecutionException.class,
                    () -> after.send(TestCalls.answer("nobody-has-it"), Optional.empty()).get());
            UnknownCallException unknown = assertInstanceOf(UnknownCallException.class, e.getCause());
            assertEquals(Optional.of("nobody-has-it"), unknown.callId());
            assertEquals(NgCommand.QUERY, unknown.command());
            assertEquals(2, unknown.instancesAsked().size());
            assertEquals(where, after.send(TestCalls.delete(id), Optional.of("127.0.0.1:1")).get().instance(),
                    "an anchor that is not configured falls back to the table");
        }
    }

    @Test
    @DisplayName("a second offer for a call the table knows (re-INVITE) goes to the same daemon")
    void reofferStaysOnItsDaemon() throws Exception {
        try (EnginePool pool = EnginePool.start(config(), INTERVAL, new PrometheusRegistry())) {
            String first = pool.offer(TestCalls.offer("reinvite")).get().instance();
            for (int i = 0; i < 5; i++) {
                assertEquals(first, pool.offer(TestCalls.offer("reinvite")).get().instance());
            }
            assertEquals(1, A.sessionCount() + B.sessionCount());
            pool.send(TestCalls.delete("reinvite"), Optional.empty()).get();
        }
    }
}
