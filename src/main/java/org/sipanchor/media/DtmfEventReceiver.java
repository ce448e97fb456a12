package org.sipanchor.media;

import java.io.IOException;
import java.io.StringReader;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.function.Consumer;
import java.util.logging.Logger;

import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;

import org.sipanchor.config.HostPort;

/**
 * Receives the DTMF events RTPEngine sends when started with {@code --dtmf-log-dest=HOST:PORT}: one UDP datagram
 * of JSON per digit, {@code {"callid","source_tag","type":"DTMF","timestamp","source_ip","event","duration","volume"}}.
 * Each becomes a {@link DtmfEvent} handed to {@code sink} on the receiving thread. A datagram that is not such an
 * event is logged and dropped; the receiver goes on.
 *
 * <pre>{@code
 * try (DtmfEventReceiver receiver = DtmfEventReceiver.start(HostPort.parse("127.0.0.1:9999"), event -> ...)) { ... }
 * }</pre>
 */
public final class DtmfEventReceiver implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(DtmfEventReceiver.class.getName());
    private static final int MAX_DATAGRAM = 4096;

    private final DatagramSocket socket;
    private final Thread thread;
    private final Consumer<DtmfEvent> sink;

    private DtmfEventReceiver(DatagramSocket socket, Consumer<DtmfEvent> sink) {
        this.socket = socket;
        this.sink = sink;
        this.thread = new Thread(this::receive, "dtmf-events");
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Binds {@code address} and starts receiving.
     *
     * @throws IllegalStateException naming the address when it cannot be bound
     */
    public static DtmfEventReceiver start(HostPort address, Consumer<DtmfEvent> sink) {
        try {
            return new DtmfEventReceiver(new DatagramSocket(address.toSocketAddress()), sink);
        } catch (SocketException e) {
            throw new IllegalStateException("cannot receive DTMF events on " + address + ": " + e.getMessage(), e);
        }
    }

    /** The bound address (useful when the port was 0). */
    public InetSocketAddress address() {
        return (InetSocketAddress) socket.getLocalSocketAddress();
    }

    private void receive() {
        byte[] buffer = new byte[MAX_DATAGRAM];
        while (!socket.isClosed()) {
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            try {
                socket.receive(packet);
            } catch (IOException e) {
                if (!socket.isClosed()) {
                    LOG.warning("DTMF event receiver: " + e.getMessage());
                }
                continue;
            }
            String text = new String(packet.getData(), packet.getOffset(), packet.getLength(), StandardCharsets.UTF_8);
            try {
                sink.accept(parse(text));
            } catch (JsonException | IllegalArgumentException | ClassCastException | NullPointerException e) {
                LOG.warning(() -> "not a DTMF event from " + packet.getSocketAddress() + ": " + e.getMessage());
            } catch (RuntimeException e) {
                LOG.warning(() -> "a DTMF event observer failed: " + e);
            }
        }
    }

    static DtmfEvent parse(String json) {
        try (JsonReader reader = Json.createReader(new StringReader(json))) {
            JsonObject event = reader.readObject();
            if (!"DTMF".equals(event.getString("type", "DTMF"))) {
                throw new IllegalArgumentException("type " + event.getString("type"));
            }
            return new DtmfEvent(event.getString("callid"), event.getString("source_tag", ""),
                    DtmfEvent.digitOf(event.getInt("event")), event.getJsonNumber("duration").longValue(),
                    event.getInt("volume", 0), Instant.ofEpochSecond(event.getJsonNumber("timestamp").longValue()),
                    event.getString("source_ip", ""));
        }
    }

    @Override
    public void close() {
        socket.close();
        try {
            thread.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
