package org.sipanchor.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.mobicents.servlet.sip.catalina.SipStandardService;
import org.mobicents.servlet.sip.core.SipApplicationDispatcherImpl;
import org.mobicents.servlet.sip.core.SipService;
import org.mobicents.servlet.sip.startup.StaticServiceHolder;

@DisplayName("The container's executor runs what it is handed in batches, never losing a task")
class BatchingExecutorTest {

    /** Shaped like Restcomm's: 15 threads, an unbounded queue, a factory that counts the threads it makes. */
    private final AtomicInteger threadsMade = new AtomicInteger();
    private final ThreadPoolExecutor containers = new ThreadPoolExecutor(15, 64, 90, TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(), task -> {
                threadsMade.incrementAndGet();
                Thread thread = new Thread(task, "test-MSS-Executor-Thread");
                thread.setDaemon(true);
                return thread;
            });
    private final BatchingExecutor executor = new BatchingExecutor(containers);

    @AfterEach
    void stop() {
        executor.shutdownNow();
        containers.shutdownNow();
    }

    @Test
    @DisplayName("a burst of tasks runs in the order handed over, without a thread woken for each")
    void burstRunsInOrderOnFewThreads() throws Exception {
        int tasks = 200;
        List<Integer> ran = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch done = new CountDownLatch(tasks);
        for (int i = 0; i < tasks; i++) {
            int n = i;
            executor.execute(() -> {
                ran.add(n);
                done.countDown();
            });
        }
        assertTrue(done.await(5, TimeUnit.SECONDS), "only " + ran.size() + " of " + tasks + " tasks ran");
        List<Integer> expected = new ArrayList<>();
        for (int i = 0; i < tasks; i++) {
            expected.add(i);
        }
        assertEquals(expected, ran);
        // Restcomm's own executor makes all 15 of its threads for such a burst, one per task until it has them.
        assertTrue(threadsMade.get() <= 3, threadsMade.get() + " threads made for one burst");
    }

    @Test
    @DisplayName("a task that blocks holds back only its own batch")
    void blockedTaskHoldsOnlyItsBatch() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch blocking = new CountDownLatch(1);
        executor.execute(() -> {
            blocking.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertTrue(blocking.await(5, TimeUnit.SECONDS), "the blocking task never started");
        CountDownLatch later = new CountDownLatch(1);
        executor.execute(later::countDown);
        try {
            assertTrue(later.await(5, TimeUnit.SECONDS), "a task queued behind a blocked one never ran");
        } finally {
            release.countDown();
        }
    }

    @Test
    @DisplayName("shut down, it first runs every task handed over")
    void shutdownRunsWhatWasHandedOver() throws Exception {
        AtomicInteger ran = new AtomicInteger();
        for (int i = 0; i < 50; i++) {
            executor.execute(ran::incrementAndGet);
        }
        executor.shutdown();
        assertTrue(executor.awaitTermination(5, TimeUnit.SECONDS), "the executor did not terminate");
        assertEquals(50, ran.get());
    }

    @Test
    @DisplayName("stopped at once, each task has either run once or is returned")
    void shutdownNowAccountsForEveryTask() throws Exception {
        int tasks = 1_000;
        Set<Runnable> ranTasks = Collections.synchronizedSet(new HashSet<>());
        AtomicInteger ranTwice = new AtomicInteger();
        List<Runnable> handed = new ArrayList<>();
        for (int i = 0; i < tasks; i++) {
            Runnable task = new Runnable() {
                @Override
                public void run() {
                    if (!ranTasks.add(this)) {
                        ranTwice.incrementAndGet();
                    }
                }
            };
            handed.add(task);
            executor.execute(task);
        }
        List<Runnable> notRun = executor.shutdownNow();
        assertTrue(executor.awaitTermination(5, TimeUnit.SECONDS), "the executor did not terminate");
        assertEquals(0, ranTwice.get(), "tasks that ran twice");
        Set<Runnable> accounted = new HashSet<>(ranTasks);
        for (Runnable task : notRun) {
            assertTrue(accounted.add(task), "a task returned as not run had run");
        }
        assertEquals(new HashSet<>(handed), accounted);
    }

    @Test
    @DisplayName("shut down, it hands what comes later to the rejection handler it took over")
    void rejectsAfterShutdown() {
        List<Runnable> rejected = new ArrayList<>();
        containers.setRejectedExecutionHandler((task, pool) -> rejected.add(task));
        BatchingExecutor withHandler = new BatchingExecutor(containers);
        withHandler.shutdown();
        Runnable late = () -> { };
        withHandler.execute(late);
        assertEquals(List.of(late), rejected);
    }

    @Test
    @DisplayName("it takes the place of the executor of Restcomm's dispatcher, which is shut down")
    void installsInRestcommsDispatcher() throws Exception {
        // the dispatcher's constructor reads the container's service from this static, as it does at start-up
        SipService running = StaticServiceHolder.sipStandardService;
        SipApplicationDispatcherImpl dispatcher;
        try {
            StaticServiceHolder.sipStandardService = new SipStandardService();
            dispatcher = new SipApplicationDispatcherImpl();
        } finally {
            StaticServiceHolder.sipStandardService = running;
        }
        Field field = SipApplicationDispatcherImpl.class.getDeclaredField("asynchronousExecutor");
        field.setAccessible(true);
        field.set(dispatcher, containers);

        BatchingExecutor.install(dispatcher);

        BatchingExecutor installed = assertInstanceOf(BatchingExecutor.class, dispatcher.getAsynchronousExecutor());
        try {
            assertTrue(containers.isShutdown(), "the container's own executor still runs");
            assertEquals(15, installed.getCorePoolSize());
        } finally {
            installed.shutdownNow();
        }
    }
}
