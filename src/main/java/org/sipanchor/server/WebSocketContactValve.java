package org.sipanchor.server;

import java.text.ParseException;
import java.util.Locale;
import java.util.logging.Logger;

import javax.sip.SipStack;
import javax.sip.address.SipURI;
import javax.sip.header.ContactHeader;
import javax.sip.message.Response;

import gov.nist.javax.sip.message.SIPMessage;
import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.stack.MessageChannel;
import gov.nist.javax.sip.stack.SIPMessageValve;

/**
 * Makes a browser's Contact name the transport it is really connected by. Browser SIP libraries write
 * {@code transport=ws} in their Contact even over secure WebSocket; the stack already replaces the Contact's
 * {@code .invalid} host with the connection's address, and this valve replaces the transport with the connection's,
 * before any dialog or registration records it. Requests to the browser (an ACK, a BYE, a call to a registered
 * browser) then go back over the same wss connection instead of failing on a ws one that does not exist.
 *
 * <p>The SIP stack loads it from {@code gov.nist.javax.sip.SIP_MESSAGE_VALVE} when a ws or wss listener is
 * configured:
 *
 * <pre>{@code
 * gov.nist.javax.sip.SIP_MESSAGE_VALVE=org.sipanchor.server.WebSocketContactValve
 * }</pre>
 */
public final class WebSocketContactValve implements SIPMessageValve {

    private static final Logger LOG = Logger.getLogger(WebSocketContactValve.class.getName());

    @Override
    public boolean processRequest(SIPRequest request, MessageChannel channel) {
        useChannelTransport(request, channel);
        return true;
    }

    @Override
    public boolean processResponse(Response response, MessageChannel channel) {
        if (response instanceof SIPMessage message) {
            useChannelTransport(message, channel);
        }
        return true;
    }

    private static void useChannelTransport(SIPMessage message, MessageChannel channel) {
        String transport = channel == null || channel.getTransport() == null ? "" : channel.getTransport().toLowerCase(Locale.ROOT);
        if (!transport.equals("ws") && !transport.equals("wss")) {
            return;
        }
        var contacts = message.getContactHeaders();
        if (contacts == null) {
            return;
        }
        for (ContactHeader contact : contacts) {
            if (contact.getAddress() != null && contact.getAddress().getURI() instanceof SipURI uri) {
                String written = uri.getTransportParam();
                if (written != null && !written.equalsIgnoreCase(transport)
                        && (written.equalsIgnoreCase("ws") || written.equalsIgnoreCase("wss"))) {
                    try {
                        uri.setTransportParam(transport);
                    } catch (ParseException e) {
                        LOG.fine(() -> "contact transport not rewritten: " + e.getMessage());
                    }
                }
            }
        }
    }

    @Override
    public void init(SipStack stack) {
        // nothing to prepare
    }

    @Override
    public void destroy() {
        // nothing to release
    }
}
