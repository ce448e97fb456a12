package org.sipanchor.config;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The address a proxy node of a farm writes in its Record-Route instead of its own ({@code app.record_route}): the
 * load balancer's, so that the dialog's later requests (re-INVITE, UPDATE, BYE) come back through the load balancer,
 * which hands them to a live node, rather than straight to the node that set the call up, dead or alive. The node also
 * takes a Route header naming this address for its own, so that it handles what the load balancer hands it.
 *
 * @param host      an IP literal or a host name, as the load balancer is reached
 * @param port      its port
 * @param transport {@code udp} or {@code tcp} when the Record-Route must say so
 */
public record RecordRouteAddress(String host, int port, Optional<String> transport) {

    private static final Pattern SHAPE = Pattern.compile(
            "sip:(\\[[0-9A-Fa-f:.]+\\]|[A-Za-z0-9.-]+):(\\d{1,5})(?:;transport=(udp|tcp))?", Pattern.CASE_INSENSITIVE);

    /**
     * Reads {@code sip:host:port} or {@code sip:host:port;transport=udp|tcp}.
     *
     * @throws IllegalArgumentException saying what is wrong
     */
    static RecordRouteAddress parse(String text) {
        Matcher m = SHAPE.matcher(text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("must be sip:host:port (optionally ;transport=udp or tcp), the load balancer's"
                    + " address, not \"" + text.trim() + "\"");
        }
        int port = Integer.parseInt(m.group(2));
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be 1 to 65535 (got " + port + ")");
        }
        return new RecordRouteAddress(m.group(1).toLowerCase(), port, Optional.ofNullable(m.group(3)).map(String::toLowerCase));
    }

    /**
     * The parameter that tells the load balancer an in-dialog request is a farm's, to be handed to a node rather than
     * routed on (Kamailio's {@code $(route_uri{uri.param,farm}) == "1"} in {@code deploy/kamailio/dispatcher.cfg}).
     */
    public static final String FARM_PARAMETER = "farm";

    /** The URI of the Record-Route with the farm's mark, without the parameters the container adds. */
    public String uri() {
        return "sip:" + host + ":" + port + transport.map(name -> ";transport=" + name).orElse("") + ";" + FARM_PARAMETER + "=1";
    }

    /** {@code host:port}: how the container matches a Route header against its own addresses. */
    public String hostPort() {
        return host + ":" + port;
    }
}
