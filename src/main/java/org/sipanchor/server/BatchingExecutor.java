package org.sipanchor.server;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.logging.Level;
import java.util.logging.Logger;

import org.mobicents.servlet.sip.core.SipApplicationDispatcherImpl;

/**
 * The container's executor for work off the SIP threads, run in batches: what is handed to it within
 * {@value #BATCH_MILLIS} ms runs together, on one pooled thread woken for the batch, instead of each task waking a
 * thread of its own.
 *
 * <p>Restcomm 3.2.0-37 hands every ended transaction's clean-up (and an ended dialog's, a timed-out transaction's, a
 * CANCEL's dispatch, an application's asynchronous work) to one {@code ThreadPoolExecutor}, whose idle threads wait
 * on its queue: each task woke a thread and put it back to sleep. That is up to four tasks per proxied call (the
 * INVITE's and the BYE's transactions on each side; more for a B2BUA, whose dialogs end there too), and in a profile
 * of the proxy at 1,400 calls/s the executor's threads had 7% of the samples, two thirds of them in the kernel's
 * switching between threads. None of that work waits on the
 * caller: the stack has already answered, and Restcomm's CANCEL dispatch runs after its 200 to the CANCEL is sent.
 *
 * <p>A task that blocks (an application's {@code doCancel} waiting on RTPEngine) holds its own batch only: the next
 * batch goes to another of the pool's threads, which takes every task queued since.
 */
final class BatchingExecutor extends ThreadPoolExecutor {

    /** How long tasks are gathered before a thread is woken for them. */
    static final long BATCH_MILLIS = 10;

    private static final Logger LOG = Logger.getLogger(BatchingExecutor.class.getName());

    private final Queue<Runnable> pending = new ConcurrentLinkedQueue<>();
    /** Set by the first task of a batch, cleared when the batch is handed to the pool. */
    private final AtomicBoolean gathering = new AtomicBoolean();
    private final Thread gatherer;
    /** Set by {@link #shutdownNow()}: a batch still running stops taking tasks. */
    private volatile boolean stopped;

    /** Runs its batches on a pool shaped like {@code replaced} (same size, same thread factory). */
    BatchingExecutor(ThreadPoolExecutor replaced) {
        super(replaced.getCorePoolSize(), Math.max(replaced.getCorePoolSize(), replaced.getMaximumPoolSize()),
                replaced.getKeepAliveTime(TimeUnit.SECONDS), TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                replaced.getThreadFactory(), replaced.getRejectedExecutionHandler());
        gatherer = new Thread(this::gather, "sipanchor-container-batches");
        gatherer.setDaemon(true);
        gatherer.start();
    }

    /**
     * Puts a batching executor in place of {@code dispatcher}'s own; keeps the container's and says so if this
     * Restcomm does not keep it where 3.2.0-37 does.
     */
    static void install(SipApplicationDispatcherImpl dispatcher) {
        try {
            Field field = SipApplicationDispatcherImpl.class.getDeclaredField("asynchronousExecutor");
            field.setAccessible(true);
            if (field.get(dispatcher) instanceof ThreadPoolExecutor own && !(own instanceof BatchingExecutor)) {
                field.set(dispatcher, new BatchingExecutor(own));
                own.shutdown();
                return;
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.log(Level.FINE, "container executor not replaced", e);
        }
        LOG.warning("this container's executor is not the one sipanchor was built on: each ended transaction's"
                + " clean-up wakes a thread of its own");
    }

    @Override
    public void execute(Runnable task) {
        if (isShutdown()) {
            getRejectedExecutionHandler().rejectedExecution(task, this);
            return;
        }
        pending.add(task);
        if (gathering.compareAndSet(false, true)) {
            LockSupport.unpark(gatherer);
        }
    }

    private void gather() {
        while (!isShutdown()) {
            if (!gathering.get()) {
                LockSupport.park(this);
                continue;
            }
            try {
                Thread.sleep(BATCH_MILLIS);
            } catch (InterruptedException e) {
                break;
            }
            // Cleared before the batch is handed on: a task queued after this starts the next batch, and one queued
            // before it is taken by this batch's drain, which runs after.
            gathering.set(false);
            try {
                super.execute(this::drain);
            } catch (RejectedExecutionException e) {
                break;
            }
        }
    }

    private void drain() {
        Runnable task;
        while (!stopped && (task = pending.poll()) != null) {
            try {
                task.run();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "a container task failed", e);
            }
        }
    }

    /** Runs what was handed over so far, then stops, as {@link ThreadPoolExecutor#shutdown()} does. */
    @Override
    public void shutdown() {
        if (!pending.isEmpty() && !isShutdown()) {
            super.execute(this::drain);
        }
        super.shutdown();
        gatherer.interrupt();
    }

    /** Returns the tasks never run; the pool's own queue only ever holds batches. */
    @Override
    public List<Runnable> shutdownNow() {
        stopped = true;
        super.shutdownNow();
        gatherer.interrupt();
        List<Runnable> notRun = new ArrayList<>();
        Runnable task;
        while ((task = pending.poll()) != null) {
            notRun.add(task);
        }
        return notRun;
    }
}
