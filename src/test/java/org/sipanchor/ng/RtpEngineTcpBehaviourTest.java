package org.sipanchor.ng;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.sipanchor.testing.Await;
import org.sipanchor.testing.RtpEndpoint;
import org.sipanchor.testing.RtpEngineDaemon;
import org.sipanchor.testing.SampleSdp;

/**
 * What rtpengine 10.5 does on its TCP NG port, checked on the real daemon: the facts the TCP transport is built on.
 */
@DisplayName("rtpengine 10.5 on TCP NG: framing and pushed DTMF notifications")
class RtpEngineTcpBehaviourTest {

    @RegisterExtension
    static final RtpEngineDaemon RTPENGINE = RtpEngineDaemon.builder().extraArgs("--dtmf-log-ng-tcp").build();

    private static byte[] message(String cookie, Map<String, ?> dict) {
        return ScriptedUdpPeer.message(cookie, dict);
    }

    private static String readReplies(InputStream in, int count) throws IOException {
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        int replies = 0;
        while (replies < count) {
            int n = in.read(buf);
            if (n < 0) {
                break;
            }
            got.write(buf, 0, n);
            replies = got.toString(ISO_8859_1).split("d6:result").length - 1;
        }
        return got.toString(ISO_8859_1);
    }

    @Test
    void messages_are_delimited_by_their_bencode_alone_so_two_in_one_write_get_two_replies() throws Exception {
        try (Socket s = new Socket()) {
            s.connect(RTPENGINE.tcpNgAddress(), 1000);
            s.setSoTimeout(2000);
            OutputStream out = s.getOutputStream();
            ByteArrayOutputStream both = new ByteArrayOutputStream();
            both.writeBytes(message("c1", Map.of("command", "ping")));
            both.writeBytes(message("c2", Map.of("command", "ping")));
            out.write(both.toByteArray());

            assertEquals("c1 d6:result4:pongec2 d6:result4:ponge", readReplies(s.getInputStream(), 2));
        }
    }

    @Test
    void a_message_arriving_in_two_pieces_is_reassembled_while_the_piece_is_under_1024_bytes() throws Exception {
        byte[] m = message("split", Map.of("command", "ping", "pad", "x".repeat(1500)));
        try (Socket s = new Socket()) {
            s.connect(RTPENGINE.tcpNgAddress(), 1000);
            s.setTcpNoDelay(true);
            s.setSoTimeout(2000);
            OutputStream out = s.getOutputStream();
            out.write(Arrays.copyOfRange(m, 0, 1000));
            out.flush();
            Thread.sleep(100);
            out.write(Arrays.copyOfRange(m, 1000, m.length));

            assertEquals("split d6:result4:ponge", readReplies(s.getInputStream(), 1));
        }
    }

    @Test
    void rtpengine_drops_the_connection_when_more_than_1024_bytes_of_an_incomplete_message_wait() throws Exception {
        byte[] m = message("big", Map.of("command", "ping", "pad", "x".repeat(3000)));
        try (Socket s = new Socket()) {
            s.connect(RTPENGINE.tcpNgAddress(), 1000);
            s.setTcpNoDelay(true);
            s.setSoTimeout(2000);
            OutputStream out = s.getOutputStream();
            out.write(Arrays.copyOfRange(m, 0, 1500));
            out.flush();
            Thread.sleep(100);
            int read;
            try {
                out.write(Arrays.copyOfRange(m, 1500, m.length));
                read = s.getInputStream().read();
            } catch (SocketException reset) {
                read = -1;
            }
            assertEquals(-1, read, "connection closed instead of a reply");
        }
    }

    @Test
    void with_dtmf_log_ng_tcp_a_dtmf_event_is_pushed_to_the_tcp_client_as_a_notification() throws Exception {
        RecordingListener listener = new RecordingListener();
        try (NgClient client = NgClient.builder().address(RTPENGINE.tcpNgAddress()).transport(NgTransportKind.TCP)
                .listener(listener).build();
             RtpEndpoint caller = new RtpEndpoint();
             RtpEndpoint callee = new RtpEndpoint()) {
            String callId = "dtmf-notify@sipanchor.test";
            client.execute(NgRequest.builder(NgCommand.OFFER).callId(callId).fromTag("caller")
                    .sdp(SampleSdp.plainAudio(callId, caller.port())).build());
            NgReply answer = client.execute(NgRequest.builder(NgCommand.ANSWER).callId(callId).fromTag("caller")
                    .toTag("callee").sdp(SampleSdp.plainAudio(callId, callee.port())).build());
            int port = Integer.parseInt(answer.sdpText().replaceAll("(?s).*m=audio (\\d+) .*", "$1"));
            InetSocketAddress rtpengine = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);

            caller.sendPcmu(rtpengine, 5);
            caller.sendDtmfEvent(rtpengine, 101, 7);
            caller.sendPcmu(rtpengine, 5);

            Await.count("DTMF notifications", 1, listener.notifications::size);
            NgNotification n = listener.notifications.get(0);
            assertEquals("onDTMF", n.name());
            assertEquals(callId, n.string("callid").orElseThrow());
            assertEquals("caller", n.string("source_tag").orElseThrow());
            assertEquals(7L, n.integer("event").orElseThrow());
            assertTrue(n.integer("duration").orElseThrow() > 0);
            assertEquals(0, listener.allStrays(), "a notification is not a stray reply");
            client.execute(NgRequest.delete(callId));
        }
    }
}
