package org.sipanchor.server;

import java.util.AbstractQueue;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.ToLongFunction;

/**
 * An unbounded blocking queue of two FIFO lanes, whose takers empty the first lane before they take from the second:
 * for a SIP listener, the messages of calls in progress (responses, requests inside a dialog) ahead of new work (new
 * INVITEs, out-of-dialog requests). Past capacity, a single FIFO made every call's BYE, ACK and 200 wait behind every
 * new INVITE queued before it; their senders retransmitted, which added work, and calls already admitted timed out.
 * With the lanes, overload shows as new work waiting, which admission control ({@link AdmittingQueue}) refuses, while
 * the calls in progress go on. Within a lane, order is kept.
 *
 * <p>{@link #offer(Object)} (the {@link BlockingQueue} contract) puts into the second lane; {@link #offer(Object, boolean)}
 * says which. It takes no lock: the lanes are lock-free queues and the takers wait on a semaphore holding one permit per
 * element. A first version under one lock (3 readers and 64 SIP threads on two cores, each datagram taking it twice)
 * made the B2BUA refuse 2,738 of 7,500 calls at 500 calls/s, a rate it had served without a failure.
 *
 * @param <E> the queued element
 */
class TwoLaneQueue<E> extends AbstractQueue<E> implements BlockingQueue<E> {

    private final ConcurrentLinkedQueue<E> first = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<E> second = new ConcurrentLinkedQueue<>();
    /** One permit per element queued and not yet claimed by a taker: a taker holding one will find an element. */
    private final Semaphore elements = new Semaphore(0);
    private final AtomicInteger count = new AtomicInteger();

    /**
     * Queues {@code element} at the end of the first lane ({@code first}) or the second.
     *
     * @return always {@code true}: the queue is unbounded (its users bound what they put in)
     */
    boolean offer(E element, boolean first) {
        if (element == null) {
            throw new NullPointerException();
        }
        count.incrementAndGet();
        (first ? this.first : second).add(element);
        elements.release();
        return true;
    }

    /** Queues {@code element} in the second lane. */
    @Override
    public boolean offer(E element) {
        return offer(element, false);
    }

    @Override
    public void put(E element) {
        offer(element);
    }

    @Override
    public boolean offer(E element, long timeout, TimeUnit unit) {
        return offer(element);
    }

    @Override
    public E take() throws InterruptedException {
        elements.acquire();
        return claimed();
    }

    @Override
    public E poll(long timeout, TimeUnit unit) throws InterruptedException {
        return elements.tryAcquire(timeout, unit) ? claimed() : null;
    }

    @Override
    public E poll() {
        return elements.tryAcquire() ? claimed() : null;
    }

    /** The element {@link #poll()} would take now, or {@code null}. */
    @Override
    public E peek() {
        E head = first.peek();
        return head != null ? head : second.peek();
    }

    /**
     * The smallest {@code stamp} of the two lanes' heads (each lane's oldest element, when stamps grow with time), or
     * {@link Long#MAX_VALUE} when both are empty.
     */
    long oldest(ToLongFunction<? super E> stamp) {
        E a = first.peek();
        E b = second.peek();
        return Math.min(a == null ? Long.MAX_VALUE : stamp.applyAsLong(a), b == null ? Long.MAX_VALUE : stamp.applyAsLong(b));
    }

    @Override
    public int size() {
        return count.get();
    }

    @Override
    public boolean isEmpty() {
        return count.get() == 0;
    }

    @Override
    public int remainingCapacity() {
        return Integer.MAX_VALUE;
    }

    /** Removes {@code element} if it is queued and no taker has claimed a permit for the last element. */
    @Override
    public boolean remove(Object element) {
        if (!elements.tryAcquire()) {
            return false;
        }
        if (first.remove(element) || second.remove(element)) {
            count.decrementAndGet();
            return true;
        }
        elements.release();
        return false;
    }

    @Override
    public int drainTo(Collection<? super E> to) {
        return drainTo(to, Integer.MAX_VALUE);
    }

    @Override
    public int drainTo(Collection<? super E> to, int max) {
        int drained = 0;
        E element;
        while (drained < max && (element = poll()) != null) {
            to.add(element);
            drained++;
        }
        return drained;
    }

    @Override
    public void clear() {
        while (poll() != null) {
            // each leaves as a take would
        }
    }

    /** The elements, first lane then second, in the order they would be taken (weakly consistent, as the lanes are). */
    @Override
    public Iterator<E> iterator() {
        List<E> snapshot = new ArrayList<>(first);
        snapshot.addAll(second);
        return Collections.unmodifiableList(snapshot).iterator();
    }

    /**
     * The element a taker's permit stands for. Every permit was released after its element was added, and each taker
     * claims one permit per element, so one is in a lane; another taker may take the one in the first lane between
     * this taker's two looks, and then one is in a lane still, so it looks again.
     */
    private E claimed() {
        while (true) {
            E element = first.poll();
            if (element == null) {
                element = second.poll();
            }
            if (element != null) {
                count.decrementAndGet();
                return element;
            }
            Thread.onSpinWait();
        }
    }
}
