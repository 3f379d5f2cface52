package dev.balancekit.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * The BOM a host imports ({@code balance-bom}) stays true to the reactor: it lists every module the
 * build publishes, at the reactor's version, and brings in nothing else.
 */
class BomTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    @Test
    void bom_listsEveryPublishedModule_atTheProjectVersion_andNothingElse() throws Exception {
        Element bom = pom(ROOT.resolve("balance-bom/pom.xml"));
        Map<String, String> managed = new TreeMap<>();
        Element dependencies = child(child(bom, "dependencyManagement"), "dependencies");
        for (Element d : children(dependencies, "dependency")) {
            assertThat(text(d, "groupId")).isEqualTo("dev.balancekit");
            managed.put(text(d, "artifactId"), text(d, "version"));
        }

        assertThat(managed.keySet()).containsExactlyInAnyOrderElementsOf(publishedModules());
        assertThat(managed.values()).containsOnly("${project.version}");
    }

    @Test
    void bom_hasNoParent_soAHostImportsOnlyOurVersions_andTheReactorsVersion() throws Exception {
        Element bom = pom(ROOT.resolve("balance-bom/pom.xml"));
        Element parent = pom(ROOT.resolve("pom.xml"));

        assertThat(children(bom, "parent")).isEmpty();
        assertThat(text(bom, "packaging")).isEqualTo("pom");
        assertThat(text(bom, "groupId")).isEqualTo(text(parent, "groupId"));
        assertThat(text(bom, "version")).isEqualTo(text(parent, "version"));
        assertThat(children(child(parent, "modules"), "module"))
                .extracting(Node::getTextContent)
                .contains("balance-bom");
    }

    @Test
    void readme_andGuide_showHowAHostImportsTheBom() throws Exception {
        for (String doc : List.of("README.md", "docs/guide.md")) {
            assertThat(Files.readString(ROOT.resolve(doc)))
                    .as(doc)
                    .contains("<artifactId>balance-bom</artifactId>", "<type>pom</type>", "<scope>import</scope>");
        }
    }

    /** The artifactIds of the reactor's modules that are deployed: all but those that skip deploying, and the BOM itself. */
    private static List<String> publishedModules() throws Exception {
        List<String> published = new ArrayList<>();
        for (Element module : children(child(pom(ROOT.resolve("pom.xml")), "modules"), "module")) {
            Element pom = pom(ROOT.resolve(module.getTextContent().strip()).resolve("pom.xml"));
            List<Element> properties = children(pom, "properties");
            boolean skipsDeploy = !properties.isEmpty()
                    && !children(properties.get(0), "maven.deploy.skip").isEmpty()
                    && text(properties.get(0), "maven.deploy.skip").equals("true");
            String artifactId = text(pom, "artifactId");
            if (!skipsDeploy && !artifactId.equals("balance-bom")) {
                published.add(artifactId);
            }
        }
        return published;
    }

    private static Element pom(Path file) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        Document document = factory.newDocumentBuilder().parse(file.toFile());
        return document.getDocumentElement();
    }

    private static List<Element> children(Element parent, String name) {
        List<Element> found = new ArrayList<>();
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals(name)) {
                found.add(e);
            }
        }
        return found;
    }

    private static Element child(Element parent, String name) {
        List<Element> found = children(parent, name);
        assertThat(found).as("<%s> in <%s>", name, parent.getTagName()).hasSize(1);
        return found.get(0);
    }

    private static String text(Element parent, String name) {
        return child(parent, name).getTextContent().strip();
    }
}
