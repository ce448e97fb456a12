package org.sipanchor.testing;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.concurrent.ThreadLocalRandom;

/** Ports on 127.0.0.1 that are free for both UDP and TCP right now (SIP listens on both). */
public final class LoopbackPorts {

    private LoopbackPorts() {
    }

    /** A port in 40000-49999 free for UDP and TCP (below it, rtpengine daemons of the tests take their RTP ports). */
    public static int free() {
        for (int attempt = 0; attempt < 200; attempt++) {
            int port = ThreadLocalRandom.current().nextInt(40000, 50000);
            if (isFree(port)) {
                return port;
            }
        }
        throw new IllegalStateException("no free loopback port found in 40000-49999");
    }

    public static boolean isFree(int port) {
        InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
        try (DatagramSocket udp = new DatagramSocket(null); ServerSocket tcp = new ServerSocket()) {
            udp.bind(address);
            tcp.bind(address);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
