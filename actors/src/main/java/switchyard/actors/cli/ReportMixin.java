package switchyard.actors.cli;

import picocli.CommandLine.Option;
import switchyard.actors.network.NetworkModel;
import switchyard.actors.report.ReportWriter;

import java.nio.file.Path;
import java.util.Map;

/** How a run's traffic is priced and where its report goes (shared by {@code simulate} and the cluster driver). */
final class ReportMixin {
    @Option(names = "--network", paramLabel = "SPEC",
            description = "Network that prices each step's traffic: latency=T,bandwidth=B[,topology=flat|2level:G] [,inter-latency=T,inter-bandwidth=B][,overlap]. T in ns, us, ms or s; B in bps, Kbps, Mbps, Gbps, Tbps (bits) or B/s, KB/s, MB/s, GB/s, GiB/s (bytes). 2level: G ranks per group; between groups by default twice the latency and a quarter of the bandwidth. Default: ${DEFAULT-VALUE}.")
    String network = NetworkModel.DEFAULT_SPEC;

    @Option(names = "--report", paramLabel = "DIR",
            description = "Write metrics.jsonl (one line per step), summary.json, PNG plots and index.html into DIR.")
    Path report;

    NetworkModel network() {
        return NetworkModel.parse(network);
    }

    /** A writer for {@link #report}, or null when no report was asked for. */
    ReportWriter writer(Map<String, String> options, NetworkModel net) {
        return report == null ? null : new ReportWriter(report, options, net);
    }
}
