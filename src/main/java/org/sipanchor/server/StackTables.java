package org.sipanchor.server;

import java.lang.reflect.Field;
import java.util.Map;

import gov.nist.javax.sip.stack.SIPDialog;
import gov.nist.javax.sip.stack.SIPServerTransaction;
import gov.nist.javax.sip.stack.SIPTransactionStack;

/**
 * The tables in which jain-sip keeps its transactions and dialogs. It offers no way to walk them, so they are read
 * from the fields where jain-sip 1.3.0-32 keeps them; a stack that keeps them elsewhere gives none.
 */
final class StackTables {

    private StackTables() {
    }

    /** The server transactions by key, or null if this stack keeps them elsewhere. */
    static Map<?, ? extends SIPServerTransaction> serverTransactions(SIPTransactionStack stack) {
        return table(stack, "serverTransactionTable");
    }

    /** The dialogs past their early state by dialog ID, or null if this stack keeps them elsewhere. */
    static Map<?, ? extends SIPDialog> dialogs(SIPTransactionStack stack) {
        return table(stack, "dialogTable");
    }

    @SuppressWarnings("unchecked")
    private static <V> Map<?, ? extends V> table(SIPTransactionStack stack, String field) {
        try {
            Field table = SIPTransactionStack.class.getDeclaredField(field);
            table.setAccessible(true);
            return table.get(stack) instanceof Map<?, ?> map ? (Map<?, ? extends V>) map : null;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }
}
