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

    /**
     * A port in 12000-19999 free for UDP and TCP. The range lies outside the kernel's ephemeral ports (32768-60999),
     * which any socket bound to port 0 may take between this check and SIPp's bind, and outside the ports
     * {@link FreePorts} gives rtpengine daemons (control from 11000, RTP from 20000).
     */
    public static int free() {
        for (int attempt = 0; attempt < 200; attempt++) {
            int port = ThreadLocalRandom.current().nextInt(12000, 20000);
            if (isFree(port)) {
                return port;
            }
        }
        throw new IllegalStateException("no free loopback port found in 12000-19999");
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
