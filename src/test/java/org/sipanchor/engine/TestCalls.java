package org.sipanchor.engine;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.sipanchor.config.EngineInstanceConfig;
import org.sipanchor.config.EngineTransport;
import org.sipanchor.config.HostPort;
import org.sipanchor.config.RtpEngineConfig;
import org.sipanchor.ng.NgCommand;
import org.sipanchor.ng.NgRequest;
import org.sipanchor.testing.RtpEngineDaemon;
import org.sipanchor.testing.SampleSdp;

/** The requests of a simple call (offer, answer, delete) and pool configurations over test daemons. */
final class TestCalls {

    private TestCalls() {
    }

    /** The daemon's UDP NG address as configured, which is also its anchor string. */
    static HostPort udp(RtpEngineDaemon d) {
        return HostPort.parse(d.ngHostPort());
    }

    static HostPort tcp(RtpEngineDaemon d) {
        return new HostPort("127.0.0.1", d.tcpNgAddress().getPort());
    }

    static String name(RtpEngineDaemon d) {
        return d.ngHostPort();
    }

    /** UDP instances with the given weights, in order. */
    static RtpEngineConfig config(Duration timeout, List<RtpEngineDaemon> daemons, int... weights) {
        List<EngineInstanceConfig> list = new ArrayList<>();
        for (int i = 0; i < daemons.size(); i++) {
            list.add(new EngineInstanceConfig(udp(daemons.get(i)), weights.length > i ? weights[i] : 1));
        }
        return new RtpEngineConfig(list, timeout, EngineTransport.UDP);
    }

    static NgRequest offer(String callId) {
        return NgRequest.builder(NgCommand.OFFER).callId(callId).fromTag("from-" + callId)
                .sdp(SampleSdp.plainAudio(callId, 40000)).build();
    }

    static NgRequest answer(String callId) {
        return NgRequest.builder(NgCommand.ANSWER).callId(callId).fromTag("from-" + callId).toTag("to-" + callId)
                .sdp(SampleSdp.plainAudio(callId, 40002)).build();
    }

    static NgRequest delete(String callId) {
        return NgRequest.delete(callId);
    }
}
