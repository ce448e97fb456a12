package org.sipanchor.server;

import java.util.logging.Logger;

import javax.sip.SipStack;
import javax.sip.message.Request;
import javax.sip.message.Response;

import gov.nist.javax.sip.header.RetryAfter;
import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.message.SIPResponse;
import gov.nist.javax.sip.stack.MessageChannel;
import gov.nist.javax.sip.stack.SIPMessageValve;

/**
 * Keeps the SIP listeners from answering for an application that is not there yet. The container opens its SIP ports
 * when it starts, before the application is deployed, and would answer a request in that window with
 * {@code 404 Not Found} (no application to route it to), which a caller takes as final. Until {@link #open()} (the
 * application is deployed and its servlets started):
 *
 * <ul>
 *   <li>a new request (no To tag) gets {@code 503 Service Unavailable} with {@code Retry-After: 1};</li>
 *   <li>an in-dialog request over UDP is dropped: its sender retransmits it (RFC 3261 timers E and A) and the
 *       retransmission finds the server ready, where a 503 would end, say, a BYE for good; over a stream transport,
 *       which has no retransmissions, it gets the 503;</li>
 *   <li>an ACK and any response are dropped (their senders retransmit what matters: 2xx and their ACKs).</li>
 * </ul>
 *
 * Once the server is stopping ({@link #drain()}), new requests get the same 503 while everything else goes through,
 * so that calls being ended or handed over finish their transactions.
 *
 * <p>The SIP stack loads it from {@code gov.nist.javax.sip.SIP_MESSAGE_VALVE}; the gate itself is one flag per
 * process, shared by every listener.
 */
public final class StartupGate implements SIPMessageValve {

    private static final Logger LOG = Logger.getLogger(StartupGate.class.getName());
    /** Seconds a refused caller is asked to wait: start-up takes one or two. */
    static final int RETRY_AFTER_SECONDS = 1;

    /** Where the server is in its life, as far as SIP messages are concerned. */
    enum State {
        STARTING, OPEN, DRAINING
    }

    private static volatile State state = State.STARTING;

    /** Lets every message through: the application is ready. */
    static void open() {
        state = State.OPEN;
    }

    /** Refuses new requests again, and only those: the server is stopping. */
    static void drain() {
        state = State.DRAINING;
    }

    static State state() {
        return state;
    }

    @Override
    public boolean processRequest(SIPRequest request, MessageChannel channel) {
        State now = state;
        if (now == State.OPEN) {
            return true;
        }
        String method = request.getMethod();
        boolean inDialog = request.getToTag() != null;
        if (now == State.DRAINING) {
            if (inDialog || Request.ACK.equals(method) || Request.CANCEL.equals(method)) {
                return true;
            }
            refuse(request, channel);
            return false;
        }
        boolean datagram = channel == null || "udp".equalsIgnoreCase(channel.getTransport());
        if (Request.ACK.equals(method) || inDialog && datagram) {
            return false;
        }
        refuse(request, channel);
        return false;
    }

    private static void refuse(SIPRequest request, MessageChannel channel) {
        try {
            SIPResponse response = request.createResponse(Response.SERVICE_UNAVAILABLE, "Starting or stopping");
            response.setHeader(new RetryAfter());
            ((RetryAfter) response.getHeader(RetryAfter.NAME)).setRetryAfter(RETRY_AFTER_SECONDS);
            channel.sendMessage(response);
        } catch (java.io.IOException | javax.sip.InvalidArgumentException | RuntimeException e) {
            LOG.fine(() -> "call-id=" + request.getCallId().getCallId() + " " + request.getMethod()
                    + " not answered 503 while the application is not ready: " + e);
        }
    }

    @Override
    public boolean processResponse(Response response, MessageChannel channel) {
        return state != State.STARTING;
    }

    @Override
    public void init(SipStack stack) {
        // the flag is the whole state
    }

    @Override
    public void destroy() {
        // nothing to release
    }
}
