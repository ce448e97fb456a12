package org.sipanchor.server;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.List;

import org.sipanchor.config.HostPort;
import org.sipanchor.config.SipListen;
import org.sipanchor.config.SipTransport;

/**
 * Binds every configured address once before the container starts. The SIP stack only logs a port it
 * cannot bind and carries on deaf; failing here gives the operator one clear message instead.
 */
final class ListenerPreflight {

    private ListenerPreflight() {
    }

    static void check(List<SipListen> sip, List<HostPort> tcpOnly) throws StartupException {
        for (SipListen listen : sip) {
            probe(listen.transport() == SipTransport.UDP, listen.address(), "sip " + listen);
        }
        for (HostPort address : tcpOnly) {
            probe(false, address, "tcp " + address);
        }
    }

    private static void probe(boolean udp, HostPort address, String what) throws StartupException {
        InetSocketAddress socketAddress = address.toSocketAddress();
        if (socketAddress.isUnresolved()) {
            throw new StartupException("cannot listen on " + what + ": unknown host " + address.host());
        }
        try {
            if (udp) {
                try (DatagramSocket socket = new DatagramSocket(null)) {
                    socket.bind(socketAddress);
                }
            } else {
                try (ServerSocket socket = new ServerSocket()) {
                    socket.bind(socketAddress);
                }
            }
        } catch (IOException e) {
            throw new StartupException("cannot listen on " + what + ": " + e.getMessage());
        }
    }
}
