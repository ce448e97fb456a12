package org.sipanchor.servlet;

import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.spi.AfterBeanDiscovery;
import jakarta.enterprise.inject.spi.Extension;
import jakarta.inject.Singleton;

import org.sipanchor.config.AppConfig;
import org.sipanchor.config.AppSettings;
import org.sipanchor.config.LogConfig;
import org.sipanchor.config.MediaConfig;
import org.sipanchor.config.MetricsConfig;
import org.sipanchor.config.SipAnchorConfig;

/**
 * Makes the loaded configuration injectable: the whole record and each section, so a bean asks only
 * for what it uses ({@code @Inject MediaConfig media}).
 */
final class ConfigBeans implements Extension {

    private final SipAnchorConfig config;

    ConfigBeans(SipAnchorConfig config) {
        this.config = config;
    }

    void register(@Observes AfterBeanDiscovery discovery) {
        add(discovery, SipAnchorConfig.class, config);
        add(discovery, AppConfig.class, config.app());
        add(discovery, AppSettings.class, config.app().settings());
        add(discovery, MediaConfig.class, config.media());
        add(discovery, MetricsConfig.class, config.metrics());
        add(discovery, LogConfig.class, config.log());
    }

    private static <T> void add(AfterBeanDiscovery discovery, Class<T> type, T instance) {
        discovery.addBean().types(type, Object.class).scope(Singleton.class).createWith(context -> instance);
    }
}
