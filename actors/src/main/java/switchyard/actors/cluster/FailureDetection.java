package switchyard.actors.cluster;

import com.typesafe.config.Config;

import java.time.Duration;

/**
 * How long a cluster bears with a silent node before it calls it lost.
 *
 * <p>A node may stop answering for a while and still be fine: a long garbage collection, a
 * stalled virtual machine. Up to the acceptable pause that must not fail a run, so Akka's failure
 * detector waits that long before it calls a node unreachable (cluster.conf sets its
 * {@code acceptable-heartbeat-pause} to the acceptable pause), every deadline that could fire
 * during such a pause is longer, and the driver waits out whatever part of the pause the detector
 * was configured not to cover. Past it, the node is lost and the run fails naming it.
 *
 * @param acceptablePause   {@code switchyard.acceptable-pause}
 * @param heartbeatPause    {@code akka.cluster.failure-detector.acceptable-heartbeat-pause}: how
 *                          long Akka has already waited when it reports a node unreachable
 * @param driverLostTimeout {@code switchyard.driver-lost-timeout}: how long a rank node bears with
 *                          an unreachable driver before it stops
 */
public record FailureDetection(Duration acceptablePause, Duration heartbeatPause, Duration driverLostTimeout) {
    public static final String ACCEPTABLE_PAUSE = "switchyard.acceptable-pause";
    public static final String DRIVER_LOST_TIMEOUT = "switchyard.driver-lost-timeout";
    static final String HEARTBEAT_PAUSE = "akka.cluster.failure-detector.acceptable-heartbeat-pause";

    public FailureDetection {
        requirePositive(ACCEPTABLE_PAUSE, acceptablePause);
        requirePositive(HEARTBEAT_PAUSE, heartbeatPause);
        requirePositive(DRIVER_LOST_TIMEOUT, driverLostTimeout);
    }

    /** The settings of a node's configuration. */
    public static FailureDetection of(Config config) {
        return new FailureDetection(config.getDuration(ACCEPTABLE_PAUSE),
                config.hasPath(HEARTBEAT_PAUSE) ? config.getDuration(HEARTBEAT_PAUSE) : config.getDuration(ACCEPTABLE_PAUSE),
                config.getDuration(DRIVER_LOST_TIMEOUT));
    }

    /**
     * How long the driver still waits once Akka reports a rank node unreachable: the part of the
     * acceptable pause the failure detector has not waited already (none with cluster.conf).
     */
    public Duration unreachableGrace() {
        Duration rest = acceptablePause.minus(heartbeatPause);
        return rest.isNegative() ? Duration.ZERO : rest;
    }

    public FailureDetection withDriverLostTimeout(Duration timeout) {
        return new FailureDetection(acceptablePause, heartbeatPause, timeout);
    }

    /**
     * Throws unless {@code limit} outlasts the acceptable pause: a limit that fires sooner would
     * fail a run because of a pause the cluster is meant to bear.
     *
     * @param what names the limit and where it is set, e.g. "the gather deadline (--deadline)"
     */
    public void requireOutlasts(String what, Duration limit) {
        if (limit.compareTo(acceptablePause) <= 0) {
            throw new IllegalArgumentException(what + " is " + seconds(limit) + " but must be longer than " + ACCEPTABLE_PAUSE
                    + " (" + seconds(acceptablePause) + "), or a node pausing that long would fail the run");
        }
    }

    /** A duration in seconds, as short as it goes: "30 s", "1.5 s". */
    public static String seconds(Duration d) {
        return java.math.BigDecimal.valueOf(d.toMillis(), 3).stripTrailingZeros().toPlainString() + " s";
    }

    private static void requirePositive(String key, Duration d) {
        if (d == null || d.isNegative() || d.isZero()) throw new IllegalArgumentException(key + " must be positive, got " + d);
    }
}
