/**
 * The SIP Servlet layer: the bases applications extend and what makes them work in a container. What an application
 * touches: {@link org.sipanchor.servlet.MediaProxyServlet} and {@link org.sipanchor.servlet.MediaB2buaServlet}
 * (through {@link org.sipanchor.servlet.SipAnchorServlet}'s hooks), {@link org.sipanchor.servlet.ProxyTargets},
 * {@link org.sipanchor.servlet.HeaderPolicy}; on containers other than Restcomm, the listeners
 * {@link org.sipanchor.servlet.SipAnchorListener} and {@link org.sipanchor.servlet.MediaSessionGuard} to declare.
 * The rest (CDI start-up, the per-application registry, DTMF delivery, replies to media failures) is machinery.
 */
package org.sipanchor.servlet;
