package org.sipanchor.ng;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Bencode, the encoding of RTPEngine's NG dictionaries.
 *
 * <p>Byte strings are bytes: they decode to {@code byte[]} so that an SDP body comes back exactly as RTPEngine sent it,
 * whatever its charset. Dictionary keys decode to {@code String} (UTF-8). Integers decode to {@code Long}. Decoded
 * lists and dictionaries are unmodifiable; dictionaries keep the order of the wire.
 *
 * <p>The decoder is strict and bounded: any input either decodes or fails with a {@link BencodeException} of a
 * specific {@link BencodeException.Kind}, after work proportional to the input length. A declared string length is
 * checked against the bytes actually present before anything is allocated, and nesting is bounded by
 * {@link Limits#maxDepth()}, so neither a hostile nor a broken reply can cause an {@code OutOfMemoryError}, a
 * {@code StackOverflowError} or a hang.
 *
 * <pre>{@code
 * byte[] wire = Bencode.encode(Map.of("command", "ping"));       // d7:command4:pinge
 * Map<String, Object> reply = Bencode.decodeDictionary(bytes, 0, bytes.length, Bencode.Limits.DEFAULT);
 * }</pre>
 */
public final class Bencode {

    /**
     * Bounds applied while decoding.
     *
     * @param maxDepth    deepest nesting of lists and dictionaries (a flat dictionary is depth 1); at most 512
     * @param maxElements most values (strings, integers, lists, dictionaries) in one document
     * @param maxLength   longest document, and so longest byte string, in bytes
     */
    public record Limits(int maxDepth, int maxElements, int maxLength) {

        /** Far above anything RTPEngine 10.5 sends (its replies nest about 8 deep), far below harm. */
        public static final Limits DEFAULT = new Limits(64, 1_000_000, 16 * 1024 * 1024);

        public Limits {
            if (maxDepth < 1 || maxDepth > 512) {
                throw new IllegalArgumentException("maxDepth must be in 1..512 (recursion is bounded by it): " + maxDepth);
            }
            if (maxElements < 1) {
                throw new IllegalArgumentException("maxElements must be positive: " + maxElements);
            }
            if (maxLength < 1) {
                throw new IllegalArgumentException("maxLength must be positive: " + maxLength);
            }
        }
    }

    /** Deep enough for any NG request; guards against cyclic structures handed to the encoder. */
    private static final int MAX_ENCODE_DEPTH = 64;

    private Bencode() {
    }

    /**
     * Encodes a value: {@code byte[]}, {@code String} (as UTF-8), {@code Integer}/{@code Long}/{@code Short}/{@code Byte},
     * a {@code Collection} (as a list) or a {@code Map} with {@code String} keys (as a dictionary, keys sorted by their
     * UTF-8 bytes as bencode requires).
     *
     * @throws IllegalArgumentException for {@code null}, any other type, or nesting deeper than 64
     */
    public static byte[] encode(Object value) {
        Sink sink = new Sink(256);
        sink.writeValue(value, 0);
        return sink.toByteArray();
    }

    /** Decodes one complete value occupying all of {@code data}, with {@link Limits#DEFAULT}. */
    public static Object decode(byte[] data) throws BencodeException {
        return decode(data, 0, data.length, Limits.DEFAULT);
    }

    /** Decodes one complete value occupying exactly {@code data[offset, offset+length)}. */
    public static Object decode(byte[] data, int offset, int length, Limits limits) throws BencodeException {
        return new Decoder(data, offset, length, limits, true).whole();
    }

    /** Like {@link #decode(byte[], int, int, Limits)}, and the value must be a dictionary. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> decodeDictionary(byte[] data, int offset, int length, Limits limits)
            throws BencodeException {
        if (length > 0 && data[offset] != 'd') {
            throw new BencodeException(BencodeException.Kind.MALFORMED, 0, "expected a dictionary");
        }
        return (Map<String, Object>) decode(data, offset, length, limits);
    }

    /**
     * Like {@link #decodeDictionary}, validating the whole document just as strictly, but building only the top level:
     * nested lists and dictionaries are built on first access. The client reads {@code result} and {@code sdp} of
     * every reply, and rarely the statistics RTPEngine attaches to a {@code delete}; this saves most of the decoding.
     * The returned structures keep a copy of the range, not {@code data}, which the caller may reuse.
     */
    @SuppressWarnings("unchecked")
    static Map<String, Object> decodeDictionaryLazily(byte[] data, int offset, int length, Limits limits)
            throws BencodeException {
        if (length > 0 && data[offset] != 'd') {
            throw new BencodeException(BencodeException.Kind.MALFORMED, 0, "expected a dictionary");
        }
        byte[] own = Arrays.copyOfRange(data, offset, offset + length);
        return (Map<String, Object>) new Decoder(own, 0, length, limits, true, true).whole();
    }

    /**
     * Length of the first complete value at {@code data[offset]}, or -1 if the range ends before the value does.
     * Validates as strictly as {@link #decode} but allocates nothing: stream transports use it to find where one
     * message ends.
     */
    static int measure(byte[] data, int offset, int length, Limits limits) throws BencodeException {
        Decoder d = new Decoder(data, offset, length, limits, false);
        try {
            d.value(0);
        } catch (BencodeException e) {
            if (e.kind() == BencodeException.Kind.TRUNCATED) {
                return -1;
            }
            throw e;
        }
        return d.pos - offset;
    }

    /** Growable byte buffer that writes bencode. */
    private static final class Sink {
        private byte[] buf;
        private int len;

        Sink(int capacity) {
            buf = new byte[Math.max(16, capacity)];
        }

        void write(int b) {
            ensure(1);
            buf[len++] = (byte) b;
        }

        void write(byte[] b) {
            write(b, 0, b.length);
        }

        void write(byte[] b, int off, int n) {
            ensure(n);
            System.arraycopy(b, off, buf, len, n);
            len += n;
        }

        byte[] toByteArray() {
            return Arrays.copyOf(buf, len);
        }

        private void ensure(int n) {
            if (len + n > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + n));
            }
        }

        private void writeDecimal(long v) {
            // Long.toString allocates; this runs for every string length of every request.
            if (v == Long.MIN_VALUE) {
                write(Long.toString(v).getBytes(StandardCharsets.US_ASCII));
                return;
            }
            if (v < 0) {
                write('-');
                v = -v;
            }
            int digits = 1;
            for (long t = v; t >= 10; t /= 10) {
                digits++;
            }
            ensure(digits);
            for (int i = len + digits - 1; i >= len; i--) {
                buf[i] = (byte) ('0' + (v % 10));
                v /= 10;
            }
            len += digits;
        }

        void writeString(byte[] b) {
            writeDecimal(b.length);
            write(':');
            write(b);
        }

        void writeValue(Object value, int depth) {
            if (depth > MAX_ENCODE_DEPTH) {
                throw new IllegalArgumentException("structure nested deeper than " + MAX_ENCODE_DEPTH + " (cyclic?)");
            }
            if (value instanceof byte[] b) {
                writeString(b);
            } else if (value instanceof String s) {
                writeString(s.getBytes(StandardCharsets.UTF_8));
            } else if (value instanceof Long || value instanceof Integer || value instanceof Short
                    || value instanceof Byte) {
                write('i');
                writeDecimal(((Number) value).longValue());
                write('e');
            } else if (value instanceof Collection<?> c) {
                write('l');
                for (Object o : c) {
                    writeValue(o, depth + 1);
                }
                write('e');
            } else if (value instanceof Map<?, ?> m) {
                writeDictionary(m, depth);
            } else if (value == null) {
                throw new IllegalArgumentException("bencode has no null");
            } else {
                throw new IllegalArgumentException("bencode cannot encode a " + value.getClass().getName()
                        + " (use byte[], String, Integer/Long, List or Map<String,?>)");
            }
        }

        private void writeDictionary(Map<?, ?> m, int depth) {
            byte[][] keys = new byte[m.size()][];
            Object[] values = new Object[m.size()];
            int i = 0;
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (!(e.getKey() instanceof String k)) {
                    throw new IllegalArgumentException("dictionary keys must be Strings: " + e.getKey());
                }
                keys[i] = k.getBytes(StandardCharsets.UTF_8);
                values[i] = e.getValue();
                i++;
            }
            // Bencode orders keys by raw bytes, unsigned; sort an index rather than the two arrays together.
            Integer[] order = new Integer[keys.length];
            for (int j = 0; j < order.length; j++) {
                order[j] = j;
            }
            Arrays.sort(order, (a, b) -> Arrays.compareUnsigned(keys[a], keys[b]));
            write('d');
            for (Integer j : order) {
                writeString(keys[j]);
                if (values[j] == null) {
                    throw new IllegalArgumentException("bencode has no null (key '"
                            + new String(keys[j], StandardCharsets.UTF_8) + "')");
                }
                writeValue(values[j], depth + 1);
            }
            write('e');
        }
    }

    private static final class Decoder {
        /** Past this many keys in one dictionary, duplicates are found with a hash set instead of comparisons. */
        private static final int LINEAR_KEY_CHECK = 32;

        private final byte[] b;
        private final int start;
        private final int end;
        private final Limits limits;
        private final boolean capped;
        private final boolean lazyNested;
        private boolean build;
        private int pos;
        private int elements;
        // Keys of the dictionaries being scanned without building (offset, length), for the duplicate check.
        private int[] keyOffsets = new int[16];
        private int[] keyLengths = new int[16];
        private int keyCount;

        Decoder(byte[] b, int offset, int length, Limits limits, boolean build) throws BencodeException {
            this(b, offset, length, limits, build, false);
        }

        Decoder(byte[] b, int offset, int length, Limits limits, boolean build, boolean lazyNested)
                throws BencodeException {
            if (offset < 0 || length < 0 || offset + length > b.length) {
                throw new IndexOutOfBoundsException("range " + offset + "+" + length + " outside " + b.length);
            }
            this.b = b;
            this.start = offset;
            this.pos = offset;
            this.limits = limits;
            this.build = build;
            this.lazyNested = lazyNested;
            // A stream buffer may hold more than one message: measuring only needs the limit to cap one value.
            this.capped = !build && length > limits.maxLength();
            this.end = capped ? offset + limits.maxLength() : offset + length;
            if (build && length > limits.maxLength()) {
                throw fail(BencodeException.Kind.TOO_LONG, "document of " + length + " bytes exceeds the limit of "
                        + limits.maxLength());
            }
        }

        private BencodeException fail(BencodeException.Kind kind, String message) {
            return new BencodeException(kind, pos - start, message);
        }

        private BencodeException truncatedOrTooLong() {
            // When measuring, the window is capped at maxLength: running off it means the value is too long.
            if (capped) {
                return fail(BencodeException.Kind.TOO_LONG, "value longer than the limit of " + limits.maxLength());
            }
            return fail(BencodeException.Kind.TRUNCATED, "input ends inside a value");
        }

        /** The one value that must fill the whole range: decoding a document, not finding where one ends. */
        Object whole() throws BencodeException {
            Object value = value(0);
            if (pos != end) {
                throw fail(BencodeException.Kind.TRAILING_DATA, (end - pos) + " bytes after the end of the value");
            }
            return value;
        }

        Object value(int depth) throws BencodeException {
            if (pos >= end) {
                throw truncatedOrTooLong();
            }
            if (++elements > limits.maxElements()) {
                throw fail(BencodeException.Kind.TOO_MANY_ELEMENTS, "more than " + limits.maxElements() + " values");
            }
            byte c = b[pos];
            if (c == 'i') {
                pos++;
                return integer();
            }
            if (c == 'l' || c == 'd') {
                if (build && lazyNested && depth >= 1) {
                    // Inside the top-level dictionary: validate fully now, build on first access.
                    int from = pos;
                    build = false;
                    try {
                        if (c == 'l') {
                            list(depth + 1);
                        } else {
                            dictionary(depth + 1);
                        }
                    } finally {
                        build = true;
                    }
                    return c == 'l' ? new LazyList(b, from, pos - from, limits)
                            : new LazyMap(b, from, pos - from, limits);
                }
                return c == 'l' ? list(depth + 1) : dictionary(depth + 1);
            }
            if (c >= '0' && c <= '9') {
                return string();
            }
            throw fail(BencodeException.Kind.MALFORMED, "unexpected byte 0x" + Integer.toHexString(c & 0xff));
        }

        private Long integer() throws BencodeException {
            boolean negative = false;
            if (pos < end && b[pos] == '-') {
                negative = true;
                pos++;
            }
            int digitsStart = pos;
            long v = 0;
            while (true) {
                if (pos >= end) {
                    throw truncatedOrTooLong();
                }
                byte c = b[pos];
                if (c == 'e') {
                    break;
                }
                if (c < '0' || c > '9') {
                    throw fail(BencodeException.Kind.MALFORMED, "non-digit in integer");
                }
                if (pos - digitsStart >= 19) {
                    throw fail(BencodeException.Kind.MALFORMED, "integer longer than 19 digits");
                }
                v = v * 10 + (c - '0');
                pos++;
            }
            int digits = pos - digitsStart;
            if (digits == 0) {
                throw fail(BencodeException.Kind.MALFORMED, "integer without digits");
            }
            if (digits > 1 && b[digitsStart] == '0') {
                throw fail(BencodeException.Kind.MALFORMED, "integer with a leading zero");
            }
            if (negative && v == 0) {
                throw fail(BencodeException.Kind.MALFORMED, "negative zero");
            }
            if (v < 0) {
                // 19 digits can exceed Long.MAX_VALUE; the multiplication then wraps negative.
                throw fail(BencodeException.Kind.MALFORMED, "integer out of 64-bit range");
            }
            pos++;
            return build ? (negative ? -v : v) : null;
        }

        private int stringLength() throws BencodeException {
            int digitsStart = pos;
            long n = 0;
            while (true) {
                if (pos >= end) {
                    throw truncatedOrTooLong();
                }
                byte c = b[pos];
                if (c == ':') {
                    break;
                }
                if (c < '0' || c > '9') {
                    throw fail(BencodeException.Kind.MALFORMED, "non-digit in string length");
                }
                if (pos - digitsStart >= 10) {
                    throw fail(BencodeException.Kind.TOO_LONG, "string length with more than 10 digits");
                }
                n = n * 10 + (c - '0');
                pos++;
            }
            if (pos - digitsStart > 1 && b[digitsStart] == '0') {
                throw fail(BencodeException.Kind.MALFORMED, "string length with a leading zero");
            }
            if (n > limits.maxLength()) {
                throw fail(BencodeException.Kind.TOO_LONG, "string of " + n + " bytes exceeds the limit of "
                        + limits.maxLength());
            }
            pos++;
            if (n > end - pos) {
                throw truncatedOrTooLong();
            }
            return (int) n;
        }

        private byte[] string() throws BencodeException {
            int n = stringLength();
            byte[] out = build ? Arrays.copyOfRange(b, pos, pos + n) : null;
            pos += n;
            return out;
        }

        private List<Object> list(int depth) throws BencodeException {
            checkDepth(depth);
            pos++;
            List<Object> out = build ? new ArrayList<>() : null;
            while (true) {
                if (pos >= end) {
                    throw truncatedOrTooLong();
                }
                if (b[pos] == 'e') {
                    pos++;
                    return build ? Collections.unmodifiableList(out) : null;
                }
                Object v = value(depth);
                if (build) {
                    out.add(v);
                }
            }
        }

        private Map<String, Object> dictionary(int depth) throws BencodeException {
            checkDepth(depth);
            pos++;
            Map<String, Object> out = build ? new LinkedHashMap<>() : null;
            // RTPEngine does not sort its keys (its README says so), so order is not checked; duplicates are.
            int firstKey = keyCount;
            java.util.Set<String> manyKeys = null;
            try {
                while (true) {
                    if (pos >= end) {
                        throw truncatedOrTooLong();
                    }
                    if (b[pos] == 'e') {
                        pos++;
                        return build ? Collections.unmodifiableMap(out) : null;
                    }
                    int keyAt = pos;
                    if (b[pos] < '0' || b[pos] > '9') {
                        throw fail(BencodeException.Kind.MALFORMED, "dictionary key is not a byte string");
                    }
                    if (++elements > limits.maxElements()) {
                        throw fail(BencodeException.Kind.TOO_MANY_ELEMENTS, "more than " + limits.maxElements()
                                + " values");
                    }
                    int n = stringLength();
                    int keyStart = pos;
                    pos += n;
                    String k = null;
                    if (build) {
                        k = new String(b, keyStart, n, StandardCharsets.UTF_8);
                    } else if (manyKeys == null && keyCount - firstKey < LINEAR_KEY_CHECK) {
                        for (int i = firstKey; i < keyCount; i++) {
                            if (keyLengths[i] == n && Arrays.equals(b, keyOffsets[i], keyOffsets[i] + n, b, keyStart,
                                    keyStart + n)) {
                                pos = keyAt;
                                throw fail(BencodeException.Kind.MALFORMED, "duplicate dictionary key");
                            }
                        }
                        pushKey(keyStart, n);
                    } else {
                        if (manyKeys == null) {
                            manyKeys = new java.util.HashSet<>();
                            for (int i = firstKey; i < keyCount; i++) {
                                manyKeys.add(new String(b, keyOffsets[i], keyLengths[i], StandardCharsets.ISO_8859_1));
                            }
                        }
                        if (!manyKeys.add(new String(b, keyStart, n, StandardCharsets.ISO_8859_1))) {
                            pos = keyAt;
                            throw fail(BencodeException.Kind.MALFORMED, "duplicate dictionary key");
                        }
                    }
                    Object v = value(depth);
                    if (build && out.put(k, v) != null) {
                        pos = keyAt;
                        throw fail(BencodeException.Kind.MALFORMED, "duplicate dictionary key '" + k + "'");
                    }
                }
            } finally {
                keyCount = firstKey;
            }
        }

        private void pushKey(int offset, int length) {
            if (keyCount == keyOffsets.length) {
                keyOffsets = Arrays.copyOf(keyOffsets, keyCount * 2);
                keyLengths = Arrays.copyOf(keyLengths, keyCount * 2);
            }
            keyOffsets[keyCount] = offset;
            keyLengths[keyCount] = length;
            keyCount++;
        }

        private void checkDepth(int depth) throws BencodeException {
            if (depth > limits.maxDepth()) {
                throw fail(BencodeException.Kind.TOO_DEEP, "nested deeper than " + limits.maxDepth());
            }
        }
    }

    /** Decodes a range that {@link Decoder} already validated completely: failure would be a bug here. */
    private static Object decodeValidated(byte[] b, int offset, int length, Limits limits) {
        try {
            return new Decoder(b, offset, length, limits, true).value(0);
        } catch (BencodeException e) {
            throw new IllegalStateException("bencode validated earlier failed to decode", e);
        }
    }

    /** A dictionary decoded on first access, from bytes that were validated when it was created. */
    private static final class LazyMap extends java.util.AbstractMap<String, Object> {
        private final byte[] src;
        private final int offset;
        private final int length;
        private final Limits limits;
        private volatile Map<String, Object> decoded;

        LazyMap(byte[] src, int offset, int length, Limits limits) {
            this.src = src;
            this.offset = offset;
            this.length = length;
            this.limits = limits;
        }

        @SuppressWarnings("unchecked")
        private Map<String, Object> map() {
            Map<String, Object> m = decoded;
            if (m == null) {
                m = (Map<String, Object>) decodeValidated(src, offset, length, limits);
                decoded = m; // racing threads decode the same bytes to equal maps: harmless
            }
            return m;
        }

        @Override
        public java.util.Set<Entry<String, Object>> entrySet() {
            return map().entrySet();
        }

        @Override
        public Object get(Object key) {
            return map().get(key);
        }

        @Override
        public boolean containsKey(Object key) {
            return map().containsKey(key);
        }

        @Override
        public int size() {
            return map().size();
        }
    }

    /** A list decoded on first access, from bytes that were validated when it was created. */
    private static final class LazyList extends java.util.AbstractList<Object> {
        private final byte[] src;
        private final int offset;
        private final int length;
        private final Limits limits;
        private volatile List<Object> decoded;

        LazyList(byte[] src, int offset, int length, Limits limits) {
            this.src = src;
            this.offset = offset;
            this.length = length;
            this.limits = limits;
        }

        @SuppressWarnings("unchecked")
        private List<Object> list() {
            List<Object> l = decoded;
            if (l == null) {
                l = (List<Object>) decodeValidated(src, offset, length, limits);
                decoded = l;
            }
            return l;
        }

        @Override
        public Object get(int index) {
            return list().get(index);
        }

        @Override
        public int size() {
            return list().size();
        }
    }
}
