package org.sipanchor.config;

/** Log levels as operators name them. */
public enum LogLevel {
    ERROR, WARN, INFO, DEBUG, TRACE
}
