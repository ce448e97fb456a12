package org.sipanchor.readme;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.sipanchor.ng.NgClient;
import org.sipanchor.ng.NgCommand;
import org.sipanchor.ng.NgReply;
import org.sipanchor.ng.NgRequest;
import org.sipanchor.testing.RtpEngineDaemon;
import org.sipanchor.testing.SampleSdp;

/** The README's NG client example, run as written against a real RTPEngine. */
@DisplayName("The README's NG client example")
class NgClientReadmeTest {

    @Test
    @DisplayName("offers an SDP and gets RTPEngine's rewritten SDP back")
    void offer() throws Exception {
        try (RtpEngineDaemon daemon = RtpEngineDaemon.builder().start()) {
            String callId = "readme-1";
            String tag = "caller";
            byte[] sdp = SampleSdp.plainAudio("readme", 40000).getBytes(StandardCharsets.UTF_8);
            byte[] rewritten;
            int port = daemon.ngAddress().getPort();
            try (NgClient client = NgClient.builder().address(new InetSocketAddress("127.0.0.1", port)).build()) {
                NgReply reply = client.execute(NgRequest.builder(NgCommand.OFFER).callId(callId).fromTag(tag).sdp(sdp)
                        .transportProtocol("RTP/AVP").ice("remove").build());
                rewritten = reply.sdp();
                client.execute(NgRequest.delete(callId)); // not in the README: the test leaves nothing behind
            }
            assertTrue(new String(rewritten, StandardCharsets.UTF_8).contains("m=audio "), "RTPEngine's SDP");
        }
    }
}
