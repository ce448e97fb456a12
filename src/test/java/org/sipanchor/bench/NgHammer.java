package org.sipanchor.bench;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.sipanchor.ng.NgClient;
import org.sipanchor.ng.NgCommand;
import org.sipanchor.ng.NgReply;
import org.sipanchor.ng.NgRequest;
import org.sipanchor.ng.NgTransportKind;
import org.sipanchor.testing.SampleSdp;

/**
 * One client process hammering an rtpengine with offer+delete pairs, checking that every offer reply carries its own
 * call's SDP (the session name is the Call-ID), i.e. that no reply of another client or call ever arrives.
 *
 * <p>Usage: {@code NgHammer HOST PORT CALLS IN_FLIGHT LABEL [udp|tcp]}. Prints {@code OK <calls>} and exits 0, or
 * prints the first mismatch or failure and exits 1.
 */
public final class NgHammer {

    private NgHammer() {
    }

    public static void main(String[] args) throws Exception {
        InetSocketAddress address = new InetSocketAddress(args[0], Integer.parseInt(args[1]));
        int calls = Integer.parseInt(args[2]);
        int inFlight = Integer.parseInt(args[3]);
        String label = args[4];
        NgTransportKind transport = args.length > 5 && args[5].equalsIgnoreCase("tcp") ? NgTransportKind.TCP
                : NgTransportKind.UDP;
        AtomicReference<String> failure = new AtomicReference<>();
        AtomicInteger done = new AtomicInteger();
        try (NgClient client = NgClient.builder().address(address).transport(transport)
                .timeout(Duration.ofSeconds(5)).maxInFlight(inFlight * 2).build()) {
            Semaphore window = new Semaphore(inFlight);
            for (int i = 0; i < calls && failure.get() == null; i++) {
                window.acquire();
                String callId = label + "-" + i;
                NgRequest offer = NgRequest.builder(NgCommand.OFFER).callId(callId).fromTag("a")
                        .sdp(SampleSdp.plainAudio(callId, 40000 + (i % 1000) * 2)).build();
                client.send(offer).thenCompose(reply -> {
                    if (!reply.sdpText().contains("s=" + callId + "\r\n")) {
                        throw new IllegalStateException(callId + " received a foreign reply: " + reply.sdpText());
                    }
                    return client.send(NgRequest.delete(callId, "a"));
                }).whenComplete((NgReply r, Throwable e) -> {
                    if (e != null) {
                        failure.compareAndSet(null, callId + ": " + e);
                    } else if (r.warning().isPresent()) {
                        failure.compareAndSet(null, callId + ": delete warned " + r.warning().get());
                    } else {
                        done.incrementAndGet();
                    }
                    window.release();
                });
            }
            window.tryAcquire(inFlight, 30, TimeUnit.SECONDS);
        }
        if (failure.get() != null || done.get() != calls) {
            System.out.println("FAILED " + done.get() + "/" + calls + ": " + failure.get());
            System.exit(1);
        }
        System.out.println("OK " + calls);
    }
}
