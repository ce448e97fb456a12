package org.sipanchor.servlet;

import java.util.Optional;

import javax.servlet.sip.Address;
import javax.servlet.sip.SipURI;
import javax.servlet.sip.URI;

/**
 * What the proxy writes into its Record-Route about a call's media, so that whoever sees the dialog's next request
 * (this process after a restart, another node) can serve its media without any state: the RTPEngine instance that
 * anchored the call and the call's profile. The UAs copy the Record-Route into the Route of every in-dialog request.
 *
 * <pre>
 * Record-Route: &lt;sip:10.0.0.5:5060;lr;sipanchor-rtpengine=10.0.0.7:2223;sipanchor-profile=srtp_to_rtp;...&gt;
 * </pre>
 *
 * @param rtpengine the instance, as {@code media.rtpengine} names it (every node must name it the same); empty for a
 *                  late offer, whose instance is chosen after the Record-Route went out (the pool then finds the
 *                  call on the instance that has it)
 * @param profile   the call's media profile
 */
record RouteMedia(Optional<String> rtpengine, String profile) {

    /** The Record-Route URI parameter naming the RTPEngine instance ({@code host:port}) that anchored the call. */
    static final String RTPENGINE_PARAMETER = "sipanchor-rtpengine";
    /** The Record-Route URI parameter naming the call's media profile. */
    static final String PROFILE_PARAMETER = "sipanchor-profile";

    /** Writes both parameters into the proxy's Record-Route URI. */
    void writeTo(SipURI recordRoute) {
        rtpengine.ifPresent(instance -> recordRoute.setParameter(RTPENGINE_PARAMETER, instance));
        recordRoute.setParameter(PROFILE_PARAMETER, profile);
    }

    /** What the Route this server popped off a request says; empty when sipanchor anchored nothing for the dialog. */
    static Optional<RouteMedia> of(Address poppedRoute) {
        if (poppedRoute == null || !(poppedRoute.getURI() instanceof SipURI uri)) {
            return Optional.empty();
        }
        return of(uri);
    }

    static Optional<RouteMedia> of(URI route) {
        if (!(route instanceof SipURI uri)) {
            return Optional.empty();
        }
        String profile = uri.getParameter(PROFILE_PARAMETER);
        if (profile == null || profile.isEmpty()) {
            return Optional.empty();
        }
        String instance = uri.getParameter(RTPENGINE_PARAMETER);
        return Optional.of(new RouteMedia(Optional.ofNullable(instance).filter(i -> !i.isEmpty()), profile));
    }
}
