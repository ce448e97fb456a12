package org.sipanchor.server;

import javax.sip.DialogTerminatedEvent;
import javax.sip.IOExceptionEvent;
import javax.sip.RequestEvent;
import javax.sip.ResponseEvent;
import javax.sip.SipListener;
import javax.sip.TimeoutEvent;
import javax.sip.TransactionTerminatedEvent;

/** A SIP stack's listener in a test: it hears only the events it overrides, and ignores the rest. */
interface QuietSipListener extends SipListener {

    @Override
    default void processRequest(RequestEvent event) { }

    @Override
    default void processResponse(ResponseEvent event) { }

    @Override
    default void processTimeout(TimeoutEvent event) { }

    @Override
    default void processIOException(IOExceptionEvent event) { }

    @Override
    default void processTransactionTerminated(TransactionTerminatedEvent event) { }

    @Override
    default void processDialogTerminated(DialogTerminatedEvent event) { }
}
