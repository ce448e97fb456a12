package org.sipanchor.servlet;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.sipanchor.testing.AnchoringServer;

/** {@link CalleeTransportContract} on the bundled proxy. */
@DisplayName("Reaching the callee from the bundled proxy")
class ProxyCalleeTransportIT extends CalleeTransportContract {

    @RegisterExtension
    static final AnchoringServer proxy = AnchoringServer.bundled().mode("proxy");

    @Override
    AnchoringServer server() {
        return proxy;
    }
}
