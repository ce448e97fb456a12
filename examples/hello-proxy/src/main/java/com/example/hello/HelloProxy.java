package com.example.hello;

import java.util.List;

import javax.servlet.ServletException;
import javax.servlet.sip.SipServletRequest;
import javax.servlet.sip.SipURI;

import jakarta.inject.Inject;

import org.sipanchor.servlet.MediaProxyServlet;
import org.sipanchor.servlet.ProxyTargets;

/**
 * Sends every call to the same user at one next hop ({@link NextHop}), with its media anchored on RTPEngine: the whole
 * media lifecycle is {@link MediaProxyServlet}'s.
 */
public class HelloProxy extends MediaProxyServlet {
    private static final long serialVersionUID = 1L;

    @Inject
    private transient NextHop nextHop;

    @Override
    protected ProxyTargets targets(SipServletRequest request) throws ServletException {
        String user = ((SipURI) request.getRequestURI()).getUser();
        return ProxyTargets.to(List.of(nextHop.forUser(sipFactory(), user)));
    }
}
