package org.sipanchor.server;

import java.nio.file.Path;

/**
 * The launcher's command line: {@code sipanchor [--config FILE] [--app DIR|WAR|SAR]}. Relative defaults
 * resolve against the installation directory ({@code sipanchor.home}), as server products do. {@code --trial},
 * which {@code bin/sipanchor --write-class-archive} passes, starts on free loopback ports and stops once ready
 * ({@link TrialRun}).
 */
record LaunchOptions(Path config, Path app, boolean trial) {

    static final String USAGE = "usage: sipanchor [--config FILE] [--app DIR|WAR|SAR]";

    static LaunchOptions parse(String[] args, Path home) throws StartupException {
        Path config = home.resolve("server-config/sipanchor.yaml");
        Path app = home.resolve("webapps/sipanchor");
        boolean trial = false;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--trial")) {
                trial = true;
                continue;
            }
            String value;
            String name;
            int equals = arg.indexOf('=');
            if (arg.startsWith("--") && equals > 0) {
                name = arg.substring(0, equals);
                value = arg.substring(equals + 1);
            } else {
                name = arg;
                value = i + 1 < args.length ? args[++i] : null;
            }
            switch (name) {
                case "--config" -> config = Path.of(required(name, value));
                case "--app" -> app = Path.of(required(name, value));
                default -> throw new StartupException("unknown option " + arg + "\n" + USAGE);
            }
        }
        return new LaunchOptions(config.toAbsolutePath().normalize(), app.toAbsolutePath().normalize(), trial);
    }

    private static String required(String name, String value) throws StartupException {
        if (value == null || value.isEmpty()) {
            throw new StartupException(name + " needs a value\n" + USAGE);
        }
        return value;
    }
}
