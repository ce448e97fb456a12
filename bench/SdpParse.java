import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

import org.sipanchor.sdp.SessionDescription;

/**
 * Time and bytes allocated per {@link SessionDescription#parse(byte[])}, for the SDP fixtures of the tests: the
 * parse every offer and answer gets twice on the way to RTPEngine (bench/PROFILE.md).
 *
 * <pre>mvn -q compile &amp;&amp; java -cp target/classes bench/SdpParse.java [src/test/resources/sdp]</pre>
 */
public class SdpParse {

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args.length > 0 ? args[0] : "src/test/resources/sdp");
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().getId();
        System.out.printf("%-26s %6s %10s %12s%n", "fixture", "bytes", "ns/parse", "bytes alloc");
        try (var files = Files.list(dir)) {
            for (Path file : files.filter(p -> p.toString().endsWith(".sdp")).sorted().toList()) {
                byte[] sdp = Files.readAllBytes(file);
                int sink = 0;
                for (int i = 0; i < 200_000; i++) { // warm-up: the JIT compiles the parser
                    sink += SessionDescription.parse(sdp).media().size();
                }
                int n = 200_000;
                long allocated = threads.getThreadAllocatedBytes(tid);
                long start = System.nanoTime();
                for (int i = 0; i < n; i++) {
                    sink += SessionDescription.parse(sdp).media().size();
                }
                long nanos = System.nanoTime() - start;
                allocated = threads.getThreadAllocatedBytes(tid) - allocated;
                System.out.printf("%-26s %6d %10d %12d%s%n", file.getFileName(), sdp.length, nanos / n, allocated / n,
                        sink == 42 ? " " : "");
            }
        }
    }
}
