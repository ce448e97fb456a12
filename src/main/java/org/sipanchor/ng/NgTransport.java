package org.sipanchor.ng;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;

/** Moves NG messages; the {@link NgClient} does cookies, matching, timers and retransmission. */
interface NgTransport {

    /** Longest cookie accepted while looking for the space that ends it. */
    int MAX_COOKIE = 256;

    /**
     * The index of the space that ends the cookie of the message at {@code buf[offset]}, looking no further than
     * {@code length} bytes nor {@link #MAX_COOKIE}; -1 if there is none there.
     */
    static int cookieEnd(byte[] buf, int offset, int length) {
        for (int i = offset, end = offset + Math.min(length, MAX_COOKIE); i < end; i++) {
            if (buf[i] == ' ') {
                return i;
            }
        }
        return -1;
    }

    /** What a transport reports to its client. Called from the transport's own threads. */
    interface Sink {
        /** One whole message (cookie, space, dictionary) from {@code source}; {@code buf} is reused afterwards. */
        void onMessage(byte[] buf, int offset, int length, InetSocketAddress source);

        /** Something arrived that could not be delimited as a message. */
        void onStray(NgClientListener.StrayReason reason);

        /** True if any request is waiting for its reply. */
        boolean hasInFlight();

        /**
         * The messages of all requests still in flight, oldest first, to send on a new connection. {@code reconnect}
         * is false for the first connection (nothing was sent yet) and true after a lost one.
         */
        List<byte[]> inFlightMessages(boolean reconnect);

        /** A connection could not be made: requests in flight cannot be delivered. */
        void onConnectFailed(IOException cause);
    }

    void start(Sink sink) throws IOException;

    /**
     * Sends (UDP) or writes/queues (TCP) a new request, running {@code register} (which makes it visible to
     * {@link Sink#inFlightMessages}) first and atomically with the hand-over, so that a resend on a new connection
     * includes every request handed over and none twice. Never blocks on the network for long.
     */
    void send(byte[] message, Runnable register) throws IOException;

    /** Sends a request again (UDP retransmission). */
    void resend(byte[] message) throws IOException;

    /** True if the client must retransmit until a reply comes (datagrams can be lost). */
    boolean retransmits();

    /** Largest message the transport can carry. */
    int maxMessageLength();

    void close();
}
