package switchyard.actors.wire;

import akka.actor.typed.ActorRef;
import org.ejml.data.FMatrixRMaj;
import switchyard.actors.protocol.RankMessage;
import switchyard.actors.protocol.RankReply;
import switchyard.actors.rank.OptimizerSpec;
import switchyard.math.expert.Expert;
import switchyard.math.expert.ExpertGrads;
import switchyard.math.expert.ExpertShard;
import switchyard.math.optim.Optimizer;
import switchyard.math.optim.OptimizerState;
import switchyard.math.placement.Placement;

import java.util.List;
import java.util.SplittableRandom;

/** Random values and messages for the wire tests: the round trips and the fuzz test. */
final class WireSamples {
    static final Placement NEXT = Placement.parse("W=3 L=2 R=1 | 5 4 3 | 1 1 0 | 2 5 0");

    private WireSamples() {}

    /**
     * One of each message placements brought to the wire, with random contents: an expert of M×H
     * moving with the Adam state of one update, the replicas' gradients asked for and answered, an
     * update with replicas' gradients and a placement with replicas to move to, and a restore into it.
     */
    static List<WireMessage> placementMessages(SplittableRandom random, int m, int h, ActorRef<RankReply> replyTo) {
        Expert expert = Expert.initialised(m, h, random);
        return List.of(
                new RankMessage.ExpertMove(11, 2, 1, 5, expert, adamAfterOneUpdate(5, expert, random)),
                new RankMessage.ReportReplicaGradients(new long[] {10, 11}, replyTo),
                new RankReply.ReplicaGradients(1, new int[] {0, 1}, List.of(grads(random, m, h), grads(random, m, h))),
                new RankMessage.ApplyUpdate(new long[] {10, 11}, matrix(random, m, 6), List.of(grads(random, m, h)),
                        new long[] {3, 0, 1, 4, 2, 2}, List.of(grads(random, m, h), grads(random, m, h)), NEXT, replyTo),
                new RankMessage.RestoreCheckpoint("/tmp/ckpt/step-000004", NEXT, replyTo));
    }

    /** The state Adam keeps for expert {@code id} after one update with random gradients: every buffer non-zero. */
    static OptimizerState adamAfterOneUpdate(int id, Expert expert, SplittableRandom random) {
        Expert stepped = expert.copy();
        Optimizer adam = OptimizerSpec.parse("adam:lr=0.01").create();
        adam.step(new ExpertShard(new int[] {id}, List.of(stepped)).params(0, grads(random, expert.modelDim(), expert.hiddenDim())));
        return adam.state();
    }

    static ExpertGrads grads(SplittableRandom random, int m, int h) {
        return new ExpertGrads(matrix(random, m, h), matrix(random, 1, h), matrix(random, h, m), matrix(random, 1, m));
    }

    static FMatrixRMaj matrix(SplittableRandom random, int rows, int cols) {
        FMatrixRMaj x = new FMatrixRMaj(rows, cols);
        for (int i = 0; i < x.data.length; i++) x.data[i] = (float) random.nextGaussian();
        return x;
    }
}
