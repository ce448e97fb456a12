package org.sipanchor.app;

import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.ListIterator;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.logging.Logger;

import javax.servlet.ServletContext;
import javax.servlet.sip.SipServlet;
import javax.servlet.sip.SipServletRequest;
import javax.servlet.sip.SipServletResponse;
import javax.servlet.sip.SipURI;
import javax.servlet.sip.URI;

import org.sipanchor.app.DigestAuthenticator.Outcome;
import org.sipanchor.config.AppConfig;
import org.sipanchor.config.AuthConfig;
import org.sipanchor.config.IpRange;

/**
 * What a new request must pass before the bundled application acts on it, so that no single packet or peer can hurt
 * anyone else's calls: digest authentication (REGISTER always, other initial requests unless their source is
 * trusted), the authenticated user acting only as itself, and loop detection (RFC 3261 section 16.3 step 4). Each
 * check that fails answers the request itself; the caller just stops.
 *
 * <pre>{@code
 * Optional<String> user = gatekeeper.admitRegister(request);   // empty: already answered 401 or 403
 * if (gatekeeper.admit(request, () -> ownAddresses, false)) { relay(request); }
 * }</pre>
 *
 * One per application, held by the {@link Registrar} (its nonces and loop memory are shared by both modes' servlets).
 */
public class Gatekeeper {

    private static final Logger LOG = Logger.getLogger(Gatekeeper.class.getName());

    /** Who authenticated an initial request, for anything downstream that wants to know (a request attribute). */
    public static final String AUTHENTICATED_USER = Gatekeeper.class.getName() + ".user";

    /** How long a relayed request is remembered for loop detection: a transaction's lifetime (64 * T1). */
    static final long REMEMBERED_MILLIS = 32_000;
    /** At most this many relayed requests are remembered; an older one forgotten only misses a loop Max-Forwards ends. */
    static final int REMEMBERED_REQUESTS = 10_000;

    private final AuthConfig auth;
    private final DigestAuthenticator digest;
    private final Clock clock;
    /** Call-ID, From tag, CSeq and Request-URI of recently admitted requests, to their arrival (epoch ms). */
    private final Map<String, Long> recent = new LinkedHashMap<>();

    public Gatekeeper(AppConfig app) {
        this(app.auth(), Clock.systemUTC());
    }

    Gatekeeper(AuthConfig auth, Clock clock) {
        this.auth = auth;
        this.clock = clock;
        this.digest = new DigestAuthenticator(auth, clock);
    }

    /**
     * Authenticates a REGISTER: with authentication off, the user of its To header; otherwise the authenticated
     * user, who must be the To header's user (a user registers only its own address of record). Empty when the
     * request has been answered: 401 with a challenge, 403 for wrong credentials or another user's address.
     */
    public Optional<String> admitRegister(SipServletRequest request) throws IOException {
        String aorUser = userOf(request.getTo().getURI());
        if (!auth.enabled()) {
            return Optional.of(aorUser);
        }
        Optional<String> user = authenticate(request, "Authorization", SipServletResponse.SC_UNAUTHORIZED, "WWW-Authenticate", aorUser);
        if (user.isPresent() && !user.get().equals(aorUser)) {
            refuse(request, "user " + user.get() + " may not register " + request.getTo().getURI());
            return Optional.empty();
        }
        return user;
    }

    /**
     * Admits an initial request other than REGISTER: 482 for a request that looped back here, then, from a source
     * that is not trusted, 407 with a challenge, 403 for wrong credentials or a From user other than the
     * authenticated one. ACK and CANCEL are never challenged (RFC 3261 section 22.1), nor OPTIONS to the server itself.
     *
     * @param ownAddresses the host:port pairs this server puts in its Via headers, worked out only when a request
     *     looks like one seen before
     * @return whether the request may go on; when false it has been answered
     */
    public boolean admit(SipServletRequest request, Supplier<List<String>> ownAddresses, boolean addressedToServer) throws IOException {
        String method = request.getMethod();
        if ("ACK".equals(method) || "CANCEL".equals(method)) {
            return true;
        }
        if (looped(request, ownAddresses)) {
            // a loop is a routing mistake (a contact or next hop pointing back here) the operator should see
            LOG.info(() -> "call-id=" + request.getCallId() + " " + method + " to " + request.getRequestURI() + " looped back here: 482");
            request.createResponse(SipServletResponse.SC_LOOP_DETECTED).send();
            return false;
        }
        if (!auth.enabled() || addressedToServer || trusted(request.getRemoteAddr())) {
            return true;
        }
        String caller = userOf(request.getFrom().getURI());
        Optional<String> user = authenticate(request, "Proxy-Authorization", SipServletResponse.SC_PROXY_AUTHENTICATION_REQUIRED,
                "Proxy-Authenticate", caller);
        if (user.isEmpty()) {
            return false;
        }
        if (!user.get().equals(caller)) {
            refuse(request, "user " + user.get() + " may not call as " + request.getFrom().getURI());
            return false;
        }
        request.setAttribute(AUTHENTICATED_USER, user.get());
        return true;
    }

