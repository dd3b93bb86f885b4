package io.sluice.spark.input;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Resolves the references of a Kafka client setting to a secret kept elsewhere, in the syntax of
 * Kafka's config providers (KIP-297; {@code ${provider:[path:]key}}):
 *
 * <pre>
 * ${file:PATH:KEY}   the value of KEY in the Java properties file PATH (Kafka's FileConfigProvider)
 * ${dir:DIR:FILE}    the content of the file DIR/FILE, without its trailing line breaks (Kafka's
 *                    DirectoryConfigProvider, 2.7, keeps them; Sluice drops them, as for every
 *                    password file it reads: bin/sluice kafka's truststore.password, flume-env.sh)
 * ${env:VAR}         the environment variable VAR (Kafka's EnvVarConfigProvider, 3.5)
 * </pre>
 *
 * <p>Why Sluice resolves them: the job's Kafka clients are Spark 2.4's kafka-clients 2.0, whose
 * {@code AbstractConfig} does not resolve references (client-side {@code config.providers} came
 * with Kafka 2.3, KIP-421; in 2.0 only Connect's workers use {@code ConfigTransformer}), and whose
 * {@code ConfigTransformer} mis-parses a value holding {@code ${env:X}} followed by a second
 * reference. A reference that cannot be resolved fails, naming the reference and never a value
 * (Kafka would leave it in place, unresolved).
 */
final class KafkaConfigReferences {

  /** The providers Sluice resolves. */
  static final Set<String> PROVIDERS = Set.of("file", "dir", "env");

  /** Kafka's own pattern (ConfigTransformer, 2.1 and later): provider, optional path, key. */
  private static final Pattern REFERENCE = Pattern.compile("\\$\\{([^}]*?):(([^}]*?):)?([^}]*?)\\}");

  private KafkaConfigReferences() {}

  /** Whether {@code value} holds at least one {@code ${provider:...}} reference. */
  static boolean hasReferences(String value) {
    return REFERENCE.matcher(value).find();
  }

  /**
   * {@code value} with each reference replaced by what it refers to; with {@code jaasQuoted},
   * {@code \} and {@code "} of the substituted text are escaped, for a reference written inside a
   * double-quoted JAAS option ({@code password="${...}"}).
   *
   * @throws IllegalArgumentException naming the reference that cannot be resolved (never a value)
   */
  static String resolve(String value, boolean jaasQuoted) {
    Matcher m = REFERENCE.matcher(value);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String resolved = lookUp(m.group(), m.group(1), m.group(3), m.group(4));
      if (jaasQuoted) {
        resolved = resolved.replace("\\", "\\\\").replace("\"", "\\\"");
      }
      m.appendReplacement(out, Matcher.quoteReplacement(resolved));
    }
    m.appendTail(out);
    return out.toString();
  }

  private static String lookUp(String reference, String provider, String path, String key) {
    switch (provider) {
      case "file": {
        Path file = path(reference, path);
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
          p.load(in);
        } catch (IOException | IllegalArgumentException e) {
          throw new IllegalArgumentException(reference + ": cannot read properties file " + file + " (" + e + ")");
        }
        String v = p.getProperty(key);
        if (v == null) {
          throw new IllegalArgumentException(reference + ": " + file + " has no key " + key);
        }
        return nonEmpty(reference, v);
      }
      case "dir": {
        Path dir = path(reference, path);
        if (key.isEmpty() || key.contains("/") || key.contains("\\") || key.equals(".") || key.equals("..")) {
          throw new IllegalArgumentException(reference + ": the key must be the name of a file in " + dir);
        }
        Path file = dir.resolve(key);
        String s;
        try {
          s = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
          throw new IllegalArgumentException(reference + ": cannot read " + file + " (" + e + ")");
        }
        int end = s.length();
        while (end > 0 && (s.charAt(end - 1) == '\n' || s.charAt(end - 1) == '\r')) {
          end--;
        }
        return nonEmpty(reference, s.substring(0, end));
      }
      case "env": {
        if (path != null) {
          throw new IllegalArgumentException(reference + ": an environment variable has no path: write ${env:NAME}");
        }
        String v = System.getenv(key);
        if (v == null) {
          throw new IllegalArgumentException(reference + ": environment variable " + key + " is not set");
        }
        return nonEmpty(reference, v);
      }
      default:
        throw new IllegalArgumentException(reference + ": unknown provider " + provider
            + " (Sluice resolves ${file:PATH:KEY}, ${dir:DIR:FILE} and ${env:VAR})");
    }
  }

  private static Path path(String reference, String path) {
    if (path == null || path.isEmpty()) {
      throw new IllegalArgumentException(reference + ": missing path: write ${provider:PATH:KEY}");
    }
    try {
      return Paths.get(path);
    } catch (InvalidPathException e) {
      throw new IllegalArgumentException(reference + ": bad path (" + e.getMessage() + ")");
    }
  }

  private static String nonEmpty(String reference, String value) {
    if (value.isEmpty()) {
      throw new IllegalArgumentException(reference + " is empty");
    }
    return value;
  }
}
