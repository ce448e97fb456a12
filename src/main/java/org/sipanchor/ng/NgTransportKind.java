package org.sipanchor.ng;

/** How NG messages travel. */
public enum NgTransportKind {
    /** UDP datagrams ({@code --listen-ng}): RTPEngine's default; the client retransmits. */
    UDP,
    /**
     * One TCP connection ({@code --listen-tcp-ng}), messages delimited by their bencode structure; the client
     * reconnects and resends what is in flight when the connection drops.
     */
    TCP
}
