package org.sipanchor.server;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketException;

/**
 * The SIP stack's sockets as jain-sip makes them, except its UDP listeners' sockets, which send from a thread of
 * their own ({@link ListenerSocket}). Named in the stack's properties ({@code gov.nist.javax.sip.NETWORK_LAYER}),
 * which is how jain-sip-ri 1.3.0-32 instantiates it (public no-argument constructor).
 */
public class SipNetworkLayer extends ForwardingNetworkLayer {

    @Override
    public DatagramSocket createDatagramSocket(int port, InetAddress bindAddress) throws SocketException {
        return new ListenerSocket(port, bindAddress);
    }
}
