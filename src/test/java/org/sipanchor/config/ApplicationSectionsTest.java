package org.sipanchor.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The application's own sections of the configuration")
class ApplicationSectionsTest {

    private static SipAnchorConfig parse(String yaml) {
        return SipAnchorConfig.parse(yaml, "sipanchor.yaml", Map.of("PROMPTS", "/srv/prompts"));
    }

    @Test
    @DisplayName("app.settings is free-form, read by name, with sections, defaults and placeholders")
    void settingsAreFreeForm() {
        AppSettings settings = parse("""
                app:
                  settings:
                    prompts: "${PROMPTS}"
                    menu: { timeout_secs: 8, sales: "sip:sales@10.0.0.5", digits: ["1", "2"] }
                    record: true
                """).app().settings();
        assertEquals("/srv/prompts", settings.string("prompts"));
        assertEquals(8, settings.section("menu").integer("timeout_secs", 10));
        assertEquals(Duration.ofSeconds(8), settings.section("menu").seconds("timeout_secs", Duration.ZERO));
        assertEquals(List.of("1", "2"), settings.section("menu").list("digits"));
        assertTrue(settings.bool("record", false));
        assertEquals(3, settings.integer("missing", 3), "a default for what is not set");
        NoSuchElementException absent = assertThrows(NoSuchElementException.class, () -> settings.string("nowhere"));
        assertEquals("app.settings.nowhere is not set", absent.getMessage());
    }

    @Test
    @DisplayName("app.settings must be a mapping; everything beside it stays strictly validated")
    void settingsMustBeAMapping() {
        ConfigException notAMapping = assertThrows(ConfigException.class, () -> parse("app:\n  settings: 5\n"));
        assertTrue(notAMapping.getMessage().startsWith("sipanchor.yaml:2: app.settings:"), notAMapping.getMessage());
        ConfigException unknown = assertThrows(ConfigException.class, () -> parse("app:\n  settings: {}\n  setings: {}\n"));
        assertTrue(unknown.getMessage().contains("app.setings: unknown key"), unknown.getMessage());
    }

    @Test
    @DisplayName("no app.settings gives empty settings")
    void noSettings() {
        assertEquals(AppSettings.EMPTY, parse("").app().settings());
    }

    @Test
    @DisplayName("log.loggers sets levels per logger name, checked like every other value")
    void loggerLevels() {
        LogConfig log = parse("""
                log:
                  level: warn
                  loggers: { com.example.ivr: debug, org.sipanchor.media: trace }
                """).log();
        assertEquals(Map.of("com.example.ivr", LogLevel.DEBUG, "org.sipanchor.media", LogLevel.TRACE), log.loggers());
        ConfigException badLevel = assertThrows(ConfigException.class, () -> parse("log:\n  loggers: { com.example: loud }\n"));
        assertTrue(badLevel.getMessage().startsWith("sipanchor.yaml:2: log.loggers.com.example:"), badLevel.getMessage());
        ConfigException badName = assertThrows(ConfigException.class, () -> parse("log:\n  loggers: { \"com example\": info }\n"));
        assertTrue(badName.getMessage().contains("is not a logger name"), badName.getMessage());
    }
}
