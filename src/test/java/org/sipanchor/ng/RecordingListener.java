package org.sipanchor.ng;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** Counts what a client reports, for assertions. */
final class RecordingListener implements NgClientListener {

    final AtomicInteger sent = new AtomicInteger();
    final AtomicInteger replies = new AtomicInteger();
    final AtomicInteger retransmits = new AtomicInteger();
    final AtomicInteger timeouts = new AtomicInteger();
    final AtomicInteger protocolErrors = new AtomicInteger();
    final Map<StrayReason, AtomicInteger> strays = new ConcurrentHashMap<>();
    final List<NgReply.Result> results = new CopyOnWriteArrayList<>();
    final List<NgNotification> notifications = new CopyOnWriteArrayList<>();

    @Override
    public void onSent(NgCommand command) {
        sent.incrementAndGet();
    }

    @Override
    public void onReply(NgCommand command, NgReply.Result result, long latencyNanos) {
        if (latencyNanos < 0) {
            throw new AssertionError("negative latency");
        }
        replies.incrementAndGet();
        results.add(result);
    }

    @Override
    public void onRetransmit(NgCommand command) {
        retransmits.incrementAndGet();
    }

    @Override
    public void onTimeout(NgCommand command) {
        timeouts.incrementAndGet();
    }

    @Override
    public void onStrayReply(StrayReason reason) {
        strays.computeIfAbsent(reason, r -> new AtomicInteger()).incrementAndGet();
    }

    @Override
    public void onProtocolError(NgCommand command) {
        protocolErrors.incrementAndGet();
    }

    @Override
    public void onNotification(NgNotification notification) {
        notifications.add(notification);
    }

    int strays(StrayReason reason) {
        AtomicInteger n = strays.get(reason);
        return n == null ? 0 : n.get();
    }

    int allStrays() {
        return strays.values().stream().mapToInt(AtomicInteger::get).sum();
    }
}
