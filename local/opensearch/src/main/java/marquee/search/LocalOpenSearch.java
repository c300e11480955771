package marquee.search;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.Tokenizer;
import org.apache.lucene.analysis.cn.smart.HMMChineseTokenizer;
import org.apache.lucene.analysis.cn.smart.SmartChineseAnalyzer;
import org.opensearch.common.logging.LogConfigurator;
import org.opensearch.common.settings.Settings;
import org.opensearch.env.Environment;
import org.opensearch.index.IndexSettings;
import org.opensearch.index.analysis.AbstractIndexAnalyzerProvider;
import org.opensearch.index.analysis.AbstractTokenizerFactory;
import org.opensearch.index.analysis.AnalyzerProvider;
import org.opensearch.index.analysis.TokenizerFactory;
import org.opensearch.indices.analysis.AnalysisModule.AnalysisProvider;
import org.opensearch.node.InternalSettingsPreparer;
import org.opensearch.node.Node;
import org.opensearch.plugins.AnalysisPlugin;
import org.opensearch.plugins.Plugin;

/**
 * One OpenSearch 2.19 node for the local stack and the tests, started in this JVM from the
 * Maven artifacts on the classpath (no distribution tarball, no plugin install step).
 *
 * <pre>java -Xmx512m -cp target/classes:target/lib/* marquee.search.LocalOpenSearch --http-port 8004 --home DIR</pre>
 *
 * Modules are loaded as classpath plugins, by name, so a missing jar stops the start with a
 * message instead of a node that lacks an analyzer. Single node, HTTP on 127.0.0.1 only,
 * disk watermarks off (a developer's full disk must not turn the index read-only). It logs
 * "marquee: node started" once it answers, and closes cleanly on SIGTERM.
 */
public final class LocalOpenSearch {

    /** The modules a default OpenSearch distribution would load that the mappings need. */
    static final List<String> MODULES = List.of(
        "org.opensearch.transport.Netty4Plugin", // HTTP and transport
        "org.opensearch.analysis.common.CommonAnalysisPlugin", // english, stemmers, shingles
        "org.opensearch.painless.PainlessPlugin", // scripts, as on Amazon OpenSearch Service
        "org.opensearch.index.mapper.MapperExtrasPlugin" // search_as_you_type
    );

    private LocalOpenSearch() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> options = parseOptions(args);
        Collection<Class<? extends Plugin>> plugins = plugins(); // before anything is written
        int httpPort = Integer.parseInt(require(options, "--http-port"));
        Path home = Path.of(require(options, "--home")).toAbsolutePath();
        Path config = home.resolve("config");
        Files.createDirectories(config);
        Files.createDirectories(home.resolve("data"));
        Files.createDirectories(home.resolve("logs"));
        Files.writeString(config.resolve("log4j2.properties"), LOG_CONFIG, StandardCharsets.UTF_8);

        Settings settings = Settings.builder()
            .put("cluster.name", "marquee-local")
            .put("node.name", "marquee-local")
            .put("path.home", home.toString())
            .put("path.data", home.resolve("data").toString())
            .put("path.logs", home.resolve("logs").toString())
            .put("network.host", "127.0.0.1")
            .put("http.port", httpPort)
            .put("transport.port", "9300-9400") // bound even alone: the first free one
            .put("discovery.type", "single-node")
            .put("cluster.routing.allocation.disk.threshold_enabled", false)
            .build();
        Environment environment = InternalSettingsPreparer.prepareEnvironment(
            settings, Map.of(), config, () -> "marquee-local");
        LogConfigurator.registerErrorListener();
        LogConfigurator.configure(environment);

