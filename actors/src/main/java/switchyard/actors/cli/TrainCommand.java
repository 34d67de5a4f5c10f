package switchyard.actors.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.util.concurrent.Callable;

/** {@code switchyard train}: the driver of a cluster job (the same as {@code node --role driver}). */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Run a training job on a Switchyard cluster: start a driver node, wait for all W rank "
                + "slots (started with `switchyard node --role rank`), train, print per-step metrics and the "
                + "digest (equal to `simulate` with the same options), then stop the rank nodes.")
public final class TrainCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    NodeMixin node;

    @Mixin
    DriverMixin driver;

    @Override
    public Integer call() {
        return driver.run(node.load("driver"), spec.commandLine());
    }
}
