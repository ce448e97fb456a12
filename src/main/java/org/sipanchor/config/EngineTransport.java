package org.sipanchor.config;

/** How sipanchor talks NG to RTPEngine: UDP ({@code --listen-ng}) or TCP ({@code --listen-tcp-ng}). */
public enum EngineTransport {
    UDP, TCP
}
