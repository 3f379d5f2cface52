package dev.balancekit.boundary;

import static org.assertj.core.api.Assertions.assertThat;

import dev.balancekit.BalanceLedger;
import java.io.IOException;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReader;
import java.lang.module.ModuleReference;
import java.lang.module.ResolvedModule;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The API boundary of {@code dev.balancekit.core}: what its module descriptor exports, and that a
 * host module cannot compile against the engine package.
 */
class ModuleBoundaryTest {

    private static final String CORE = "dev.balancekit.core";

    @TempDir
    Path dir;

    @Test
    void descriptor_exportsExactlyTheApiPackages_andOpensNothing() {
        ModuleDescriptor core = compiledDescriptor();

        assertThat(core.name()).isEqualTo(CORE);
        assertThat(core.isOpen()).isFalse();
        assertThat(core.opens()).isEmpty();
        assertThat(core.exports())
                .allSatisfy(e ->
                        assertThat(e.isQualified()).as("qualified export " + e).isFalse());
        assertThat(core.exports().stream().map(ModuleDescriptor.Exports::source).collect(Collectors.toSet()))
                .containsExactlyInAnyOrder(
                        "dev.balancekit",
                        "dev.balancekit.spi",
                        "dev.balancekit.policy",
                        "dev.balancekit.pricing",
                        "dev.balancekit.memory");
        assertThat(core.packages())
                .containsExactlyInAnyOrder(
                        "dev.balancekit",
                        "dev.balancekit.spi",
                        "dev.balancekit.policy",
                        "dev.balancekit.pricing",
                        "dev.balancekit.memory",
                        "dev.balancekit.internal");
    }

    @Test
    void descriptor_requiresMicrometerOnlyStatically() {
        ModuleDescriptor.Requires micrometer = compiledDescriptor().requires().stream()
                .filter(r -> r.name().equals("micrometer.core"))
                .findFirst()
                .orElseThrow();

        assertThat(micrometer.modifiers()).contains(ModuleDescriptor.Requires.Modifier.STATIC);
    }

    @Test
    void internal_hasOnePublicType_theLedgersEntryPoint() throws IOException {
        List<String> publicTypes = new ArrayList<>();
        for (Class<?> c : classesOf("dev.balancekit.internal")) {
            if (Modifier.isPublic(c.getModifiers()) && !c.isMemberClass()) {
                publicTypes.add(c.getName());
            }
        }

        assertThat(publicTypes).containsExactly("dev.balancekit.internal.LedgerRunner");
    }

    @Test
    void exportedApi_showsNoInternalTypeInAnySignature() throws IOException {
        List<String> leaks = new ArrayList<>();
        for (ModuleDescriptor.Exports export : compiledDescriptor().exports()) {
            for (Class<?> c : classesOf(export.source())) {
                if (!Modifier.isPublic(c.getModifiers())) {
                    continue;
                }
                List<String> signatures = new ArrayList<>();
                signatures.add(String.valueOf(c.getGenericSuperclass()));
                for (Type t : c.getGenericInterfaces()) {
                    signatures.add(t.getTypeName());
                }
                for (Method m : c.getDeclaredMethods()) {
                    if (visible(m.getModifiers())) {
                        signatures.add(m.toGenericString());
                    }
                }
                for (Constructor<?> k : c.getDeclaredConstructors()) {
                    if (visible(k.getModifiers())) {
                        signatures.add(k.toGenericString());
                    }
                }
                for (Field f : c.getDeclaredFields()) {
                    if (visible(f.getModifiers())) {
                        signatures.add(f.toGenericString());
                    }
                }
                for (String sig : signatures) {
                    if (sig.contains("dev.balancekit.internal.")) {
                        leaks.add(c.getName() + ": " + sig);
                    }
                }
            }
        }

        assertThat(leaks).isEmpty();
    }

    private static boolean visible(int modifiers) {
        return Modifier.isPublic(modifiers) || Modifier.isProtected(modifiers);
    }

