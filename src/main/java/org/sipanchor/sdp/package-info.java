/**
 * The SDP layer: read an SDP body into a small immutable model, shape it (codec filtering, hold, identity
 * masking) and write it back, changing only the lines a transformation touches.
 *
 * <p>Pure Java: no SIP Servlet types, so it is usable and testable without a container. The {@code media} layer
 * bridges it to {@code SipServletMessage} bodies.
 *
 * <pre>{@code
 * SessionDescription sdp = SessionDescription.parse(body);          // SdpException names a bad line
 * byte[] out = sdp.filterCodecs(CodecFilter.keep("PCMA")).maskIdentity("sipanchor").toBytes();
 * }</pre>
 */
package org.sipanchor.sdp;
