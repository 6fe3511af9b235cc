// Checks one ontology document against the OWL 2 DL and OWL 2 RL profiles with the OWL API
// (the same profile checker ROBOT's `validate-profile` uses). careerkg's test suite runs it.
//
// Usage: java -cp <owlapi jars> OwlProfileCheck.java ONTOLOGY-FILE
// Prints the triples the parser could not read as OWL (any is a failure), one line per profile ("OWL2_DL: in profile" or "... N violations") and each violation,
// then exits 0 when the document is in both profiles, 1 when it is not, 2 when it cannot be read.
import java.io.File;
import org.semanticweb.owlapi.apibinding.OWLManager;
import org.semanticweb.owlapi.model.MissingImportHandlingStrategy;
import org.semanticweb.owlapi.model.OWLOntology;
import org.semanticweb.owlapi.model.OWLOntologyLoaderConfiguration;
import org.semanticweb.owlapi.model.OWLOntologyManager;
import org.semanticweb.owlapi.io.FileDocumentSource;
import org.semanticweb.owlapi.io.RDFParserMetaData;
import org.semanticweb.owlapi.model.OWLDocumentFormat;
import org.semanticweb.owlapi.profiles.OWLProfileReport;
import org.semanticweb.owlapi.profiles.OWLProfileViolation;
import org.semanticweb.owlapi.profiles.Profiles;

public class OwlProfileCheck {
    public static void main(String[] args) {
        if (args.length != 1) {
            System.err.println("usage: OwlProfileCheck ONTOLOGY-FILE");
            System.exit(2);
        }
        OWLOntologyManager manager = OWLManager.createOWLOntologyManager();
        // Never fetch anything: an owl:imports that is not already loaded is an error, not a download.
        OWLOntologyLoaderConfiguration config = new OWLOntologyLoaderConfiguration()
            .setMissingImportHandlingStrategy(MissingImportHandlingStrategy.THROW_EXCEPTION);
        OWLOntology ontology;
        try {
            ontology = manager.loadOntologyFromOntologyDocument(new FileDocumentSource(new File(args[0])), config);
        } catch (Exception e) {
            System.err.println(args[0] + ": cannot load: " + e.getMessage());
            System.exit(2);
            return;
        }
        // Triples the parser could not turn into axioms would silently escape the profile check: count them as failures.
        int violations = 0;
        OWLDocumentFormat format = manager.getOntologyFormat(ontology);
        if (format != null && format.getOntologyLoaderMetaData().isPresent()) {
            RDFParserMetaData meta = (RDFParserMetaData) format.getOntologyLoaderMetaData().get();
            long unparsed = meta.getUnparsedTriples().count();
            if (unparsed > 0) {
                System.out.println("unparsed triples: " + unparsed);
                meta.getUnparsedTriples().forEach(t -> System.out.println("  " + t));
                violations += (int) unparsed;
            }
        }
        for (Profiles profile : new Profiles[] {Profiles.OWL2_DL, Profiles.OWL2_RL}) {
            OWLProfileReport report = profile.checkOntology(ontology);
            if (report.isInProfile()) {
                System.out.println(profile.name() + ": in profile");
            } else {
                System.out.println(profile.name() + ": " + report.getViolations().size() + " violations");
                for (OWLProfileViolation violation : report.getViolations()) {
                    System.out.println("  " + violation);
                }
                violations += report.getViolations().size();
            }
        }
        System.out.println("axioms: " + ontology.getAxiomCount());
        System.exit(violations == 0 ? 0 : 1);
    }
}
