package org.sipanchor.config;

/** Which bundled servlet handles calls. */
public enum AppMode {
    /** A stateful, record-routing proxy: one dialog end to end. */
    PROXY,
    /** A back-to-back user agent: two dialogs, one per leg. */
    B2BUA
}