    /** The main classes of one of core's packages, from the compiled module (not the patched-in tests). */
    private static List<Class<?>> classesOf(String pkg) throws IOException {
        ModuleReference core =
                ModuleFinder.of(Path.of(location(CORE))).find(CORE).orElseThrow();
        String dir = pkg.replace('.', '/') + "/";
        List<Class<?>> classes = new ArrayList<>();
        try (ModuleReader reader = core.open();
                Stream<String> names = reader.list()) {
            for (String name : names.filter(n -> n.startsWith(dir)
                            && n.endsWith(".class")
                            && n.indexOf('/', dir.length()) < 0
                            && !n.endsWith("package-info.class"))
                    .toList()) {
                String binary =
                        name.substring(0, name.length() - ".class".length()).replace('/', '.');
                try {
                    classes.add(Class.forName(binary, false, BalanceLedger.class.getClassLoader()));
                } catch (ClassNotFoundException e) {
                    throw new AssertionError(binary, e);
                }
            }
        }
        assertThat(classes).as("classes of " + pkg).isNotEmpty();
        return classes;
    }

    @Test
    void hostModule_importingInternal_doesNotCompile() throws IOException {
        List<Diagnostic<? extends JavaFileObject>> errors = compileHost("""
                package host;

                import dev.balancekit.internal.LedgerRunner;

                public final class Host {
                    public static Object engine() {
                        return LedgerRunner.class;
                    }
                }
                """);

        assertThat(errors).isNotEmpty();
        assertThat(errors.get(0).getCode()).isEqualTo("compiler.err.package.not.visible");
        assertThat(errors.get(0).getMessage(Locale.ROOT))
                .contains(
                        "package dev.balancekit.internal is declared in module " + CORE + ", which does not export it");
    }

    @Test
    void hostModule_usingTheExportedApi_compiles() throws IOException {
        List<Diagnostic<? extends JavaFileObject>> errors = compileHost("""
                package host;

                import dev.balancekit.BalanceLedger;
                import dev.balancekit.Credits;
                import dev.balancekit.memory.InMemoryBalanceStore;
                import dev.balancekit.spi.BalanceStore;
                import reactor.core.publisher.Mono;

                public final class Host {
                    public static Mono<?> topUp() {
                        BalanceStore store = new InMemoryBalanceStore();
                        return BalanceLedger.builder().store(store).build().addBalance("u", Credits.of(5));
                    }
                }
                """);

        assertThat(errors).isEmpty();
    }

    /** Compiles {@code module host { requires dev.balancekit.core; }} with one class; returns the errors. */
    private List<Diagnostic<? extends JavaFileObject>> compileHost(String hostClass) throws IOException {
        Path src = Files.createDirectories(dir.resolve("src/host"));
        Files.writeString(dir.resolve("src/module-info.java"), "module host { requires " + CORE + "; }\n");
        Path source = Files.writeString(src.resolve("Host.java"), hostClass);
        Path out = Files.createDirectories(dir.resolve("out"));
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        try (StandardJavaFileManager files = javac.getStandardFileManager(diagnostics, Locale.ROOT, null)) {
            List<String> options =
                    List.of("--release", "17", "-proc:none", "-d", out.toString(), "--module-path", modulePath());
            Iterable<? extends JavaFileObject> units =
                    files.getJavaFileObjects(dir.resolve("src/module-info.java"), source);
            javac.getTask(null, files, diagnostics, options, null, units).call();
        }
        List<Diagnostic<? extends JavaFileObject>> errors = new ArrayList<>();
        for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
            if (d.getKind() == Diagnostic.Kind.ERROR) {
                errors.add(d);
            }
        }
        return errors;
    }

    /** Core's compiled classes and the modules it reads at compile time, as the tests run them. */
    private static String modulePath() {
        List<String> entries = new ArrayList<>();
        for (String name : Set.of(CORE, "reactor.core", "org.reactivestreams", "org.jspecify")) {
            entries.add(Path.of(location(name)).toString());
        }
        return String.join(java.io.File.pathSeparator, entries);
    }

    private static URI location(String module) {
        ResolvedModule resolved = BalanceLedger.class
                .getModule()
                .getLayer()
                .configuration()
                .findModule(module)
                .orElseThrow(() -> new AssertionError("module " + module + " is not on the test module path"));
        return resolved.reference().location().orElseThrow();
    }

    /** The descriptor as compiled from module-info.java, without the test classes patched in. */
    private static ModuleDescriptor compiledDescriptor() {
        assertThat(BalanceLedger.class.getModule().isNamed())
                .as("the tests run on the module path")
                .isTrue();
        ModuleReference core =
                ModuleFinder.of(Path.of(location(CORE))).find(CORE).orElseThrow();
        return core.descriptor();
    }
}
