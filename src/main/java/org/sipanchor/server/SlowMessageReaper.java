package org.sipanchor.server;

import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;

import gov.nist.javax.sip.stack.NioTcpMessageChannel;

/**
 * Closes a connection of jain-sip's NIO listeners (TCP, TLS, WS and WSS once a WebSocket listener is configured),
 * accepted or opened by the stack, whose current message is not complete {@code sip.limits.tcp_read_timeout_secs}
 * after it was first seen unfinished. The NIO readers ignore the stack's {@code READ_TIMEOUT}, which bounds the
 * blocking TCP reader the same way, so without this a peer trickling one message (a huge Content-Length, a byte every
 * few seconds) would keep its connection and its buffer for as long as it likes.
 *
 * <p>Every second it looks at each watched connection ({@link UnfinishedInput}): one that holds nothing of a message,
 * between messages or idle, is left alone (the idle timeout is the stack's); one that completes messages starts a new
 * wait with each. So a connection is closed between the timeout and a second after it, and counted in
 * {@link ClosedConnections}' warning.
 */
final class SlowMessageReaper {

    private static final Logger LOG = Logger.getLogger(SlowMessageReaper.class.getName());
    private static final long SWEEP_MILLIS = 1_000;

    private final long timeoutNanos;
    /** By socket: jain-sip's channel has an equals of its own and no matching hashCode; a JDK socket is itself. */
    private final Map<SocketChannel, Watch> watched = new ConcurrentHashMap<>();
    private final AtomicInteger listeners = new AtomicInteger();
    private final ClosedConnections report;
    private final ScheduledExecutorService sweeper;

    /** A reaper for messages that take longer than {@code timeout}, sweeping on its own daemon thread. */
    SlowMessageReaper(Duration timeout) {
        this.timeoutNanos = timeout.toNanos();
        this.report = new ClosedConnections(LOG, "with a message not complete " + timeout.toSeconds()
                + " s after its first byte (sip.limits.tcp_read_timeout_secs)");
        this.sweeper = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "sipanchor-slow-message-reaper");
            thread.setDaemon(true);
            return thread;
        });
        if (UnfinishedInput.readable()) {
            sweeper.scheduleWithFixedDelay(this::sweep, SWEEP_MILLIS, SWEEP_MILLIS, TimeUnit.MILLISECONDS);
        } else {
            LOG.warning("sip.limits.tcp_read_timeout_secs is not applied to TCP, TLS, WS and WSS connections: the NIO"
                    + " parser's state is out of reach; a trickled message is bounded by max_message_bytes and the idle timeout only");
        }
    }

    /**
     * Watches a connection, accepted or opened by the stack ({@link NioConnectionTable}), until it is closed; one
     * watched already goes on with its wait.
     */
    void watch(NioTcpMessageChannel channel) {
        SocketChannel socket = channel.getSocketChannel();
        if (socket != null) {
            watched.putIfAbsent(socket, new Watch(channel, null, 0));
        }
    }

    /** Counts a listener whose connections are watched. */
    void listenerStarted() {
        listeners.incrementAndGet();
    }

    /** When the last listener stops, so does the sweeping; the connections are the stack's to close. */
    void listenerStopped() {
        if (listeners.decrementAndGet() <= 0) {
            sweeper.shutdownNow();
            watched.clear();
        }
    }

    /** One look at every watched connection: forgets the closed ones, closes those past the timeout. */
    private void sweep() {
        long now = System.nanoTime();
        watched.forEach((socket, before) -> {
            try {
                look(socket, before, now);
            } catch (RuntimeException e) {
                // one connection's surprise must not end the sweeping (a scheduled task that throws is not run again)
                watched.remove(socket);
                LOG.fine(() -> "stopped watching a connection: " + e);
            }
        });
    }

    private void look(SocketChannel socket, Watch before, long now) {
        if (!socket.isOpen()) {
            watched.remove(socket);
            return;
        }
        Optional<Object> held = UnfinishedInput.of(before.channel());
        if (held.isEmpty()) {
            watched.replace(socket, before.holding(null, 0));
        } else if (before.message() != held.get()) {
            watched.replace(socket, before.holding(held.get(), now));
        } else if (now - before.sinceNanos() >= timeoutNanos) {
            watched.remove(socket);
            close(before.channel(), socket);
        }
    }

    private void close(NioTcpMessageChannel channel, SocketChannel socket) {
        report.closed(socket, channel.getTransport(), ""); // the peer read before the close
        channel.close();
    }

    /**
     * A watched connection, the unfinished message it was last seen holding ({@link UnfinishedInput}'s token, null
     * between messages) and since when.
     */
    private record Watch(NioTcpMessageChannel channel, Object message, long sinceNanos) {
        Watch holding(Object unfinished, long seenNanos) {
            return new Watch(channel, unfinished, seenNanos);
        }
    }
}
