package org.sipanchor.ng;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.sipanchor.testing.Await;

/** The TCP client against a scripted peer: stream framing, pushed notifications, dropped connections. */
@DisplayName("NgClient over TCP, against a scripted peer")
class NgClientTcpFaultTest {

    private static final String SDP = "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\n"
            + "m=audio 4000 RTP/AVP 0\r\n";

    private final List<AutoCloseable> toClose = new ArrayList<>();
    private final RecordingListener listener = new RecordingListener();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : toClose) {
            c.close();
        }
    }

    private ScriptedTcpPeer peer(ScriptedTcpPeer.Script script) throws Exception {
        ScriptedTcpPeer p = new ScriptedTcpPeer(script);
        toClose.add(p);
        return p;
    }

    private NgClient client(InetSocketAddress address, Duration timeout) {
        NgClient c = NgClient.builder().address(address).transport(NgTransportKind.TCP).timeout(timeout)
                .listener(listener).build();
        toClose.add(c);
        return c;
    }

    private static NgRequest offer(String callId) {
        return NgRequest.builder(NgCommand.OFFER).callId(callId).fromTag("f").sdp(SDP).build();
    }

    @Test
    void replies_written_together_in_one_segment_are_split_and_matched() throws Exception {
        List<ScriptedUdpPeer.Request> batch = new ArrayList<>();
        ScriptedTcpPeer peer = peer((r, c) -> {
            synchronized (batch) {
                batch.add(r);
                if (batch.size() == 5) {
                    ByteArrayOutputStream all = new ByteArrayOutputStream();
                    for (ScriptedUdpPeer.Request q : batch) {
                        all.writeBytes(ScriptedUdpPeer.message(q.cookie(), Map.of("result", "ok", "echo", q.callId())));
                    }
                    c.write(all.toByteArray());
                }
            }
        });
        NgClient client = client(peer.address(), Duration.ofSeconds(2));

        List<CompletableFuture<NgReply>> futures = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            futures.add(client.send(offer("c" + i)));
        }

        for (int i = 0; i < 5; i++) {
            assertEquals("c" + i, futures.get(i).get(5, TimeUnit.SECONDS).string("echo").orElseThrow());
        }
        assertEquals(1, peer.connections());
        // Sent while the first connection was being made: each still goes out exactly once.
        assertEquals(List.of("c0", "c1", "c2", "c3", "c4"),
                peer.received().stream().map(ScriptedUdpPeer.Request::callId).sorted().toList());
    }

    @Test
    void a_reply_arriving_a_few_bytes_at_a_time_is_reassembled() throws Exception {
        byte[] sdp = new byte[3000];
        new Random(3).nextBytes(sdp);
        ScriptedTcpPeer peer = peer((r, c) -> c.writeInPieces(
                ScriptedUdpPeer.message(r.cookie(), Map.of("result", "ok", "sdp", sdp)), 7));
        NgClient client = client(peer.address(), Duration.ofSeconds(5));

        assertArrayEquals(sdp, client.execute(offer("slow")).sdp());
    }

    @Test
    void large_requests_and_replies_beyond_a_datagram_travel_over_tcp() throws Exception {
        byte[] big = new byte[200_000];
        new Random(5).nextBytes(big);
        ScriptedTcpPeer peer = peer((r, c) -> c.reply(r, Map.of("result", "ok", "sdp", r.dict().get("sdp"))));
        NgClient client = client(peer.address(), Duration.ofSeconds(5));

        NgReply reply = client.execute(NgRequest.builder(NgCommand.OFFER).callId("big").fromTag("f").sdp(big).build());

        assertArrayEquals(big, reply.sdp());
    }

    @Test
    void a_dtmf_notification_pushed_by_rtpengine_reaches_the_listener_and_is_not_a_stray() throws Exception {
        ScriptedTcpPeer peer = peer((r, c) -> {
            c.write(ScriptedUdpPeer.message("4f2a9c0d1e3b5a67", Map.of("notify", "onDTMF", "data",
                    Map.of("callid", "call-1", "source_tag", "tag-a", "type", "DTMF", "event", 5, "duration", 120))));
            c.reply(r, Map.of("result", "ok"));
        });
        NgClient client = client(peer.address(), Duration.ofSeconds(2));

        client.execute(offer("dtmf"));

        Await.count("notifications", 1, listener.notifications::size);
        NgNotification n = listener.notifications.get(0);
        assertEquals("onDTMF", n.name());
        assertEquals("call-1", n.string("callid").orElseThrow());
        assertEquals(5L, n.integer("event").orElseThrow());
        assertEquals(0, listener.allStrays());
    }

    @Test
    void when_the_connection_drops_the_client_reconnects_and_resends_the_same_bytes() throws Exception {
        ScriptedTcpPeer peer = peer((r, c) -> {
            if (c.index == 1) {
                c.close(); // as rtpengine restarting, or closing on its 1024-byte partial-buffer rule
            } else {
                c.reply(r, Map.of("result", "ok"));
            }
        });
        NgClient client = client(peer.address(), Duration.ofSeconds(3));

        assertEquals(NgReply.Result.OK, client.execute(offer("reconnect")).result());

        assertEquals(2, peer.connections());
        List<ScriptedUdpPeer.Request> got = peer.received();
        assertEquals(2, got.size());
        assertArrayEquals(got.get(0).raw(), got.get(1).raw(), "same cookie, so rtpengine's cache answers a repeat");
        assertEquals(1, listener.retransmits.get());
    }

    @Test
    void garbage_on_the_stream_drops_the_connection_and_the_request_is_resent_on_a_new_one() throws Exception {
        ScriptedTcpPeer peer = peer((r, c) -> {
            if (c.index == 1) {
                c.write("cookie dXe".getBytes(ISO_8859_1));
            } else {
                c.reply(r, Map.of("result", "ok"));
            }
        });
        NgClient client = client(peer.address(), Duration.ofSeconds(3));

        assertEquals(NgReply.Result.OK, client.execute(offer("garbage")).result());
        assertEquals(1, listener.strays(NgClientListener.StrayReason.MALFORMED));
        assertEquals(2, peer.connections());
    }

    @Test
    void a_refused_connection_fails_the_request_at_once_with_a_transport_exception() throws Exception {
        InetSocketAddress closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = (InetSocketAddress) s.getLocalSocketAddress();
        }
        NgClient client = client(closedPort, Duration.ofSeconds(5));

        long start = System.nanoTime();
        NgTransportException e = assertThrows(NgTransportException.class, () -> client.execute(offer("refused")));

        assertTrue((System.nanoTime() - start) / 1_000_000 < 2000, "must not wait for the 5 s timeout");
        assertEquals(closedPort, e.instance());
        assertTrue(e.getMessage().contains("cannot connect") && e.getMessage().contains("refused"), e.getMessage());
    }

    @Test
    void no_reply_ends_in_a_typed_timeout_and_nothing_is_resent_on_a_healthy_connection() throws Exception {
        ScriptedTcpPeer peer = peer((r, c) -> { });
        NgClient client = client(peer.address(), Duration.ofMillis(500));

        long start = System.nanoTime();
        NgTimeoutException e = assertThrows(NgTimeoutException.class, () -> client.execute(offer("silent")));
        long elapsedMillis = (System.nanoTime() - start) / 1_000_000;

        assertTrue(elapsedMillis >= 490 && elapsedMillis < 1000, "elapsed " + elapsedMillis);
        assertEquals(1, e.transmissions());
        assertEquals(1, peer.received().size());
    }

    @Test
    void callers_never_block_when_rtpengine_stops_reading_the_connection() throws Exception {
        ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        toClose.add(server);
        List<java.net.Socket> accepted = new java.util.concurrent.CopyOnWriteArrayList<>();
        Thread acceptor = new Thread(() -> {
            try {
                accepted.add(server.accept()); // and never read from it
            } catch (java.io.IOException e) {
                // closed
            }
        });
        acceptor.start();
        NgClient client = client((InetSocketAddress) server.getLocalSocketAddress(), Duration.ofMillis(800));
        NgRequest big = NgRequest.builder(NgCommand.OFFER).callId("stuck").fromTag("f").sdp(new byte[60_000]).build();

        long start = System.nanoTime();
        List<CompletableFuture<NgReply>> futures = new ArrayList<>();
        for (int i = 0; i < 200; i++) { // 12 MB: far more than the socket buffers hold
            futures.add(client.send(big));
        }
        long submitMillis = (System.nanoTime() - start) / 1_000_000;

        assertTrue(submitMillis < 800, "200 sends must return at once, took " + submitMillis + " ms");
        for (CompletableFuture<NgReply> f : futures) {
            ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(5, TimeUnit.SECONDS));
            assertInstanceOf(NgTimeoutException.class, e.getCause());
        }
        for (java.net.Socket s : accepted) {
            s.close();
        }
    }

    @Test
    void close_fails_what_is_in_flight() throws Exception {
        ScriptedTcpPeer peer = peer((r, c) -> { });
        NgClient client = client(peer.address(), Duration.ofSeconds(10));
        CompletableFuture<NgReply> f = client.send(offer("pending"));
        Await.count("received", 1, () -> peer.received().size());

        client.close();

        ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(5, TimeUnit.SECONDS));
        assertInstanceOf(NgClosedException.class, e.getCause());
    }
}
