package org.sipanchor.ng;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.sipanchor.testing.Await;

/** The UDP client against a scripted peer that misbehaves in the ways networks and daemons do. */
@DisplayName("NgClient over UDP, against a scripted faulty peer")
class NgClientUdpFaultTest {

    private static final String SDP = "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\n"
            + "m=audio 4000 RTP/AVP 0\r\n";
    private static final Map<String, Object> OK = Map.of("result", "ok", "sdp", "v=0\r\n");

    private final List<AutoCloseable> toClose = new ArrayList<>();
    private final RecordingListener listener = new RecordingListener();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : toClose) {
            c.close();
        }
    }

    private ScriptedUdpPeer peer(ScriptedUdpPeer.Script script) throws Exception {
        ScriptedUdpPeer p = new ScriptedUdpPeer(script);
        toClose.add(p);
        return p;
    }

    private NgClient client(ScriptedUdpPeer peer, Duration timeout) {
        return client(peer, timeout, 256);
    }

    private NgClient client(ScriptedUdpPeer peer, Duration timeout, int maxInFlight) {
        NgClient c = NgClient.builder().address(peer.address()).timeout(timeout).maxInFlight(maxInFlight)
                .listener(listener).build();
        toClose.add(c);
        return c;
    }

    private static NgRequest offer(String callId) {
        return NgRequest.builder(NgCommand.OFFER).callId(callId).fromTag("from-" + callId).sdp(SDP).build();
    }

    private static Throwable cause(CompletableFuture<?> f) {
        ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(5, TimeUnit.SECONDS));
        return e.getCause();
    }

    @Test
    void the_call_succeeds_through_retransmission_when_the_first_replies_are_lost() throws Exception {
        ScriptedUdpPeer peer = peer((r, p) -> {
            if (r.seen() > 2) {
                p.reply(r, OK);
            }
        });
        NgClient client = client(peer, Duration.ofSeconds(1));

        NgReply reply = client.execute(offer("lossy"));

        assertEquals(NgReply.Result.OK, reply.result());
        List<ScriptedUdpPeer.Request> got = peer.received();
        assertEquals(3, got.size());
        // Same datagram, same cookie: RTPEngine recognises it and answers from its reply cache.
        assertArrayEquals(got.get(0).raw(), got.get(1).raw());
        assertArrayEquals(got.get(0).raw(), got.get(2).raw());
        assertEquals(2, listener.retransmits.get());
        assertEquals(1, listener.sent.get());
    }

    @Test
    void duplicated_replies_complete_the_request_once_and_the_copies_are_counted_as_duplicates() throws Exception {
        ScriptedUdpPeer peer = peer((r, p) -> {
            for (int i = 0; i < 3; i++) {
                p.reply(r, Map.of("result", "ok", "copy", i));
            }
        });
        NgClient client = client(peer, Duration.ofSeconds(1));

        NgReply reply = client.execute(offer("dup"));

        assertEquals(0L, reply.integer("copy").orElseThrow(), "the first copy wins");
        Await.count("duplicates", 2,
                () -> listener.strays(NgClientListener.StrayReason.DUPLICATE));
        assertEquals(1, listener.replies.get());
        assertEquals(0, client.inFlight());
    }

    @Test
    void a_reply_from_another_address_is_dropped_and_counted_and_the_right_one_still_counts() throws Exception {
        ScriptedUdpPeer peer = peer((r, p) -> {
            if (r.seen() == 1) {
                p.replyFromOtherAddress(r, Map.of("result", "ok", "from", "impostor"));
            } else {
                p.reply(r, Map.of("result", "ok", "from", "peer"));
            }
        });
        NgClient client = client(peer, Duration.ofSeconds(1));

        NgReply reply = client.execute(offer("spoof"));

        assertEquals("peer", reply.string("from").orElseThrow());
        assertEquals(1, listener.strays(NgClientListener.StrayReason.WRONG_ADDRESS));
    }

    @Test
    void replies_only_from_another_address_end_in_a_timeout() throws Exception {
        ScriptedUdpPeer peer = peer((r, p) -> p.replyFromOtherAddress(r, OK));
        NgClient client = client(peer, Duration.ofMillis(300));

        assertThrows(NgTimeoutException.class, () -> client.execute(offer("spoof-only")));
        assertTrue(listener.strays(NgClientListener.StrayReason.WRONG_ADDRESS) >= 1);
    }

    @Test
    void a_reply_with_a_wrong_cookie_is_dropped_and_counted() throws Exception {
        ScriptedUdpPeer peer = peer((r, p) -> {
            p.sendRaw(r, ScriptedUdpPeer.message(r.cookie() + "x", Map.of("result", "ok", "which", "wrong")));
            p.sendRaw(r, ScriptedUdpPeer.message("5323_1", Map.of("result", "ok", "which", "foreign")));
            p.reply(r, Map.of("result", "ok", "which", "right"));
        });
        NgClient client = client(peer, Duration.ofSeconds(1));

        NgReply reply = client.execute(offer("cookie"));

        assertEquals("right", reply.string("which").orElseThrow());
        Await.count("unknown cookies", 2,
                () -> listener.strays(NgClientListener.StrayReason.UNKNOWN_COOKIE));
    }

    @Test
    void garbage_without_a_cookie_is_dropped_and_counted_as_malformed() throws Exception {
        ScriptedUdpPeer peer = peer((r, p) -> {
            p.sendRaw(r, "garbage-without-any-space".getBytes(ISO_8859_1));
            p.sendRaw(r, new byte[] {' ', 'd', 'e'});
            p.sendRaw(r, new byte[0]);
            p.reply(r, OK);
        });
        NgClient client = client(peer, Duration.ofSeconds(1));

        assertEquals(NgReply.Result.OK, client.execute(offer("garbage")).result());
        Await.count("malformed", 3, () -> listener.strays(NgClientListener.StrayReason.MALFORMED));
    }

    @Test
    void a_truncated_dictionary_with_the_right_cookie_fails_at_once_with_a_protocol_error() throws Exception {
        ScriptedUdpPeer peer = peer((r, p) -> p.sendRaw(r, (r.cookie() + " d6:result2:ok3:sdp20:v=0").getBytes(ISO_8859_1)));
        NgClient client = client(peer, Duration.ofSeconds(5));

        long start = System.nanoTime();
        NgProtocolException e = assertThrows(NgProtocolException.class, () -> client.execute(offer("trunc")));
        long elapsedMillis = (System.nanoTime() - start) / 1_000_000;

        assertTrue(elapsedMillis < 2000, "a malformed reply must not wait for the 5 s timeout: " + elapsedMillis);
        assertInstanceOf(BencodeException.class, e.getCause());
        assertEquals(BencodeException.Kind.TRUNCATED, ((BencodeException) e.getCause()).kind());
        assertEquals(1, listener.protocolErrors.get());
        assertEquals(1, peer.received().size(), "no retransmission after a reply matched");
    }

    @Test
    void a_reply_without_a_known_result_is_a_protocol_error() throws Exception {
        ScriptedUdpPeer peer = peer((r, p) -> p.reply(r, Map.of("result", "maybe")));
        NgClient client = client(peer, Duration.ofSeconds(1));

        NgProtocolException e = assertThrows(NgProtocolException.class, () -> client.execute(offer("maybe")));
        assertTrue(e.getMessage().contains("unknown reply result 'maybe'"), e.getMessage());
    }

    @Test
    void a_60_kilobyte_reply_is_received_whole_and_its_sdp_is_byte_exact() throws Exception {
        byte[] big = new byte[60 * 1024];
        new Random(7).nextBytes(big);
        ScriptedUdpPeer peer = peer((r, p) -> p.reply(r, Map.of("result", "ok", "sdp", big)));
        NgClient client = client(peer, Duration.ofSeconds(1));

        NgReply reply = client.execute(offer("big"));

        assertArrayEquals(big, reply.sdp());
    }

    @Test
    void no_reply_at_all_ends_in_a_typed_timeout_within_the_timeout_plus_a_small_margin() throws Exception {
        ScriptedUdpPeer peer = peer((r, p) -> { });
        NgClient client = client(peer, Duration.ofMillis(1000));

        long start = System.nanoTime();
        NgTimeoutException e = assertThrows(NgTimeoutException.class, () -> client.execute(offer("silence")));
        long elapsedMillis = (System.nanoTime() - start) / 1_000_000;

        assertTrue(elapsedMillis >= 990, "not before the timeout: " + elapsedMillis);
        assertTrue(elapsedMillis < 1500, "within timeout + 500 ms: " + elapsedMillis);
        // 0, 50, 150, 250 ... 950 ms, each up to one timer tick late
        assertTrue(e.transmissions() >= 9 && e.transmissions() <= 11, "transmissions: " + e.transmissions());
        assertEquals(e.transmissions(), peer.received().size());
        assertEquals(e.transmissions() - 1, listener.retransmits.get());
        assertEquals(1, listener.timeouts.get());
        assertEquals(Duration.ofMillis(1000), e.timeout());
        assertEquals(0, client.inFlight());
    }

    @Test
    void exceptions_name_the_instance_the_command_and_the_call_id() throws Exception {
        ScriptedUdpPeer peer = peer((r, p) -> { });
        NgClient client = client(peer, Duration.ofMillis(200));

        NgTimeoutException e = assertThrows(NgTimeoutException.class, () -> client.execute(offer("call-42@host")));

        assertEquals(peer.address(), e.instance());
        assertEquals(NgCommand.OFFER, e.command());
        assertEquals("call-42@host", e.callId().orElseThrow());
        String port = String.valueOf(peer.address().getPort());
        assertTrue(e.getMessage().contains(port) && e.getMessage().contains("'offer'")
                && e.getMessage().contains("call-42@host") && e.getMessage().contains("200 ms"), e.getMessage());
    }

    @Test
    void error_replies_fail_with_the_reason_and_capacity_refusals_are_recognisable() throws Exception {
        ScriptedUdpPeer peer = peer((r, p) -> {
            switch (r.callId()) {
                case "unknown" -> p.reply(r, Map.of("result", "error", "error-reason", "Unknown call-id"));
                case "ports" -> p.reply(r, Map.of("result", "error", "error-reason", "Ran out of ports"));
                case "sessions" -> p.reply(r, Map.of("result", "error", "error-reason", "Parallel session limit reached"));
                case "limit" -> p.reply(r, Map.of("result", "load limit", "message", "CPU usage limit exceeded"));
                default -> p.reply(r, Map.of("result", "ok", "warning", "Call-ID not found or tags didn't match"));
            }
        });
        NgClient client = client(peer, Duration.ofSeconds(1));

        NgErrorException unknown = assertThrows(NgErrorException.class, () -> client.execute(offer("unknown")));
        assertEquals("Unknown call-id", unknown.reason());
        assertFalse(unknown.isCapacityRefusal());
        assertTrue(unknown.getMessage().contains("Unknown call-id"), unknown.getMessage());

        assertTrue(assertThrows(NgErrorException.class, () -> client.execute(offer("ports"))).isCapacityRefusal());
        assertTrue(assertThrows(NgErrorException.class, () -> client.execute(offer("sessions"))).isCapacityRefusal());

        NgLoadLimitException limit = assertThrows(NgLoadLimitException.class, () -> client.execute(offer("limit")));
        assertTrue(limit.isCapacityRefusal());
        assertEquals("CPU usage limit exceeded", limit.reason());
        assertEquals(NgReply.Result.LOAD_LIMIT, limit.reply().result());

        NgReply warned = client.execute(NgRequest.delete("gone", "tag"));
        assertEquals(NgReply.Result.OK, warned.result());
        assertEquals("Call-ID not found or tags didn't match", warned.warning().orElseThrow());

        assertEquals(List.of(NgReply.Result.ERROR, NgReply.Result.ERROR, NgReply.Result.ERROR,
                NgReply.Result.LOAD_LIMIT, NgReply.Result.OK), listener.results);
    }

    @Test
    void ping_gets_pong() throws Exception {
        ScriptedUdpPeer peer = peer((r, p) -> p.reply(r, Map.of("result", "pong")));
        NgClient client = client(peer, Duration.ofSeconds(1));

        assertEquals(NgReply.Result.PONG, client.execute(NgRequest.ping()).result());
        assertEquals("ping", peer.received().get(0).command());
        assertEquals(List.of("load limit"), ((List<?>) peer.received().get(0).dict().get("supports")).stream()
                .map(o -> new String((byte[]) o, ISO_8859_1)).toList());
    }

    @Test
    void the_number_of_requests_in_flight_is_bounded_and_the_excess_fails_at_once() throws Exception {
        Semaphore answer = new Semaphore(0);
        ScriptedUdpPeer peer = peer((r, p) -> {
            if (answer.tryAcquire()) {
                p.reply(r, OK);
            }
        });
        NgClient client = client(peer, Duration.ofMillis(400), 3);

        List<CompletableFuture<NgReply>> held = List.of(client.send(offer("a")), client.send(offer("b")),
                client.send(offer("c")));
        CompletableFuture<NgReply> excess = client.send(offer("d"));

        assertTrue(excess.isCompletedExceptionally(), "the excess must fail without waiting");
        NgOverloadException e = assertInstanceOf(NgOverloadException.class, cause(excess));
        assertEquals(3, e.maxInFlight());
        assertEquals("d", e.callId().orElseThrow());
        assertEquals(3, client.inFlight());
        for (CompletableFuture<NgReply> f : held) {
            assertInstanceOf(NgTimeoutException.class, cause(f));
        }
        assertEquals(0, client.inFlight(), "timeouts give the capacity back");
        answer.release(100);
        assertEquals(NgReply.Result.OK, client.execute(offer("e")).result());
    }

    @Test
    void close_fails_requests_in_flight_and_later_requests_with_a_typed_exception() throws Exception {
        ScriptedUdpPeer peer = peer((r, p) -> { });
        NgClient client = client(peer, Duration.ofSeconds(10));
        CompletableFuture<NgReply> inFlight = client.send(offer("open"));

        client.close();

        assertInstanceOf(NgClosedException.class, cause(inFlight));
        assertInstanceOf(NgClosedException.class, cause(client.send(offer("late"))));
        assertThrows(NgClosedException.class, () -> client.execute(NgRequest.ping()));
        assertEquals(0, client.inFlight());
    }

    @Test
    void an_interrupted_blocking_call_ends_with_a_typed_exception_and_keeps_the_interrupt() throws Exception {
        ScriptedUdpPeer peer = peer((r, p) -> { });
        NgClient client = client(peer, Duration.ofSeconds(10));
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        AtomicReference<Boolean> stillInterrupted = new AtomicReference<>();
        Thread caller = new Thread(() -> {
            try {
                client.execute(offer("interrupted"));
            } catch (NgException e) {
                thrown.set(e);
                stillInterrupted.set(Thread.currentThread().isInterrupted());
            }
        });
        caller.start();
        Await.count("sent", 1, listener.sent::get);

        caller.interrupt();
        caller.join(5000);

        assertInstanceOf(NgInterruptedException.class, thrown.get());
        assertEquals(Boolean.TRUE, stillInterrupted.get());
        assertEquals(0, client.inFlight(), "the abandoned request no longer counts");
    }

    @Test
    void a_caller_whose_interrupt_flag_is_set_does_not_cut_the_client_off_its_instance() throws Exception {
        ScriptedUdpPeer peer = peer((r, p) -> p.reply(r, OK));
        NgClient client = client(peer, Duration.ofSeconds(1));
        AtomicReference<CompletableFuture<NgReply>> interrupted = new AtomicReference<>();
        Thread caller = new Thread(() -> {
            Thread.currentThread().interrupt(); // a SIP thread a container interrupted, say; the send is its own
            interrupted.set(client.send(offer("interrupted-caller")));
        });
        caller.start();
        caller.join(5000);

        assertEquals(NgReply.Result.OK, interrupted.get().get(5, TimeUnit.SECONDS).result(),
                "its own request left and was answered");
        assertEquals(NgReply.Result.OK, client.execute(offer("next-caller")).result(), "the socket is still open");
    }

    @Test
    void a_request_too_large_for_a_datagram_is_refused_locally_without_being_sent() throws Exception {
        ScriptedUdpPeer peer = peer((r, p) -> p.reply(r, OK));
        NgClient client = client(peer, Duration.ofSeconds(1));
        NgRequest huge = NgRequest.builder(NgCommand.OFFER).callId("huge").fromTag("f")
                .sdp(new byte[70_000]).build();

        NgRefusedException e = assertThrows(NgRefusedException.class, () -> client.execute(huge));
        CompletableFuture<NgReply> async = client.send(huge);

        assertEquals(NgRefusedException.Kind.TOO_LARGE, e.kind());
        assertTrue(e.kind().sameOnEveryInstance(), "no other instance would take it either");
        assertTrue(e.getMessage().contains("use TCP"), e.getMessage());
        assertEquals("huge", e.callId().orElseThrow());
        assertTrue(async.isCompletedExceptionally(), "the asynchronous form fails before send() returns");
        assertEquals(NgRefusedException.Kind.TOO_LARGE, assertInstanceOf(NgRefusedException.class, cause(async))
                .kind());
        assertTrue(peer.received().isEmpty());
        assertEquals(0, client.inFlight());
        assertEquals(NgReply.Result.OK, client.execute(offer("normal")).result(), "and the client goes on");
    }

    @Test
    void the_in_flight_bound_and_close_are_refusals_of_their_own_kind() throws Exception {
        ScriptedUdpPeer peer = peer((r, p) -> { });
        NgClient client = client(peer, Duration.ofMillis(400), 1);
        CompletableFuture<NgReply> held = client.send(offer("held"));

        NgRefusedException bound = assertInstanceOf(NgRefusedException.class, cause(client.send(offer("excess"))));
        client.close();
        NgRefusedException closed = assertInstanceOf(NgRefusedException.class, cause(held));

        assertEquals(NgRefusedException.Kind.IN_FLIGHT_LIMIT, bound.kind());
        assertFalse(bound.kind().sameOnEveryInstance(), "another instance's client may have room");
        assertEquals(NgRefusedException.Kind.CLOSED, closed.kind());
    }

    @Test
    void a_non_positive_timeout_fails_the_future_as_an_invalid_request_instead_of_throwing() throws Exception {
        ScriptedUdpPeer peer = peer((r, p) -> p.reply(r, OK));
        NgClient client = client(peer, Duration.ofSeconds(1));

        CompletableFuture<NgReply> f = client.send(offer("zero"), Duration.ZERO);

        NgRefusedException e = assertInstanceOf(NgRefusedException.class, cause(f));
        assertEquals(NgRefusedException.Kind.INVALID, e.kind());
        assertTrue(peer.received().isEmpty());
        assertEquals(0, client.inFlight());
    }

    @Test
    void a_listener_that_throws_does_not_disturb_the_client() throws Exception {
        ScriptedUdpPeer peer = peer((r, p) -> {
            p.reply(r, OK);
            p.reply(r, OK);
        });
        NgClient client = NgClient.builder().address(peer.address()).listener(new NgClientListener() {
            @Override
            public void onReply(NgCommand command, NgReply.Result result, long latencyNanos) {
                throw new IllegalStateException("broken metrics");
            }

            @Override
            public void onStrayReply(StrayReason reason) {
                throw new IllegalStateException("broken metrics");
            }
        }).build();
        toClose.add(client);

        for (int i = 0; i < 5; i++) {
            assertEquals(NgReply.Result.OK, client.execute(offer("l" + i)).result());
        }
    }

    @Test
    void completions_run_on_the_io_thread_by_default_and_on_the_callback_executor_when_one_is_set() throws Exception {
        // Reply a little later, so that the stages below are attached before completion (else they run in place).
        ScriptedUdpPeer peer = peer((r, p) -> {
            Thread.sleep(100);
            p.reply(r, OK);
        });
        NgClient direct = client(peer, Duration.ofSeconds(1));
        ExecutorService callbacks = Executors.newSingleThreadExecutor(r -> new Thread(r, "app-callbacks"));
        toClose.add(callbacks::shutdownNow);
        NgClient handedOff = NgClient.builder().address(peer.address()).callbackExecutor(callbacks).build();
        toClose.add(handedOff);
        AtomicReference<String> thread = new AtomicReference<>();

        direct.send(offer("direct")).thenAccept(r -> thread.set(Thread.currentThread().getName()))
                .get(5, TimeUnit.SECONDS);
        assertTrue(thread.get().startsWith("ng-udp-rx-"), thread.get());

        handedOff.send(offer("executor")).thenAccept(r -> thread.set(Thread.currentThread().getName()))
                .get(5, TimeUnit.SECONDS);
        assertEquals("app-callbacks", thread.get());
    }

    @Test
    void execute_inside_a_callback_on_the_io_thread_is_refused_instead_of_stalling_the_client() throws Exception {
        ScriptedUdpPeer peer = peer((r, p) -> {
            Thread.sleep(100); // so that the stage below is attached before the reply completes the future
            p.reply(r, OK);
        });
        NgClient client = client(peer, Duration.ofSeconds(1));

        CompletableFuture<NgReply> nested = client.send(offer("outer")).thenApply(r -> {
            try {
                return client.execute(offer("inner"));
            } catch (NgException e) {
                throw new CompletionException(e);
            }
        });

        Throwable e = cause(nested);
        assertInstanceOf(IllegalStateException.class, e);
        assertTrue(e.getMessage().contains("use send()"), e.getMessage());
        assertEquals(NgReply.Result.OK, client.execute(offer("after")).result(), "the client is unharmed");
    }

    @Test
    void many_concurrent_requests_answered_out_of_order_each_get_their_own_reply() throws Exception {
        ScheduledExecutorService delayer = Executors.newScheduledThreadPool(2);
        toClose.add(delayer::shutdownNow);
        Random random = new Random(11);
        ScriptedUdpPeer peer = peer((r, p) -> {
            long delay = random.nextInt(20);
            delayer.schedule(() -> {
                p.reply(r, Map.of("result", "ok", "echo", r.callId()));
                return null;
            }, delay, TimeUnit.MILLISECONDS);
        });
        NgClient client = client(peer, Duration.ofSeconds(5), 64);
        Semaphore window = new Semaphore(64);
        List<CompletableFuture<Void>> checks = new ArrayList<>();

        for (int i = 0; i < 2000; i++) {
            window.acquire();
            String callId = "c" + i;
            checks.add(client.send(offer(callId)).thenAccept(reply -> {
                if (!callId.equals(reply.string("echo").orElse(null))) {
                    throw new AssertionError(callId + " got the reply of " + reply.string("echo"));
                }
            }).whenComplete((v, e) -> window.release()));
        }

        CompletableFuture.allOf(checks.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        assertEquals(0, listener.strays(NgClientListener.StrayReason.UNKNOWN_COOKIE));
        assertEquals(0, listener.strays(NgClientListener.StrayReason.WRONG_ADDRESS));
        assertEquals(0, listener.strays(NgClientListener.StrayReason.MALFORMED));
        // A reply slower than the retransmission interval is answered twice; the copy is a counted duplicate.
        assertTrue(listener.strays(NgClientListener.StrayReason.DUPLICATE) <= listener.retransmits.get());
        assertEquals(2000, listener.replies.get());
        Set<String> cookies = new HashSet<>();
        peer.received().forEach(r -> cookies.add(r.cookie()));
        assertEquals(2000, cookies.size(), "one cookie per request");
    }

    @Test
    void distinct_requests_use_distinct_cookies_that_share_the_clients_random_prefix() throws Exception {
        ScriptedUdpPeer peer = peer((r, p) -> p.reply(r, OK));
        NgClient client = client(peer, Duration.ofSeconds(1));

        client.execute(offer("x1"));
        client.execute(offer("x2"));

        String c1 = peer.received().get(0).cookie();
        String c2 = peer.received().get(1).cookie();
        assertNotEquals(c1, c2);
        assertEquals(c1.substring(0, c1.indexOf('.')), c2.substring(0, c2.indexOf('.')));
        assertTrue(c1.indexOf('.') >= 22, "at least 128 random bits in base64: " + c1);
    }

    @Test
    void the_blocking_api_throws_the_typed_exception_itself_not_a_wrapper() throws Exception {
        ScriptedUdpPeer peer = peer((r, p) -> p.reply(r, Map.of("result", "error", "error-reason", "nope")));
        NgClient client = client(peer, Duration.ofSeconds(1));

        NgErrorException e = assertThrows(NgErrorException.class, () -> client.execute(offer("typed")));
        assertEquals("nope", e.reason());

        CompletionException wrapped = assertThrows(CompletionException.class, () -> client.send(offer("t2")).join());
        assertInstanceOf(NgErrorException.class, wrapped.getCause());
    }
}
