package switchyard.actors.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import switchyard.actors.security.CredentialsMaker;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code switchyard credentials DIR}: makes a job's credentials, to copy to every node of the job. */
@Command(name = "credentials", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Make the credentials of one job in DIR (created; must not hold any yet):",
                "  node.p12        the job's RSA key and self-signed certificate (mutual TLS)",
                "  trust.p12       that certificate alone: the only one a node trusts",
                "  password        the password of both stores",
                "  data-plane.key  the data plane's shared secret (32 random bytes)",
                "Copy DIR to every node of the job (readable by the job's user only) and",
                "start each node with --credentials DIR. Whoever can read DIR can join."})
public final class CredentialsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "DIR", description = "Directory to write the credentials to.")
    Path dir;

    @Override
    public Integer call() {
        CredentialsMaker.make(dir);
        spec.commandLine().getOut().println("credentials for one job in " + dir + "; give every node of the job a copy and --credentials " + dir);
        return 0;
    }
}
