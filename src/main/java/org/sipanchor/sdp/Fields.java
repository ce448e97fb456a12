package org.sipanchor.sdp;

import java.util.ArrayList;
import java.util.List;

/**
 * The fields of an SDP line's value: RFC 4566 section 5 separates them with one space; tabs and runs of either are
 * accepted, as from many endpoints. The result is {@code value.strip().split("[ \t]+", limit)}, without compiling
 * that pattern again for each of the dozen lines every offer and answer has (bench/SdpParse.java measures parsing).
 */
final class Fields {

    private Fields() {
    }

    /** Every field of {@code value}; one empty field when it is blank. */
    static String[] of(String value) {
        return of(value, 0);
    }

    /**
     * The first {@code limit - 1} fields of {@code value}, then the rest of it as it is (from the start of the next
     * field); every field when {@code limit} is 0 or less.
     */
    static String[] of(String value, int limit) {
        String s = value.strip();
        List<String> fields = new ArrayList<>(8);
        int start = 0;
        int i = 0;
        while (i < s.length()) {
            if (isSeparator(s.charAt(i))) {
                if (limit > 0 && fields.size() == limit - 1) {
                    break;
                }
                fields.add(s.substring(start, i));
                while (i < s.length() && isSeparator(s.charAt(i))) {
                    i++;
                }
                start = i;
            } else {
                i++;
            }
        }
        fields.add(s.substring(start));
        return fields.toArray(String[]::new);
    }

    private static boolean isSeparator(char c) {
        return c == ' ' || c == '\t';
    }
}
