package org.sipanchor.servlet;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Set;
import java.util.TreeSet;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import javax.servlet.ServletContext;

/**
 * The classes a web application's own archive holds in a package and its sub-packages: those under
 * {@code WEB-INF/classes} and in the jars of {@code WEB-INF/lib}. They are read through the {@link ServletContext},
 * which every container serves the same way, whether the application is a .war, a .sar or a folder. A class
 * loader's resource URLs would not do: their form is the container's own (Open Liberty's are {@code wsjar:} URLs,
 * and Weld SE's package scan reads only {@code file:} and {@code jar:} ones, so it found nothing there).
 */
final class ArchiveClasses {

    private static final String CLASSES = "/WEB-INF/classes/";
    private static final String LIB = "/WEB-INF/lib/";
    private static final String CLASS_SUFFIX = ".class";

    private ArchiveClasses() {
    }

    /** The binary names of the classes in {@code packageName} and below, sorted; none when the archive has none. */
    static Set<String> inPackage(ServletContext context, String packageName) {
        String packagePath = packageName.isEmpty() ? "" : packageName.replace('.', '/') + "/";
        Set<String> names = new TreeSet<>();
        addFolder(context, CLASSES + packagePath, names);
        Set<String> jars = context.getResourcePaths(LIB);
        if (jars != null) {
            jars.stream().filter(path -> path.endsWith(".jar")).sorted().forEach(jar -> addJar(context, jar, packagePath, names));
        }
        return names;
    }

    private static void addFolder(ServletContext context, String folder, Set<String> names) {
        Deque<String> pending = new ArrayDeque<>();
        pending.push(folder);
        while (!pending.isEmpty()) {
            Set<String> paths = context.getResourcePaths(pending.pop());
            if (paths == null) {
                continue;
            }
            for (String path : paths) {
                if (path.endsWith("/")) {
                    pending.push(path);
                } else if (isClass(path)) {
                    names.add(className(path.substring(CLASSES.length())));
                }
            }
        }
    }

    private static void addJar(ServletContext context, String jar, String packagePath, Set<String> names) {
        try (InputStream in = context.getResourceAsStream(jar)) {
            if (in == null) {
                return;
            }
            try (ZipInputStream zip = new ZipInputStream(in)) {
                for (ZipEntry entry = zip.getNextEntry(); entry != null; entry = zip.getNextEntry()) {
                    String name = entry.getName();
                    if (!entry.isDirectory() && name.startsWith(packagePath) && isClass(name)) {
                        names.add(className(name));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + jar + " of the application", e);
        }
    }

    /** A class file, not a package's or module's descriptor. */
    private static boolean isClass(String path) {
        return path.endsWith(CLASS_SUFFIX) && !path.endsWith("/package-info.class") && !path.endsWith("/module-info.class");
    }

    private static String className(String classFile) {
        return classFile.substring(0, classFile.length() - CLASS_SUFFIX.length()).replace('/', '.');
    }
}