    /** Whether a source address is in {@code app.auth.trusted}; an address that is not an IP literal never is. */
    public boolean trusted(String remoteAddress) {
        return IpRange.literal(remoteAddress).map(source -> auth.trusted().stream().anyMatch(range -> range.contains(source)))
                .orElse(false);
    }

    private Optional<String> authenticate(SipServletRequest request, String header, int challengeStatus, String challengeHeader,
            String claimedUser) throws IOException {
        Outcome outcome = digest.verify(request.getMethod(), headers(request, header));
        if (outcome instanceof Outcome.Authenticated authenticated) {
            return Optional.of(authenticated.user());
        }
        if (outcome instanceof Outcome.Refused refused) {
            refuse(request, refused.reason() + " for " + claimedUser);
            return Optional.empty();
        }
        boolean stale = ((Outcome.Challenge) outcome).stale();
        SipServletResponse challenge = request.createResponse(challengeStatus);
        ChallengeHeaders.add(challenge, challengeHeader, digest.challenges(stale, Optional.of(claimedUser)));
        challenge.send();
        return Optional.empty();
    }

    private static void refuse(SipServletRequest request, String why) throws IOException {
        // the log says who and why, never the credentials; the peer learns only that it is refused
        LOG.info(() -> "call-id=" + request.getCallId() + " " + request.getMethod() + " from " + request.getRemoteAddr()
                + " refused: " + why);
        request.createResponse(SipServletResponse.SC_FORBIDDEN).send();
    }

    private static List<String> headers(SipServletRequest request, String name) {
        List<String> values = new ArrayList<>();
        ListIterator<String> each = request.getHeaders(name);
        while (each.hasNext()) {
            values.add(each.next());
        }
        return values;
    }

    /**
     * A request that carries this server's own Via and the Call-ID, From tag, CSeq and Request-URI of one it admitted
     * moments ago has come back unchanged: a loop. With another Request-URI it is a spiral (RFC 3261 section 16.3
     * step 4), which goes on; Max-Forwards still ends it if it never stops.
     */
    boolean looped(SipServletRequest request, Supplier<List<String>> ownAddresses) {
        // the request is read outside the lock: only the table is shared (every new request of every call passes here)
        String key = request.getCallId() + "\n" + request.getFrom().getParameter("tag") + "\n" + request.getHeader("CSeq")
                + "\n" + request.getRequestURI();
        long now = clock.millis();
        boolean seen;
        synchronized (recent) {
            Iterator<Map.Entry<String, Long>> oldest = recent.entrySet().iterator();
            while (oldest.hasNext()) {
                Map.Entry<String, Long> entry = oldest.next();
                if (now - entry.getValue() < REMEMBERED_MILLIS && recent.size() <= REMEMBERED_REQUESTS) {
                    break;
                }
                oldest.remove();
            }
            seen = recent.containsKey(key);
            if (!seen) {
                recent.put(key, now);
            }
        }
        if (!seen) {
            return false;
        }
        if (viaFromHere(request, ownAddresses.get())) {
            return true;
        }
        synchronized (recent) {
            recent.put(key, now);
        }
        return false;
    }

    private static boolean viaFromHere(SipServletRequest request, List<String> ownAddresses) {
        ListIterator<String> vias = request.getHeaders("Via");
        while (vias.hasNext()) {
            for (String via : vias.next().split(",")) {
                if (ownAddresses.contains(sentBy(via))) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The sent-by of one Via value, as host:port with the default port 5060 written out. */
    static String sentBy(String via) {
        String[] parts = via.trim().split("\\s+", 2);
        if (parts.length < 2) {
            return "";
        }
        String hostPort = parts[1].split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        boolean hasPort = hostPort.startsWith("[") ? hostPort.contains("]:") : hostPort.contains(":");
        return hasPort ? hostPort : hostPort + ":5060";
    }

    /**
     * This server's sent-by values: the host:port of each of the container's outbound interfaces
     * ({@link SipServlet#OUTBOUND_INTERFACES}) and of the one a request came in on.
     */
    public static List<String> ownAddresses(ServletContext context, SipServletRequest request) {
        List<String> own = new ArrayList<>();
        Object interfaces = context.getAttribute(SipServlet.OUTBOUND_INTERFACES);
        List<?> uris = interfaces instanceof List<?> list ? list : List.of();
        for (Object each : uris) {
            if (!(each instanceof SipURI uri)) {
                continue;
            }
            own.add(sentBy("SIP/2.0/UDP " + hostPort(uri.getHost(), uri.getPort())));
        }
        own.add(sentBy("SIP/2.0/UDP " + hostPort(request.getLocalAddr(), request.getLocalPort())));
        return own;
    }

    private static String hostPort(String host, int port) {
        String h = host != null && host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
        return port > 0 ? h + ":" + port : h;
    }

    private static String userOf(URI uri) {
        return uri instanceof SipURI sip && sip.getUser() != null ? sip.getUser() : "";
    }
}
