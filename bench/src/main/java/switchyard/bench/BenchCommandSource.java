package switchyard.bench;

import switchyard.actors.cli.CommandSource;

/** Offers {@code switchyard bench} to the runtime's command line, which does not depend on this module. */
public final class BenchCommandSource implements CommandSource {
    @Override
    public String name() {
        return "bench";
    }

    @Override
    public Object command() {
        return new BenchCommand();
    }
}