        Node node = new ClasspathNode(environment, plugins);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                node.close();
                node.awaitClose(20, TimeUnit.SECONDS);
            } catch (IOException | InterruptedException e) {
                System.err.println("marquee: node did not close cleanly: " + e);
            } finally {
                stopped.countDown();
            }
        }));
        node.start();
        System.out.println("marquee: node started, HTTP on 127.0.0.1:" + httpPort);
        System.out.flush(); // the JVM buffers stdout when it is a file (the service's log)
        stopped.await();
    }

    /** The modules by name (a missing one is fatal) plus the smartcn registration. */
    static Collection<Class<? extends Plugin>> plugins() {
        List<Class<? extends Plugin>> found = new ArrayList<>();
        for (String name : MODULES) {
            try {
                found.add(Class.forName(name).asSubclass(Plugin.class));
            } catch (ClassNotFoundException e) {
                System.err.println("marquee: plugin class " + name + " is not on the classpath;"
                    + " rebuild the launcher with `make install`");
                System.exit(2);
            }
        }
        found.add(SmartChinesePlugin.class);
        return found;
    }

    /**
     * {@link Node}'s three-argument constructor takes classpath plugins; the public one
     * only loads plugins from a distribution's folders. A plain subclass also skips the
     * production bootstrap checks (heap equal to max, mmap count, file descriptors), which
     * only the {@code opensearch} start script's Bootstrap adds.
     */
    static final class ClasspathNode extends Node {
        ClasspathNode(Environment environment, Collection<Class<? extends Plugin>> plugins) {
            super(environment, plugins, true);
        }
    }

    /**
     * The {@code smartcn} analyzer and {@code smartcn_tokenizer}, under the names Amazon
     * OpenSearch Service's bundled analysis-smartcn plugin gives them, from the Lucene module
     * of the server's own Lucene version (that plugin is not published on Maven). The index
     * mappings name {@code smartcn}, so they are the same here and on AWS.
     */
    public static final class SmartChinesePlugin extends Plugin implements AnalysisPlugin {
        @Override
        public Map<String, AnalysisProvider<AnalyzerProvider<? extends Analyzer>>> getAnalyzers() {
            return Map.of("smartcn", SmartChineseProvider::new);
        }

        @Override
        public Map<String, AnalysisProvider<TokenizerFactory>> getTokenizers() {
            return Map.of("smartcn_tokenizer", SmartChineseTokenizerFactory::new);
        }
    }

    static final class SmartChineseProvider extends AbstractIndexAnalyzerProvider<SmartChineseAnalyzer> {
        private final SmartChineseAnalyzer analyzer = new SmartChineseAnalyzer();

        SmartChineseProvider(IndexSettings index, Environment environment, String name, Settings settings) {
            super(index, name, settings);
        }

        @Override
        public SmartChineseAnalyzer get() {
            return analyzer;
        }
    }

    static final class SmartChineseTokenizerFactory extends AbstractTokenizerFactory {
        SmartChineseTokenizerFactory(IndexSettings index, Environment environment, String name, Settings settings) {
            super(index, settings, name);
        }

        @Override
        public Tokenizer create() {
            return new HMMChineseTokenizer();
        }
    }

    private static Map<String, String> parseOptions(String[] args) {
        if (args.length % 2 != 0) {
            usage("options come in pairs");
        }
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i < args.length; i += 2) {
            options.put(args[i], args[i + 1]);
        }
        return options;
    }

    private static String require(Map<String, String> options, String name) {
        String value = options.get(name);
        if (value == null) {
            usage("missing " + name);
        }
        return value;
    }

    private static void usage(String problem) {
        System.err.println("marquee: " + problem + "\nusage: LocalOpenSearch --http-port PORT --home DIR");
        System.exit(64);
    }

    /** Console only (the caller writes it to .local/logs/opensearch.log): warnings, plus
     * the node's own start and stop lines. */
    private static final String LOG_CONFIG = String.join("\n",
        "status = error",
        "appender.console.type = Console",
        "appender.console.name = console",
        "appender.console.layout.type = PatternLayout",
        "appender.console.layout.pattern = [%d{ISO8601}][%-5p][%-25c{1.}] %m%n",
        "rootLogger.level = warn",
        "rootLogger.appenderRef.console.ref = console",
        "logger.node.name = org.opensearch.node.Node",
        "logger.node.level = info",
        "");
}
