package org.sipanchor.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import javax.servlet.ServletContext;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which classes of an application's own archive become its beans: those of its servlet's package, found through
 * the servlet context as any container serves the archive (here an unpacked war, served as Tomcat and Liberty serve
 * one: a folder's paths end in {@code /}, a path the archive lacks has none).
 */
@DisplayName("The classes of an application's archive in its servlet's package")
class ArchiveClassesTest {

    @TempDir
    Path war;

    @BeforeEach
    void layOutWar() throws IOException {
        classFile("WEB-INF/classes/com/example/app/App.class");
        classFile("WEB-INF/classes/com/example/app/App$Inner.class");
        classFile("WEB-INF/classes/com/example/app/package-info.class");
        classFile("WEB-INF/classes/com/example/app/policy/CodecPolicy.class");
        classFile("WEB-INF/classes/com/example/application/Elsewhere.class");
        classFile("WEB-INF/classes/com/example/app/messages.properties");
        jar("WEB-INF/lib/shared.jar", "com/example/app/shared/Shared.class", "com/example/other/Other.class", "com/example/app/");
        Files.writeString(war.resolve("WEB-INF/lib/README.txt"), "not a jar");
    }

    @Test
    @DisplayName("are the package's and its sub-packages' classes, from WEB-INF/classes and the jars of WEB-INF/lib")
    void packageAndSubPackages() {
        assertEquals(Set.of("com.example.app.App", "com.example.app.App$Inner", "com.example.app.policy.CodecPolicy",
                "com.example.app.shared.Shared"), ArchiveClasses.inPackage(servedFrom(war), "com.example.app"));
    }

    @Test
    @DisplayName("leave out a package whose name only starts the same")
    void notAPrefixMatch() {
        assertEquals(Set.of("com.example.application.Elsewhere"),
                ArchiveClasses.inPackage(servedFrom(war), "com.example.application"));
    }

    @Test
    @DisplayName("are none for a package the archive does not hold, nor for an archive without WEB-INF/lib")
    void noneWhereNothingIs() throws IOException {
        assertEquals(Set.of(), ArchiveClasses.inPackage(servedFrom(war), "org.elsewhere"));
        try (Stream<Path> lib = Files.list(war.resolve("WEB-INF/lib"))) {
            for (Path file : lib.toList()) {
                Files.delete(file);
            }
        }
        Files.delete(war.resolve("WEB-INF/lib"));
        assertEquals(Set.of("com.example.app.policy.CodecPolicy"), ArchiveClasses.inPackage(servedFrom(war), "com.example.app.policy"));
    }

    private void classFile(String path) throws IOException {
        Path file = war.resolve(path);
        Files.createDirectories(file.getParent());
        Files.write(file, new byte[] {(byte) 0xCA, (byte) 0xFE, (byte) 0xBA, (byte) 0xBE});
    }

    private void jar(String path, String... entries) throws IOException {
        Path file = war.resolve(path);
        Files.createDirectories(file.getParent());
        try (OutputStream out = Files.newOutputStream(file); ZipOutputStream zip = new ZipOutputStream(out)) {
            for (String entry : entries) {
                zip.putNextEntry(new ZipEntry(entry));
                if (!entry.endsWith("/")) {
                    zip.write(new byte[] {(byte) 0xCA, (byte) 0xFE, (byte) 0xBA, (byte) 0xBE});
                }
                zip.closeEntry();
            }
        }
    }

    /** A servlet context that serves the resources of an unpacked war; nothing else is asked of it here. */
    private static ServletContext servedFrom(Path root) {
        return (ServletContext) Proxy.newProxyInstance(ServletContext.class.getClassLoader(), new Class<?>[] {ServletContext.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getResourcePaths" -> resourcePaths(root, (String) args[0]);
                    case "getResourceAsStream" -> resource(root, (String) args[0]);
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    private static Set<String> resourcePaths(Path root, String folder) throws IOException {
        Path dir = root.resolve(folder.substring(1));
        if (!Files.isDirectory(dir)) {
            return null;
        }
        try (Stream<Path> children = Files.list(dir)) {
            return children.map(child -> folder + child.getFileName() + (Files.isDirectory(child) ? "/" : ""))
                    .collect(Collectors.toSet());
        }
    }

    private static InputStream resource(Path root, String path) {
        Path file = root.resolve(path.substring(1));
        try {
            return Files.isRegularFile(file) ? Files.newInputStream(file) : null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
