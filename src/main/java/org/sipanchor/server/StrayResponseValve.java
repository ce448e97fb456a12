package org.sipanchor.server;

import java.lang.reflect.Field;
import java.util.concurrent.atomic.LongAdder;
import java.util.logging.Logger;

import javax.sip.SipStack;
import javax.sip.message.Request;
import javax.sip.message.Response;

import gov.nist.javax.sip.SIPConstants;
import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.message.SIPResponse;
import gov.nist.javax.sip.stack.MessageChannel;
import gov.nist.javax.sip.stack.SIPMessageValve;
import gov.nist.javax.sip.stack.SIPTransactionStack;
import gov.nist.javax.sip.stack.ServerResponseInterface;
import gov.nist.javax.sip.stack.StackMessageFactory;

/**
 * Delivers a response that matches none of our client transactions without jain-sip's search of all of them.
 *
 * <p>jain-sip-ri 1.3.0-32 looks a response's transaction up by its branch and, when none is found, compares the
 * response with every client transaction in the stack before handing it on as a stray one; only a pre-RFC 3261 branch
 * (no {@code z9hG4bK}) can match that way, since an RFC 3261 branch is the lookup's own key. The stack keeps its
 * client transactions for their timers, thousands of them under load (6,572 in a class histogram of the proxy at
 * 400 calls/s), so each stray response cost a pass over all of them: a late 2xx retransmission after its INVITE
 * transaction ended (more of them the more the server is loaded), or any response a peer makes up, which made a
 * flood of them cheap for the peer and expensive for everyone else's calls. Such a response is handed on here the way
 * the stack hands it on after its search (the container forwards a proxied 2xx upstream, and drops the rest).
 *
 * <p>Read by the SIP stack from {@code gov.nist.javax.sip.SIP_MESSAGE_VALVE}.
 */
public final class StrayResponseValve implements SIPMessageValve {

    private static final Logger LOG = Logger.getLogger(StrayResponseValve.class.getName());

    private final LongAdder handedOn = new LongAdder();
    private SIPTransactionStack stack;
    private StackMessageFactory delivery;

    @Override
    public boolean processRequest(SIPRequest request, MessageChannel channel) {
        return true;
    }

    @Override
    public boolean processResponse(Response response, MessageChannel channel) {
        if (delivery == null || !(response instanceof SIPResponse sip) || sip.getTopmostVia() == null) {
            return true;
        }
        String transaction = sip.getTransactionId();
        if (!transaction.startsWith(SIPConstants.BRANCH_MAGIC_COOKIE_LOWER_CASE) // the ids are lower case
                || stack.findTransaction(transaction, false) != null || isCancelOfOurs(sip)) {
            return true; // the stack's own path: a transaction of ours, or a branch only its search can match
        }
        handedOn.increment();
        ServerResponseInterface listener = delivery.newSIPServerResponse(sip, channel);
        if (listener != null) {
            listener.processResponse(sip, channel);
        }
        return false;
    }

    /** How many responses this valve handed on. */
    long handedOn() {
        return handedOn.sum();
    }

    /** A CANCEL's transaction id carries its method; left to the stack, which knows that key. */
    private static boolean isCancelOfOurs(SIPResponse response) {
        return response.getCSeq() != null && Request.CANCEL.equals(response.getCSeq().getMethod());
    }

    /**
     * The stack's message factory is a protected field of jain-sip-ri 1.3.0-32's transaction stack, set when the
     * stack is made; without it this valve lets every response through to the stack's own path.
     */
    @Override
    public void init(SipStack sipStack) {
        if (sipStack instanceof SIPTransactionStack transactions) {
            try {
                Field factory = SIPTransactionStack.class.getDeclaredField("sipMessageFactory");
                factory.setAccessible(true);
                delivery = (StackMessageFactory) factory.get(transactions);
                stack = transactions;
            } catch (ReflectiveOperationException | RuntimeException e) {
                LOG.warning("stray responses are matched by the stack's search of every transaction: " + e);
            }
        }
    }

    @Override
    public void destroy() {
        delivery = null;
    }
}
