package org.sipanchor.server;

import java.io.IOException;
import java.lang.reflect.Field;
import java.util.concurrent.atomic.LongAdder;
import java.util.logging.Logger;

import javax.sip.SipStack;
import javax.sip.TransactionState;
import javax.sip.message.Request;
import javax.sip.message.Response;

import gov.nist.javax.sip.SIPConstants;
import gov.nist.javax.sip.header.ViaList;
import gov.nist.javax.sip.message.SIPMessage;
import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.message.SIPResponse;
import gov.nist.javax.sip.stack.MessageChannel;
import gov.nist.javax.sip.stack.SIPClientTransaction;
import gov.nist.javax.sip.stack.SIPMessageValve;
import gov.nist.javax.sip.stack.SIPServerTransaction;
import gov.nist.javax.sip.stack.SIPServerTransactionImpl;
import gov.nist.javax.sip.stack.SIPTransactionStack;

/**
 * Relays to the caller a 2xx that a callee sends again, as the proxy relayed it the first time.
 *
 * <p>A callee sends its 2xx to an INVITE again until an ACK reaches it (RFC 3261 13.3.1.4), and a proxy relays every
 * such 2xx upstream (16.7, step 5): that is how a call survives an ACK lost past the proxy, or a 2xx lost on its way
 * to the caller. Restcomm 3.2.0-37 drops them: its response dispatcher lets no {@code 200} to an initial INVITE
 * through once the proxy has relayed a final response (the test reads {@code status <= 200} where it means
 * {@code < 200}; fixed in 3.2.0-103, which Maven Central does not have). The caller, or the callee, then waits for an
 * acknowledgement that never comes, and the call fails or is torn down 32 s later.
 *
 * <p>This valve answers such a 2xx from the caller's INVITE server transaction, which the stack keeps for its linger
 * time with the bytes of the 2xx it sent: the caller gets those bytes again, with the SDP that RTPEngine gave the
 * first time, not the callee's own (relaying the callee's copy as it came would show the caller the callee's media
 * address). It takes only a 2xx whose client transaction is gone or over, whose second Via names an INVITE server
 * transaction that sent a 2xx, with the same To tag and CSeq; anything else goes on to the container. A B2BUA's 2xx
 * has one Via, and its dialog acknowledges a 2xx sent again on its own.
 *
 * <p>Read by the SIP stack from {@code gov.nist.javax.sip.SIP_MESSAGE_VALVE}, before {@link StrayResponseValve}.
 */
public final class RelayedAnswerValve implements SIPMessageValve {

    private static final Logger LOG = Logger.getLogger(RelayedAnswerValve.class.getName());

    private final LongAdder relayedAgain = new LongAdder();
    private SIPTransactionStack stack;
    private Field sentBytes;

    @Override
    public boolean processRequest(SIPRequest request, MessageChannel channel) {
        return true;
    }

    @Override
    public boolean processResponse(Response response, MessageChannel channel) {
        if (sentBytes == null || !(response instanceof SIPResponse answer) || answer.getStatusCode() / 100 != 2
                || answer.getCSeq() == null || !Request.INVITE.equals(answer.getCSeq().getMethod())) {
            return true;
        }
        SIPServerTransaction upstream = upstreamTransaction(answer);
        if (upstream == null || isFirstAnswer(answer) || !sentTheSameAnswer(upstream, answer)) {
            return true;
        }
        relayedAgain.increment();
        try {
            upstream.resendLastResponseAsBytes();
            LOG.fine(() -> "call-id=" + answer.getCallId().getCallId() + " " + answer.getStatusCode()
                    + " sent again by the callee: the caller gets the 2xx relayed the first time, again");
        } catch (IOException e) {
            LOG.fine(() -> "call-id=" + answer.getCallId().getCallId() + " the 2xx relayed again could not be sent: " + e);
        }
        return false;
    }

    /** How many 2xx this valve relayed again. */
    long relayedAgain() {
        return relayedAgain.sum();
    }

    /** The INVITE server transaction named by the second Via, the one the proxy received the request on. */
    private SIPServerTransaction upstreamTransaction(SIPResponse answer) {
        ViaList vias = answer.getViaHeaders();
        String branch = vias == null || vias.size() < 2 ? null : vias.get(1).getBranch();
        if (branch == null) {
            return null;
        }
        String key = branch.toLowerCase();
        return key.startsWith(SIPConstants.BRANCH_MAGIC_COOKIE_LOWER_CASE) // jain-sip's transaction ids are lower case
                && stack.findTransaction(key, true) instanceof SIPServerTransaction server
                && server.isInviteTransaction() && server.getLastResponseStatusCode() / 100 == 2 ? server : null;
    }

    /** A client transaction still waiting for its final response relays its first 2xx itself, with the container. */
    private boolean isFirstAnswer(SIPResponse answer) {
        return stack.findTransaction(answer.getTransactionId(), false) instanceof SIPClientTransaction client
                && client.getState() != TransactionState.TERMINATED;
    }

    /** The 2xx the server transaction sent answers for the same callee (To tag) and the same INVITE (CSeq). */
    private boolean sentTheSameAnswer(SIPServerTransaction upstream, SIPResponse answer) {
        SIPMessage sent;
        try {
            if (!(sentBytes.get(upstream) instanceof byte[] bytes)) {
                return false;
            }
            sent = stack.getMessageParserFactory().createMessageParser(stack).parseSIPMessage(bytes, false, false, null);
        } catch (ReflectiveOperationException | java.text.ParseException | RuntimeException e) {
            return false;
        }
        return sent instanceof SIPResponse relayed && relayed.getToTag() != null && relayed.getToTag().equals(answer.getToTag())
                && relayed.getCSeq().getSeqNumber() == answer.getCSeq().getSeqNumber();
    }

    /**
     * The bytes of the last response are a private field of jain-sip-ri 1.3.0-32's server transaction; without them
     * this valve lets every response through to the container, as before.
     */
    @Override
    public void init(SipStack sipStack) {
        if (sipStack instanceof SIPTransactionStack transactions) {
            try {
                Field bytes = SIPServerTransactionImpl.class.getDeclaredField("lastResponseAsBytes");
                bytes.setAccessible(true);
                stack = transactions;
                sentBytes = bytes;
            } catch (ReflectiveOperationException | RuntimeException e) {
                LOG.warning("a callee's 2xx sent again is left to the container, which drops it: " + e);
            }
        }
    }

    @Override
    public void destroy() {
        sentBytes = null;
    }
}
