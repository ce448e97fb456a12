package org.sipanchor.config;

/**
 * What sipanchor does with an offered media section RTPEngine does not anchor: media over TCP ({@code TCP/MSRP},
 * {@code TCP/BFCP}, {@code TCP/TLS/...}). RTPEngine 10.5 relays UDP only: it passes {@code m=message ... TCP/MSRP}
 * through with the endpoint's own port and address, and gives {@code TCP/BFCP} a UDP port nobody can use. Either
 * would let media bypass the anchor and reveal the endpoint's address.
 */
public enum NonRtpSections {
    /** The section is refused the RFC 3264 way (port 0, no endpoint address or attribute left); the call goes on. */
    DISABLE,
    /** The whole offer is refused with 488, naming the section. */
    REFUSE
}
