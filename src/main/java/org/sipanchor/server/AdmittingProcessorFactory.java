package org.sipanchor.server;

import java.io.IOException;
import java.lang.reflect.Field;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Properties;
import java.util.logging.Logger;

import gov.nist.javax.sip.SipStackImpl;
import gov.nist.javax.sip.stack.MessageProcessor;
import gov.nist.javax.sip.stack.MessageProcessorFactory;
import gov.nist.javax.sip.stack.NioMessageProcessorFactory;
import gov.nist.javax.sip.stack.OIOMessageProcessorFactory;
import gov.nist.javax.sip.stack.SIPTransactionStack;
import gov.nist.javax.sip.stack.UDPMessageProcessor;

import org.sipanchor.config.SipLimits;

/**
 * The SIP stack's listeners as it makes them (blocking, or NIO when a WebSocket listener needs it, per
 * {@link #NIO_PROPERTY}), with an {@link AdmittingQueue} in each UDP listener in place of its plain queue, and the NIO
 * stream listeners' accepted connections watched by a {@link SlowMessageReaper} (the NIO readers ignore
 * {@code READ_TIMEOUT}) and their WebSocket frames bounded by {@link OversizedFrames}. Read by
 * the stack from {@code gov.nist.javax.sip.MESSAGE_PROCESSOR_FACTORY}; the limits are {@code sip.admission}'s, from
 * the same stack properties as {@link AdmissionValve}'s.
 */
public final class AdmittingProcessorFactory implements MessageProcessorFactory {

    /** The stack property that selects jain-sip's NIO listeners ("true"), which WebSocket listeners need. */
    static final String NIO_PROPERTY = "org.sipanchor.NIO_LISTENERS";
    private static final Logger LOG = Logger.getLogger(AdmittingProcessorFactory.class.getName());
    /** What jain-sip's reader allocates per datagram behind a {@link ListenerSocket}, which always replaces it. */
    static final int READ_BUFFER_BYTES = 0;
    /**
     * The threads reading each UDP listener's socket beside jain-sip's own ({@link ListenerReaders}): enough that the
     * door gets its share of two cores while 64 SIP threads are busy, few enough that they mostly wait for datagrams.
     */
    static final int MORE_READERS = 2;
    /** Milliseconds from a message's first byte to its last, set from {@code sip.limits.tcp_read_timeout_secs}. */
    static final String READ_TIMEOUT_PROPERTY = "gov.nist.javax.sip.READ_TIMEOUT";

    /** The stack property of {@code sip.limits.max_message_bytes}, which also bounds WebSocket frames. */
    static final String MAX_MESSAGE_SIZE_PROPERTY = "gov.nist.javax.sip.MAX_MESSAGE_SIZE";

    /** The NIO listeners' bound on a message's reading time, made with the first of them (one stack, one factory). */
    private SlowMessageReaper reaper;
    /** The WebSocket listeners' bound on a frame, made with the first of them. */
    private OversizedFrames frames;

    private synchronized SlowMessageReaper reaper(Properties properties) {
        if (reaper == null) {
            // The blocking reader's READ_TIMEOUT, which the NIO readers ignore: the same limit, kept by the reaper.
            reaper = new SlowMessageReaper(Duration.ofMillis(Long.parseLong(properties.getProperty(READ_TIMEOUT_PROPERTY,
                    Long.toString(SipLimits.DEFAULTS.tcpReadTimeout().toMillis())))));
        }
        return reaper;
    }

    private synchronized OversizedFrames frames(Properties properties) {
        if (frames == null) {
            frames = new OversizedFrames(Integer.parseInt(properties.getProperty(MAX_MESSAGE_SIZE_PROPERTY,
                    Integer.toString(SipLimits.DEFAULTS.maxMessageBytes()))));
        }
        return frames;
    }

    @Override
    public MessageProcessor createMessageProcessor(SIPTransactionStack stack, InetAddress address, int port,
            String transport) throws IOException {
        Properties properties = stack instanceof SipStackImpl configured ? configured.getConfigurationProperties() : new Properties();
        boolean nio = Boolean.parseBoolean(properties.getProperty(NIO_PROPERTY));
        MessageProcessor processor = nio
                ? ReapedNioListeners.create(stack, address, port, transport, reaper(properties), frames(properties)).orElse(null) : null;
        if (processor == null) {
            MessageProcessorFactory made = nio ? new NioMessageProcessorFactory() : new OIOMessageProcessorFactory();
            processor = made.createMessageProcessor(stack, address, port, transport);
        }
        if (processor instanceof UDPMessageProcessor udp) {
            admitting(udp, stack, Long.parseLong(properties.getProperty(AdmissionValve.MAX_DELAY_PROPERTY, "200")),
                    Integer.parseInt(properties.getProperty(AdmissionValve.RETRY_AFTER_PROPERTY, "2")));
        }
        return processor;
    }

    /**
     * jain-sip-ri 1.3.0-32 keeps the listener's socket and queue in protected fields, both made in its constructor and
     * first used when it starts; without them the listener keeps its plain queue and {@link AdmissionValve} alone
     * refuses. The size of the buffer its reader allocates per datagram is a private field used by nothing else:
     * with a {@link ListenerSocket} (which reads into a buffer of that size once, and hands over an array of each
     * datagram's own size) it is left empty, and {@link #MORE_READERS} read the socket as well.
     */
    private static void admitting(UDPMessageProcessor udp, SIPTransactionStack stack, long maxDelayMillis,
            int retryAfterSecs) {
        try {
            Field socket = UDPMessageProcessor.class.getDeclaredField("sock");
            Field queue = UDPMessageProcessor.class.getDeclaredField("messageQueue");
            socket.setAccessible(true);
            queue.setAccessible(true);
            AdmittingQueue admitting = new AdmittingQueue((DatagramSocket) socket.get(udp), maxDelayMillis,
                    retryAfterSecs, id -> AdmissionValve.inProgress(stack, id));
            queue.set(udp, admitting);
            if (socket.get(udp) instanceof ListenerSocket listener) {
                Field bufferSize = UDPMessageProcessor.class.getDeclaredField("maxMessageSize");
                bufferSize.setAccessible(true);
                listener.readsUpTo(bufferSize.getInt(udp));
                bufferSize.setInt(udp, READ_BUFFER_BYTES);
                ListenerReaders.start(listener, admitting, MORE_READERS);
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.warning("new calls are refused after parsing only: the UDP listener's queue is out of reach (" + e + ")");
        }
    }
}
