package switchyard.actors.architecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The shape of the runtime, held by tests so that it stays: packages without cycles, the wire
 * format knowing none of the messages it carries, and a rank actor that only handles messages.
 */
class ArchitectureTest {
    private static JavaClasses runtime;

    @BeforeAll
    static void importRuntime() {
        runtime = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("switchyard.actors");
    }

    @Test
    void packagesHaveNoCycles() {
        slices().matching("switchyard.actors.(*)..").should().beFreeOfCycles().check(runtime);
    }

    @Test
    void theWireFormatKnowsNoMessagesAndTheTransportNoRanks() {
        // each package registers its own codecs (CodecSet); wire only reads and writes
        noClasses().that().resideInAPackage("switchyard.actors.wire..")
                .should().dependOnClassesThat().resideOutsideOfPackages("switchyard.actors.wire..", "switchyard.math..",
                        "java..", "akka..", "scala..", "org.ejml..", "com.typesafe.config..")
                .check(runtime);
        noClasses().that().resideInAPackage("switchyard.actors.transport..")
                .should().dependOnClassesThat().resideInAnyPackage("switchyard.actors.rank..", "switchyard.actors.protocol..",
                        "switchyard.actors.exchange..", "switchyard.actors.driver..", "switchyard.actors.cluster..")
                .check(runtime);
    }

    @Test
    void theRankActorOnlyHandlesMessages() {
        // the repository-wide limit on file length is dist's SourceFilesTest
        long rankActor = lines(Path.of("src/main/java/switchyard/actors/rank/RankActor.java"));
        assertTrue(rankActor <= 300, "RankActor.java has " + rankActor + " lines; its work belongs in the classes it calls");
    }

    private static long lines(Path p) {
        try (Stream<String> s = Files.lines(p)) {
            return s.count();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
