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

    private static final int PARSES = 200_000;

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args.length > 0 ? args[0] : "src/test/resources/sdp");
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().getId();
        long sections = 0; // read from every parse and printed, so that the JIT cannot drop the parsing
        System.out.printf("%-26s %6s %10s %12s%n", "fixture", "bytes", "ns/parse", "bytes alloc");
        try (var files = Files.list(dir)) {
            for (Path file : files.filter(p -> p.toString().endsWith(".sdp")).sorted().toList()) {
                byte[] sdp = Files.readAllBytes(file);
                sections += parse(sdp); // warm-up: the JIT compiles the parser
                long allocated = threads.getThreadAllocatedBytes(thread);
                long start = System.nanoTime();
                sections += parse(sdp);
                long nanos = System.nanoTime() - start;
                allocated = threads.getThreadAllocatedBytes(thread) - allocated;
                System.out.printf("%-26s %6d %10d %12d%n", file.getFileName(), sdp.length, nanos / PARSES,
                        allocated / PARSES);
            }
        }
        System.out.println("(media sections read: " + sections + ")");
    }

    /** Parses {@code sdp} {@link #PARSES} times; the media sections read. */
    private static long parse(byte[] sdp) {
        long sections = 0;
        for (int i = 0; i < PARSES; i++) {
            sections += SessionDescription.parse(sdp).media().size();
        }
        return sections;
    }
}
