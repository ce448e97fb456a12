/**
 * The NG control protocol of RTPEngine 10.5: bencode, typed requests and replies, and a client over UDP or TCP.
 * No SIP types here: the media layer maps SIP messages to {@link org.sipanchor.ng.NgRequest}s.
 *
 * <pre>{@code
 * try (NgClient rtpengine = NgClient.builder().address("127.0.0.1", 22222).build()) {
 *     NgReply offer = rtpengine.execute(NgRequest.builder(NgCommand.OFFER)
 *             .callId(callId).fromTag(fromTag).viaBranch(branch)
 *             .sdp(sdp)
 *             .transportProtocol("RTP/AVP").ice("remove").rtcpMux("demux")
 *             .replace("origin", "session connection")
 *             .build());
 *     byte[] rewritten = offer.sdp();
 *     ...
 *     rtpengine.execute(NgRequest.delete(callId, fromTag));
 * } catch (NgErrorException e) {           // result: error (e.reason()); NgLoadLimitException for load limit
 *     if (e.isCapacityRefusal()) { ... try another instance ... }
 * } catch (NgTimeoutException e) {         // no reply within the timeout, retransmissions included
 * } catch (NgException e) {                // protocol, transport, overload, closed, interrupted
 * }
 * }</pre>
 *
 * <ul>
 *   <li>{@link org.sipanchor.ng.Bencode}: strict, bounded codec; byte strings stay bytes.</li>
 *   <li>{@link org.sipanchor.ng.NgRequest} and {@link org.sipanchor.ng.NgVocabulary}: every request is checked
 *       against what RTPEngine 10.5 honours, since the daemon silently ignores unknown keys, flags and values.</li>
 *   <li>{@link org.sipanchor.ng.NgClient}: unique cookies, retransmission, matching by cookie and address, bounded
 *       in-flight requests, typed {@link org.sipanchor.ng.NgException}s naming instance, command and Call-ID.</li>
 *   <li>{@link org.sipanchor.ng.NgClientListener}: hooks for metrics, no dependency on a metrics library.</li>
 * </ul>
 */
package org.sipanchor.ng;
