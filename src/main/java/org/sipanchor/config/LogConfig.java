package org.sipanchor.config;

/**
 * The {@code log:} section. Logs go to standard output, one line per event.
 *
 * @param level          sipanchor's own level
 * @param containerLevel the SIP Servlet container's and Tomcat's level (they are chatty at INFO)
 * @param sipTrace       log every SIP message the application handles; a=crypto keys are masked
 */
public record LogConfig(LogLevel level, LogLevel containerLevel, boolean sipTrace) {
}
