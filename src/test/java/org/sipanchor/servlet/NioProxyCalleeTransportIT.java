package org.sipanchor.servlet;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.sipanchor.testing.AnchoringServer;
import org.sipanchor.testing.LoopbackPorts;

/**
 * {@link CalleeTransportContract} on the bundled proxy with a ws listener configured, which puts TCP on jain-sip's NIO
 * listeners too: the connections the stack opens to callees are theirs (see {@code NioConnectionTable}).
 */
@DisplayName("Reaching the callee from the bundled proxy, a ws listener configured (NIO listeners)")
class NioProxyCalleeTransportIT extends CalleeTransportContract {

    @RegisterExtension
    static final AnchoringServer proxy = AnchoringServer.bundled().mode("proxy").sip("""
                - { transport: ws, address: "127.0.0.1:%d" }
            """.formatted(LoopbackPorts.free()));

    @Override
    AnchoringServer server() {
        return proxy;
    }
}
