/**
 * A call's media on RTPEngine, as SIP applications use it. What an application touches:
 * <ul>
 * <li>{@link org.sipanchor.media.RtpEngineService}: the offer / answer / delete lifecycle on SIP messages, and the way
 * to a call's {@link org.sipanchor.media.MediaSession};</li>
 * <li>{@link org.sipanchor.media.MediaSession} and its {@link org.sipanchor.media.Party parties}: play, tones,
 * silence, block, record, {@link org.sipanchor.media.Subscription subscriptions}, by role, never by tag;</li>
 * <li>{@link org.sipanchor.media.Profile}, {@link org.sipanchor.media.Side}, {@link org.sipanchor.media.DtmfEvent},
 * {@link org.sipanchor.media.MediaException} (one type, a kind per SIP reply), and
 * {@link org.sipanchor.media.SdpService} for SDP without RTPEngine.</li>
 * </ul>
 * The rest is machinery the servlet bases use ({@link org.sipanchor.media.MediaCall} is what sipanchor keeps of a
 * call in its application session; {@link org.sipanchor.media.Offer}, {@link org.sipanchor.media.Answer},
 * {@link org.sipanchor.media.SdpBody}, {@link org.sipanchor.media.MediaProfiles},
 * {@link org.sipanchor.media.DtmfEventReceiver}): public because the servlet layer is another package, not meant for
 * applications.
 */
package org.sipanchor.media;
