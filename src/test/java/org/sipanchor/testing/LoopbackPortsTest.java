package org.sipanchor.testing;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Loopback ports for test peers")
class LoopbackPortsTest {

    @Test
    @DisplayName("a port taken for UDP is in use, and free again once the socket closes")
    void udpSocketIsSeen() throws Exception {
        int port = LoopbackPorts.free();
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), port))) {
            assertTrue(LoopbackPorts.isInUse(port));
            assertFalse(LoopbackPorts.isFree(port));
        }
        assertFalse(LoopbackPorts.isInUse(port));
        assertTrue(LoopbackPorts.isFree(port));
    }

    @Test
    @DisplayName("never hands out a port twice: one handed out and not yet bound still looks free")
    void neverTheSamePortTwice() {
        Set<Integer> ports = new HashSet<>();
        for (int i = 0; i < 500; i++) {
            int port = LoopbackPorts.free();
            assertTrue(ports.add(port), "port " + port + " handed out twice in " + ports.size() + " calls");
        }
    }

    @Test
    @DisplayName("a listening TCP socket is in use")
    void tcpListenerIsSeen() throws Exception {
        int port = LoopbackPorts.free();
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            assertTrue(LoopbackPorts.isInUse(port));
        }
        assertFalse(LoopbackPorts.isInUse(port));
    }

    @Test
    @DisplayName("asking whether a port is in use never takes it from a process binding it at that moment")
    void probingBindsNothing() throws Exception {
        int port = LoopbackPorts.free();
        AtomicBoolean binding = new AtomicBoolean(true);
        Thread prober = new Thread(() -> {
            while (binding.get()) {
                LoopbackPorts.isInUse(port);
            }
        });
        prober.start();
        try {
            InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
            for (int i = 0; i < 2000; i++) {
                try (DatagramSocket socket = new DatagramSocket(address)) {
                    assertTrue(socket.isBound());
                }
            }
        } finally {
            binding.set(false);
            prober.join();
        }
    }
}
