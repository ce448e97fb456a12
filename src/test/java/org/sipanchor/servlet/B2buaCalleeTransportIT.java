package org.sipanchor.servlet;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.sipanchor.testing.AnchoringServer;

/** {@link CalleeTransportContract} on the bundled b2bua. */
@DisplayName("Reaching the callee from the bundled b2bua")
class B2buaCalleeTransportIT extends CalleeTransportContract {

    @RegisterExtension
    static final AnchoringServer b2bua = AnchoringServer.bundled().mode("b2bua");

    @Override
    AnchoringServer server() {
        return b2bua;
    }
}
