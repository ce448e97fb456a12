package org.sipanchor.ng;

import java.net.InetSocketAddress;
import java.util.Optional;

/**
 * Why an NG request did not get a successful reply. Every subclass names the RTPEngine instance, the command and
 * the Call-ID, in its accessors and in its message, so that one log line is enough to find the call.
 *
 * <ul>
 *   <li>{@link NgErrorException}: RTPEngine answered {@code error} (or {@link NgLoadLimitException}: {@code load limit});</li>
 *   <li>{@link NgTimeoutException}: no reply within the request's timeout, retransmissions included;</li>
 *   <li>{@link NgProtocolException}: a reply that is not a valid NG reply;</li>
 *   <li>{@link NgRefusedException}: refused by this client, not by RTPEngine, with a {@link NgRefusedException.Kind
 *       kind}: too large for the transport, invalid, the bound on requests in flight reached
 *       ({@link NgOverloadException}), or the client closed ({@link NgClosedException}); says nothing about the
 *       instance's health;</li>
 *   <li>{@link NgTransportException}: the request could not be sent (socket or connection failure);</li>
 *   <li>{@link NgInterruptedException}: the thread blocked in {@link NgClient#execute} was interrupted.</li>
 * </ul>
 */
public abstract class NgException extends Exception {

    private static final long serialVersionUID = 1L;

    private final transient InetSocketAddress instance;
    private final NgCommand command;
    private final String callId;
    private final String detail;

    NgException(InetSocketAddress instance, NgCommand command, String callId, String detail, Throwable cause) {
        super(message(instance, command, callId, detail), cause);
        this.instance = instance;
        this.command = command;
        this.callId = callId;
        this.detail = detail;
    }

    private static String message(InetSocketAddress instance, NgCommand command, String callId, String detail) {
        StringBuilder sb = new StringBuilder("rtpengine ");
        sb.append(instance == null ? "?" : hostAndPort(instance));
        sb.append(" '").append(command == null ? "?" : command.wireName()).append('\'');
        if (callId != null) {
            sb.append(" Call-ID ").append(callId);
        }
        return sb.append(": ").append(detail).toString();
    }

    /** {@code 127.0.0.1:22222} or {@code [::1]:22222}: the address as configured, not a resolved host name. */
    static String hostAndPort(InetSocketAddress a) {
        if (a.getAddress() == null) {
            return a.getHostString() + ":" + a.getPort();
        }
        String ip = a.getAddress().getHostAddress();
        return (ip.indexOf(':') >= 0 ? "[" + ip + "]" : ip) + ":" + a.getPort();
    }

    /** The RTPEngine instance the request was for. */
    public InetSocketAddress instance() {
        return instance;
    }

    public NgCommand command() {
        return command;
    }

    public Optional<String> callId() {
        return Optional.ofNullable(callId);
    }

    /** The message without the instance/command/Call-ID prefix. */
    public String detail() {
        return detail;
    }
}
