package switchyard.actors.wire;

/**
 * The version of the wire format as a whole: every message's layout and the data plane's frames.
 * It goes up with any change to either; nodes of different versions refuse each other at set-up
 * (a rank slot refuses the driver's settings, a data-plane listener refuses the hello), naming both
 * versions, rather than misreading each other's bytes later.
 */
public final class WireVersion {
    /** 2: one exchange message with its exchange in the flags, DeepSeek-V3-class routing and shared experts. */
    /** 3: the expert products' precision in a job's settings. */
    /** 4: the tokens a rank routes a step in a job's settings (they bound what peers may send). */
    /** 5: the job's heap estimate per rank in a rank slot's settings; data-plane handshake with proofs, sealed frames. */
    /** 6: the synthetic task's skew (Zipf exponent of its clusters) in a synthetic batch. */
    /** 7: the experts' placement in a job's settings; replica gradients and re-placement in the rank protocol. */
    public static final int CURRENT = 7;

    private WireVersion() {}
}
