package org.sipanchor.net;

import java.io.IOException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The datagrams of one socket: a sender never waits for another. When the socket is free and nothing is queued, the
 * datagram leaves at once on the sender's thread; otherwise it is queued and sent by the outbox's own thread.
 *
 * <p>Why a thread of its own: the JDK serialises the sends of a socket behind a lock held across the system call,
 * and on loopback that call also delivers the datagram to its receiver. With dozens of SIP threads sending on one
 * socket and two cores, the thread holding the lock is often descheduled and every other sender queues behind it:
 * measured on the bundled proxy at 600 calls/s, most SIP threads waited on a socket's lock while a fifth of the CPU
 * was idle, the listener's queue grew past admission's limit and calls failed. Here a sender that finds the socket
 * busy only queues.
 *
 * <p>Why the sender's own thread otherwise: handing every datagram over woke the outbox's thread for each one and
 * put it back to sleep, where the socket was free nearly every time (each send takes microseconds). Measured on the
 * bundled proxy at 500 calls/s: its two sending threads were woken about 2,500 times a second, about 300 once free
 * sockets were sent on at once, and the process took 104 to 113% of a core instead of 112 to 133%
 * (bench/PROFILE.md).
 *
 * <p>Order: datagrams leave in the order they were handed over. A sender sends inline only while it holds the
 * socket's turn and nothing is queued, and the outbox's thread holds that turn from taking a datagram off the queue
 * until it has sent it.
 *
 * <p>Bounded: past {@code capacity} queued datagrams a new one is dropped and counted, as a full socket buffer
 * would drop it (SIP over UDP retransmits; the NG client too); the count is logged at most once per 10 s.
 *
 * @param <T> the datagram as the socket takes it
 */
public final class Outbox<T> implements AutoCloseable {

    /**
     * How one datagram leaves: the socket's own, blocking send. It runs on the sender's thread or the outbox's,
     * one at a time, so it must not mind a thread whose interrupt flag is set (a {@code DatagramSocket} does not; a
     * {@code DatagramChannel} closes itself).
     */
    @FunctionalInterface
    public interface Sender<T> {
        void send(T datagram) throws IOException;
    }

    private static final Logger LOG = Logger.getLogger(Outbox.class.getName());

    private final String name;
    private final Sender<T> sender;
    private final int capacity;
    /**
     * Lock-free, and the thread parks when it runs dry instead of spinning: a lock here would bring back the wait
     * this class removes, and a spinning thread takes a core from the SIP threads on a two-core machine.
     */
    private final ConcurrentLinkedQueue<T> queue = new ConcurrentLinkedQueue<>();
    /** Held by whoever is in the socket's send: a sender only ever tries it, the outbox's thread waits for it. */
    private final ReentrantLock turn = new ReentrantLock();
    private final AtomicInteger queued = new AtomicInteger();
    private final Thread thread;
    private volatile boolean parked;
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final ReportInterval reports = new ReportInterval();
    private volatile boolean closed;

    /**
     * Starts the sending thread ({@code name}, a daemon).
     *
     * @param capacity datagrams queued at most before new ones are dropped
     */
    public Outbox(String name, int capacity, Sender<T> sender) {
        this.name = name;
        this.sender = sender;
        this.capacity = capacity;
        this.thread = new Thread(this::run, name);
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Sends {@code datagram} now if the socket is free and nothing is queued before it, else queues it; false when
     * it was dropped (the outbox full or closed). A send that fails is counted, not thrown: the datagram is lost as
     * if the network had lost it.
     */
    public boolean send(T datagram) {
        if (closed) {
            dropped.incrementAndGet(); // the socket is closing: nothing to report
            return false;
        }
        if (queue.isEmpty() && turn.tryLock()) {
            try {
                if (queue.isEmpty()) {
                    transmit(datagram);
                    return true;
                }
            } finally {
                turn.unlock();
            }
        }
        if (queued.incrementAndGet() <= capacity) {
            queue.offer(datagram);
            if (parked) {
                LockSupport.unpark(thread);
            }
            return true;
        }
        queued.decrementAndGet();
        dropped.incrementAndGet();
        report();
        return false;
    }

    /** Datagrams dropped because the outbox was full or closed. */
    public long dropped() {
        return dropped.get();
    }

    /** Datagrams whose send failed (the socket's error, logged at most once per interval). */
    public long failed() {
        return failed.get();
    }

    private void run() {
        while (true) {
            T next;
            turn.lock();
            try {
                next = queue.poll();
                if (next != null) {
                    queued.decrementAndGet();
                    transmit(next);
                }
            } finally {
                turn.unlock();
            }
            if (next == null) {
                if (closed) {
                    return; // what was queued before close() has left
                }
                parked = true;
                if (queue.isEmpty() && !closed) { // a send() after the poll above saw parked, or is seen here
                    LockSupport.park(this);
                }
                parked = false;
            }
        }
    }

    private void transmit(T datagram) {
        try {
            sender.send(datagram);
        } catch (IOException | RuntimeException e) {
            failed.incrementAndGet();
            LOG.log(Level.FINE, e, () -> name + ": a datagram was not sent");
            report();
        }
    }

    private void report() {
        if (reports.due()) {
            LOG.warning(() -> name + ": " + dropped.get() + " datagrams dropped so far with " + capacity
                    + " already waiting to be sent, and " + failed.get() + " whose send failed");
        }
    }

    /**
     * Stops the thread once what is queued has been sent (at most {@code 1 s}); later sends are dropped. Call it
     * before closing the socket.
     */
    @Override
    public void close() {
        closed = true;
        LockSupport.unpark(thread);
        try {
            thread.join(1_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
