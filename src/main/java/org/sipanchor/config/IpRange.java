package org.sipanchor.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * An address block in CIDR notation ({@code 10.0.0.0/8}, {@code 2001:db8::/32}) or a single address. Parsing
 * takes IP literals only and never touches DNS: a trust decision must not depend on a name server.
 */
public record IpRange(InetAddress network, int prefix) {

    /** An IPv4 or IPv6 literal, the latter with or without brackets: what may be parsed without a name server. */
    private static final Pattern LITERAL = Pattern.compile("[0-9.]+|\\[?[0-9A-Fa-f:.]*:[0-9A-Fa-f:.%\\w]*]?");

    /** The address {@code text} is, when it is an IP literal; empty for a host name or anything else (no DNS). */
    public static Optional<InetAddress> literal(String text) {
        if (text == null || !LITERAL.matcher(text).matches()) {
            return Optional.empty();
        }
        try {
            return Optional.of(InetAddress.getByName(text.replace("[", "").replace("]", "")));
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }

    /**
     * @throws IllegalArgumentException naming what is wrong with the text
     */
    public static IpRange parse(String text) {
        String trimmed = text.trim();
        int slash = trimmed.indexOf('/');
        String address = slash < 0 ? trimmed : trimmed.substring(0, slash);
        InetAddress network = literal(address).orElseThrow(
                () -> new IllegalArgumentException("\"" + text + "\" is not an IP address or address/prefix"));
        int bits = network.getAddress().length * 8;
        int prefix = bits;
        if (slash >= 0) {
            try {
                prefix = Integer.parseInt(trimmed.substring(slash + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("\"" + text + "\" has no prefix length after /");
            }
            if (prefix < 0 || prefix > bits) {
                throw new IllegalArgumentException("\"" + text + "\": the prefix length must be 0 to " + bits);
            }
        }
        return new IpRange(network, prefix);
    }

    /** Whether {@code address} lies in this block; an IPv4 address is never in an IPv6 block, nor the reverse. */
    public boolean contains(InetAddress address) {
        byte[] mine = network.getAddress();
        byte[] theirs = address.getAddress();
        if (mine.length != theirs.length) {
            return false;
        }
        for (int bit = 0; bit < prefix; bit++) {
            int mask = 0x80 >>> (bit % 8);
            if ((mine[bit / 8] & mask) != (theirs[bit / 8] & mask)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return network.getHostAddress() + "/" + prefix;
    }
}
