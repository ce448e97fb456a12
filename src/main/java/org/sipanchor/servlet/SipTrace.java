package org.sipanchor.servlet;

import java.util.logging.Level;
import java.util.logging.Logger;

import javax.servlet.sip.SipServletMessage;
import javax.servlet.sip.SipServletRequest;
import javax.servlet.sip.SipServletResponse;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.sipanchor.config.LogConfig;
import org.sipanchor.sdp.CryptoRedaction;

/**
 * The SIP message trace behind {@code log.sip_trace}: each message an application handles, whole, on one
 * log line per message. Secrets are masked by {@link CryptoRedaction}: SRTP keys (a=crypto keep their suite),
 * and the credentials of Authorization and Proxy-Authorization (the scheme and a Digest username are kept,
 * everything after them masked) and Authentication-Info. The container's own message log stays off because it
 * cannot mask them.
 */
@Singleton
public class SipTrace {

    private static final Logger LOG = Logger.getLogger(SipTrace.class.getName());

    private final boolean enabled;

    @Inject
    public SipTrace(LogConfig log) {
        this.enabled = log.sipTrace();
    }

    /** Logs a message the application received. */
    public void received(SipServletMessage message) {
        if (!enabled || message == null || !LOG.isLoggable(Level.INFO)) {
            return;
        }
        String firstLine = message instanceof SipServletRequest request
                ? request.getMethod() + " " + request.getRequestURI()
                : ((SipServletResponse) message).getStatus() + " " + ((SipServletResponse) message).getReasonPhrase();
        String text = message.toString();
        LOG.info(() -> "call-id=" + message.getCallId() + " received " + firstLine + " | "
                + CryptoRedaction.redact(text).replace("\r\n", " | ").replace('\n', ' '));
    }
}
