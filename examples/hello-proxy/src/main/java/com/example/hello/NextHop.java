package com.example.hello;

import javax.servlet.sip.ServletParseException;
import javax.servlet.sip.SipFactory;
import javax.servlet.sip.URI;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * Where calls go: the same user at {@code 127.0.0.1:<hello.callee.port>} (a system property of the server's JVM). A CDI
 * bean of the application, listed in web.xml's {@code sipanchor.beans}, injected into {@link HelloProxy}.
 */
@ApplicationScoped
public class NextHop {

    public URI forUser(SipFactory sipFactory, String user) throws ServletParseException {
        String port = System.getProperty("hello.callee.port", "5090");
        return sipFactory.createURI("sip:" + user + "@127.0.0.1:" + port);
    }
}
