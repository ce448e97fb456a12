package org.sipanchor.servlet;

import java.io.IOException;
import java.util.OptionalInt;

import javax.servlet.sip.SipServletRequest;
import javax.servlet.sip.SipServletResponse;

/**
 * Max-Breadth (RFC 5393): how many parallel branches a request may still fan out into, end to end. A forking proxy
 * divides what it received among its branches, so that a chain of forking proxies cannot multiply one INVITE
 * without bound, and refuses with 440 when it cannot. A forking B2BUA does the same with its B-legs, so that a loop
 * through B2BUAs stays bounded too.
 *
 * <pre>{@code
 * OptionalInt share = MaxBreadth.shareOrRefuse(invite, targets.size());   // answered 400 or 440 when empty
 * if (share.isPresent()) {
 *     MaxBreadth.carry(invite, branchRequest, targets.size(), share.getAsInt());
 * }
 * }</pre>
 */
public final class MaxBreadth {

    /** The value a request without the header is taken to carry (RFC 5393 section 5.3.1). */
    public static final int DEFAULT = 60;
    public static final String HEADER = "Max-Breadth";
    /** 440 Max-Breadth Exceeded (RFC 5393 section 5.4). */
    public static final int SC_MAX_BREADTH_EXCEEDED = 440;

    private MaxBreadth() {
    }

    /** The header's value: {@link #DEFAULT} when absent, empty when it is not a number. */
    public static OptionalInt received(String header) {
        if (header == null || header.isBlank()) {
            return OptionalInt.of(DEFAULT);
        }
        try {
            int value = Integer.parseInt(header.trim());
            return value < 0 ? OptionalInt.empty() : OptionalInt.of(value);
        } catch (NumberFormatException e) {
            return OptionalInt.empty();
        }
    }

    /**
     * What each of {@code branches} parallel branches carries, or empty when {@code received} cannot be shared out
     * (440 Max-Breadth Exceeded). A single branch is no fork and keeps the value as it is.
     */
    public static OptionalInt perBranch(int received, int branches) {
        if (branches <= 1) {
            return OptionalInt.of(received);
        }
        return branches > received ? OptionalInt.empty() : OptionalInt.of(received / branches);
    }

    /**
     * What each of {@code branches} branches of {@code request} may carry; when it cannot be shared out, the request
     * has been answered (400 for a malformed header, 440 for a fork wider than the breadth left) and this is empty.
     */
    public static OptionalInt shareOrRefuse(SipServletRequest request, int branches) throws IOException {
        OptionalInt received = received(request.getHeader(HEADER));
        if (received.isEmpty()) {
            request.createResponse(SipServletResponse.SC_BAD_REQUEST, "Bad Max-Breadth").send();
            return OptionalInt.empty();
        }
        OptionalInt share = perBranch(received.getAsInt(), branches);
        if (share.isEmpty()) {
            request.createResponse(SC_MAX_BREADTH_EXCEEDED, "Max-Breadth Exceeded").send();
        }
        return share;
    }

    /**
     * Puts {@code share} on {@code branch}, one of {@code branches} requests made for {@code received}: always on a fork,
     * and on a single branch only when {@code received} carried the header (RFC 5393 section 5.3.2).
     */
    public static void carry(SipServletRequest received, SipServletRequest branch, int branches, int share) {
        if (branches > 1 || received.getHeader(HEADER) != null) {
            branch.setHeader(HEADER, Integer.toString(share));
        }
    }
}
