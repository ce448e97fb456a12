package org.sipanchor.config;

/**
 * The {@code log:} section. Logs go to standard output, one line per event.
 *
 * @param level          sipanchor's own level
 * @param containerLevel the SIP Servlet container's and Tomcat's level (they are chatty at INFO)
 * @param sipTrace       log every SIP message the application handles; a=crypto keys are masked
 * @param loggers        levels of single loggers and their children by name, e.g. {@code com.example.ivr: debug}
 */
public record LogConfig(LogLevel level, LogLevel containerLevel, boolean sipTrace, java.util.Map<String, LogLevel> loggers) {

    public LogConfig {
        loggers = java.util.Map.copyOf(loggers);
    }
}
