package org.sipanchor.config;

/** A SIP signalling transport the embedded container can listen on. */
public enum SipTransport {
    UDP, TCP;

    /** The name the SIP stack uses for it. */
    public String wireName() {
        return name().toLowerCase();
    }
}
