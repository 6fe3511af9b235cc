// Loads ontology documents with the OWL API the way Protégé and ROBOT do with a catalog-v001.xml beside them:
// every owl:imports resolved through the catalog's <uri name="IMPORT-IRI" uri="FILE"/> entries, offline.
// careerkg's test suite runs it on each OWL file in ontology/.
//
// Usage: java -cp <owlapi jars> CatalogLoad.java CATALOG ONTOLOGY-FILE...
// For each file prints "FILE: ontology IRI, N imports resolved, M axioms (L logical) in the imports closure"
// and each ontology of the closure with the document it came from. Exits 0 when every file loads with all
// its imports, 1 when an import is missing (named on stderr), 2 on bad usage or an unreadable catalog.
// Nothing is fetched: an import the catalog does not map is resolved to a file that does not exist, so it
// is reported missing instead of downloaded.
import java.io.File;
import java.util.HashMap;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.semanticweb.owlapi.apibinding.OWLManager;
import org.semanticweb.owlapi.io.FileDocumentSource;
import org.semanticweb.owlapi.model.IRI;
import org.semanticweb.owlapi.model.MissingImportHandlingStrategy;
import org.semanticweb.owlapi.model.OWLOntology;
import org.semanticweb.owlapi.model.OWLOntologyIRIMapper;
import org.semanticweb.owlapi.model.OWLOntologyLoaderConfiguration;
import org.semanticweb.owlapi.model.OWLOntologyManager;
import org.semanticweb.owlapi.model.parameters.Imports;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

public class CatalogLoad {
    static final String CATALOG_NS = "urn:oasis:names:tc:entity:xmlns:xml:catalog";

    /** The catalog's uri entries: import IRI -> the file's IRI, relative names resolved against the catalog's folder. */
    static Map<IRI, IRI> readCatalog(File catalog) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        // A catalog is local configuration: no DTD or external entity is ever read.
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        NodeList entries = factory.newDocumentBuilder().parse(catalog).getElementsByTagNameNS(CATALOG_NS, "uri");
        Map<IRI, IRI> mapped = new HashMap<>();
        File folder = catalog.getAbsoluteFile().getParentFile();
        for (int i = 0; i < entries.getLength(); i++) {
            Element entry = (Element) entries.item(i);
            String file = entry.getAttribute("uri");
            mapped.put(IRI.create(entry.getAttribute("name")), IRI.create(folder.toURI().resolve(file)));
        }
        return mapped;
    }

    public static void main(String[] args) {
        if (args.length < 2) {
            System.err.println("usage: CatalogLoad CATALOG ONTOLOGY-FILE...");
            System.exit(2);
        }
        Map<IRI, IRI> catalog;
        try {
            catalog = readCatalog(new File(args[0]));
        } catch (Exception e) {
            System.err.println(args[0] + ": cannot read the catalog: " + e);
            System.exit(2);
            return;
        }
        File nowhere = new File(System.getProperty("java.io.tmpdir"), "careerkg-no-such-import");
        OWLOntologyIRIMapper offline = iri -> catalog.getOrDefault(
            iri, IRI.create(new File(nowhere, Integer.toHexString(iri.toString().hashCode()) + ".ttl")));
        OWLOntologyLoaderConfiguration config = new OWLOntologyLoaderConfiguration()
            .setMissingImportHandlingStrategy(MissingImportHandlingStrategy.THROW_EXCEPTION);
        int failures = 0;
        for (int i = 1; i < args.length; i++) {
            OWLOntologyManager manager = OWLManager.createOWLOntologyManager();
            manager.getIRIMappers().clear();  // no mapper but the catalog's: nothing is looked up elsewhere
            manager.getIRIMappers().add(offline);
            try {
                OWLOntology ontology = manager.loadOntologyFromOntologyDocument(
                    new FileDocumentSource(new File(args[i])), config);
                System.out.println(args[i] + ": " + ontology.getOntologyID().getOntologyIRI().map(IRI::toString).orElse("(anonymous)")
                    + ", " + ontology.getImportsClosure().size() + " ontologies, "
                    + (ontology.getImportsClosure().size() - 1) + " imports resolved, "
                    + ontology.getAxiomCount(Imports.INCLUDED) + " axioms ("
                    + ontology.getLogicalAxiomCount(Imports.INCLUDED) + " logical) in the imports closure");
                for (OWLOntology member : ontology.getImportsClosure()) {
                    System.out.println("  " + member.getOntologyID().getOntologyIRI().map(IRI::toString).orElse("(anonymous)")
                        + " <- " + manager.getOntologyDocumentIRI(member));
                }
            } catch (Exception e) {
                System.err.println(args[i] + ": missing import or unreadable: " + e.getMessage());
                failures++;
            }
        }
        System.exit(failures == 0 ? 0 : 1);
    }
}
