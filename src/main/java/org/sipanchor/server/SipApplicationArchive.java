package org.sipanchor.server;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * A SIP Servlet application to deploy: an exploded folder, a .war or a .sar (the same zip). Its
 * {@code WEB-INF/sip.xml} names it, and the default application router needs that name.
 */
record SipApplicationArchive(Path location, String appName) {

    private static final String DESCRIPTOR = "WEB-INF/sip.xml";
    private static final Pattern APP_NAME = Pattern.compile("<app-name>\\s*([^<\\s]+)\\s*</app-name>");

    static SipApplicationArchive open(Path location) throws StartupException {
        if (!Files.exists(location)) {
            throw new StartupException("application " + location + " does not exist");
        }
        String descriptor;
        try {
            if (Files.isDirectory(location)) {
                Path sipXml = location.resolve(DESCRIPTOR);
                if (!Files.isRegularFile(sipXml)) {
                    throw new StartupException("application " + location + " has no " + DESCRIPTOR);
                }
                descriptor = Files.readString(sipXml);
            } else {
                descriptor = readFromZip(location);
            }
        } catch (IOException e) {
            throw new StartupException("application " + location + " cannot be read: " + e.getMessage(), e);
        }
        Matcher name = APP_NAME.matcher(descriptor);
        if (!name.find()) {
            throw new StartupException("application " + location + ": " + DESCRIPTOR + " has no <app-name>");
        }
        return new SipApplicationArchive(location, name.group(1));
    }

    private static String readFromZip(Path archive) throws IOException, StartupException {
        String fileName = archive.getFileName().toString();
        if (!fileName.endsWith(".war") && !fileName.endsWith(".sar")) {
            throw new StartupException("application " + archive + " is neither a folder nor a .war or .sar");
        }
        try (ZipFile zip = new ZipFile(archive.toFile())) {
            ZipEntry entry = zip.getEntry(DESCRIPTOR);
            if (entry == null) {
                throw new StartupException("application " + archive + " has no " + DESCRIPTOR);
            }
            try (InputStream in = zip.getInputStream(entry)) {
                return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            }
        }
    }
}
