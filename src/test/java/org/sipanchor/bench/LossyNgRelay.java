package org.sipanchor.bench;

import java.net.InetSocketAddress;

import org.sipanchor.testing.LossyUdpRelay;

/**
 * The lossy network of {@code bench/faults.sh}: a UDP relay in front of rtpengine's NG port that drops a share of the
 * datagrams each way. Prints the port to send to on its first line, then relays until killed; on SIGTERM it prints
 * what it forwarded and dropped.
 *
 * <pre>
 * java -cp target/test-classes org.sipanchor.bench.LossyNgRelay 127.0.0.1:22222 0.2
 * </pre>
 */
public final class LossyNgRelay {

    private LossyNgRelay() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: LossyNgRelay <host:port of rtpengine's NG> <share dropped each way, 0.0 to 1.0>");
            System.exit(2);
        }
        String[] target = args[0].split(":");
        double drop = Double.parseDouble(args[1]);
        LossyUdpRelay relay = new LossyUdpRelay(new InetSocketAddress(target[0], Integer.parseInt(target[1])), drop, drop, 11L);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> System.out.println(relay)));
        System.out.println(relay.address().getPort());
        System.out.flush();
        Thread.currentThread().join();
    }
}
