package org.sipanchor.testing;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The messages one class logs during each test, at or above a level, for tests that check what is logged (and what
 * is not: a secret, a line per packet).
 *
 * <pre>{@code
 * @RegisterExtension
 * final LogCapture log = LogCapture.of(MediaFailureReply.class);
 *
 * assertTrue(log.messages().get(0).contains("call-id=..."));
 * }</pre>
 */
public final class LogCapture implements BeforeEachCallback, AfterEachCallback {

    private final Logger logger;
    private final Level threshold;
    private final List<String> messages = new CopyOnWriteArrayList<>();
    private final Handler handler = new Handler() {
        @Override
        public void publish(LogRecord record) {
            if (record.getLevel().intValue() >= threshold.intValue()) {
                messages.add(record.getMessage());
            }
        }

        @Override
        public void flush() {
            // nothing buffered
        }

        @Override
        public void close() {
            // nothing held
        }
    };

    private LogCapture(Class<?> source, Level threshold) {
        this.logger = Logger.getLogger(source.getName());
        this.threshold = threshold;
    }

    /** Every message of {@code source}'s logger. */
    public static LogCapture of(Class<?> source) {
        return new LogCapture(source, Level.ALL);
    }

    /** The messages of {@code source}'s logger at {@code level} or above. */
    public static LogCapture of(Class<?> source, Level level) {
        return new LogCapture(source, level);
    }

    /** What was logged so far in this test, oldest first. */
    public List<String> messages() {
        return messages;
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        messages.clear();
        logger.addHandler(handler);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        logger.removeHandler(handler);
    }
}
