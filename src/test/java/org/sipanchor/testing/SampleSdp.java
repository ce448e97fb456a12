package org.sipanchor.testing;

/**
 * SDP bodies for tests, as phones and browsers send them. The session name carries a marker (usually the Call-ID)
 * so that a test can tell whose SDP came back.
 */
public final class SampleSdp {

    /** A 30-byte SDES key and salt, base64 (RFC 4568 example). */
    private static final String CRYPTO_KEY = "PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR";

    private SampleSdp() {
    }

    /** A SIP phone offering or answering PCMU, PCMA and telephone-event over plain RTP, sendrecv. */
    public static String plainAudio(String marker, int port) {
        return "v=0\r\n"
                + "o=- 1545997027 1 IN IP4 127.0.0.1\r\n"
                + "s=" + marker + "\r\n"
                + "c=IN IP4 127.0.0.1\r\n"
                + "t=0 0\r\n"
                + "m=audio " + port + " RTP/AVP 0 8 101\r\n"
                + "a=rtpmap:0 PCMU/8000\r\n"
                + "a=rtpmap:8 PCMA/8000\r\n"
                + "a=rtpmap:101 telephone-event/8000\r\n"
                + "a=fmtp:101 0-16\r\n"
                + "a=ptime:20\r\n"
                + "a=sendrecv\r\n";
    }

    /** Like {@link #plainAudio} with another direction attribute (sendonly for publish, recvonly for subscribe). */
    public static String plainAudio(String marker, int port, String direction) {
        return plainAudio(marker, port).replace("a=sendrecv", "a=" + direction);
    }

    /** A phone offering SRTP with SDES keys (RTP/SAVP and a=crypto). */
    public static String srtpAudio(String marker, int port) {
        return "v=0\r\n"
                + "o=- 1545997028 1 IN IP4 127.0.0.1\r\n"
                + "s=" + marker + "\r\n"
                + "c=IN IP4 127.0.0.1\r\n"
                + "t=0 0\r\n"
                + "m=audio " + port + " RTP/SAVP 0 101\r\n"
                + "a=rtpmap:0 PCMU/8000\r\n"
                + "a=rtpmap:101 telephone-event/8000\r\n"
                + "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" + CRYPTO_KEY + "\r\n"
                + "a=sendrecv\r\n";
    }

    /** A browser offering Opus and PCMU over DTLS-SRTP with ICE and rtcp-mux (UDP/TLS/RTP/SAVPF). */
    public static String webrtcAudio(String marker, int port) {
        return "v=0\r\n"
                + "o=- 4611731400430051336 2 IN IP4 127.0.0.1\r\n"
                + "s=" + marker + "\r\n"
                + "t=0 0\r\n"
                + "a=group:BUNDLE 0\r\n"
                + "a=msid-semantic: WMS\r\n"
                + "m=audio " + port + " UDP/TLS/RTP/SAVPF 111 0\r\n"
                + "c=IN IP4 127.0.0.1\r\n"
                + "a=rtcp:9 IN IP4 0.0.0.0\r\n"
                + "a=candidate:1 1 udp 2122260223 127.0.0.1 " + port + " typ host generation 0\r\n"
                + "a=ice-ufrag:Xh3k\r\n"
                + "a=ice-pwd:5cJ8sT2vQp1mWz7rL0bN4yKd\r\n"
                + "a=ice-options:trickle\r\n"
                + "a=fingerprint:sha-256 7B:8B:F0:65:5F:78:E2:51:3B:AC:6F:F3:3F:46:1B:35:DC:B8:5F:64:1A:24:C2:43:F0:"
                + "A1:58:D0:A1:2C:19:08\r\n"
                + "a=setup:actpass\r\n"
                + "a=mid:0\r\n"
                + "a=sendrecv\r\n"
                + "a=rtcp-mux\r\n"
                + "a=rtpmap:111 opus/48000/2\r\n"
                + "a=fmtp:111 minptime=10;useinbandfec=1\r\n"
                + "a=rtpmap:0 PCMU/8000\r\n";
    }
}
