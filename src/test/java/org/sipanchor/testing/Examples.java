package org.sipanchor.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The example applications of {@code examples/}, as the build made them: maven-invoker-plugin builds each one against
 * the sipanchor artifact this build staged, into {@code target/examples/<name>/} (the {@code sipanchor.examples}
 * property), before the end-to-end tests run.
 */
public final class Examples {

    private Examples() {
    }

    /** The war of {@code examples/<name>}, whose pom names it {@code <name>.war}. */
    public static Path war(String name) {
        Path root = Path.of(System.getProperty("sipanchor.examples", "target/examples"));
        Path war = root.resolve(name).resolve("target").resolve(name + ".war");
        if (!Files.isRegularFile(war)) {
            throw new IllegalStateException(war + " is missing: the examples are built by mvn verify (maven-invoker-plugin),"
                    + " see " + root.resolve(name).resolve("build.log"));
        }
        return war;
    }
}
