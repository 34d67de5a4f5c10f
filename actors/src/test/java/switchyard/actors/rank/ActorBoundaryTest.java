package switchyard.actors.rank;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import org.ejml.data.FMatrixRMaj;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import switchyard.actors.cluster.RankHost;
import switchyard.actors.exchange.ExchangeSettings;
import switchyard.actors.protocol.Batch;
import switchyard.actors.protocol.Objective;
import switchyard.actors.protocol.RankInbox;
import switchyard.actors.protocol.RankMessage;
import switchyard.actors.protocol.RankReply;
import switchyard.actors.wire.WireVersion;
import switchyard.math.gate.Gate;
import switchyard.math.gate.GateNoise;
import switchyard.math.gate.Routing;
import switchyard.math.gate.RoutingOptions;
import switchyard.math.layer.ModelInit;
import switchyard.math.linalg.MatMul;
import switchyard.math.linalg.MatMuls;
import switchyard.math.task.ClusteredRegression;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * No message stops a long-lived actor ({@link MessageGuard}): an exception thrown while handling
 * one, reached here through messages a buggy or hostile peer can really send, is answered as a
 * failure of what the message was about, and the actor serves the next message with its state.
 */
class ActorBoundaryTest {
    static final ActorTestKit kit = ActorTestKit.create("actor-boundary");
    static final Duration MAX = Duration.ofSeconds(20);
    static final int M = 8, S = 16;

    @AfterAll
    static void cleanup() {
        kit.shutdownTestKit();
    }

    private static Batch.Given batch(long step, int targetRows) {
        ClusteredRegression.Sample b = new ClusteredRegression(new ClusteredRegression.Spec(1, 3, M, S)).batch(0, step);
        FMatrixRMaj target = new FMatrixRMaj(targetRows, M);
        System.arraycopy(b.target().data, 0, target.data, 0, target.data.length);
        return new Batch.Given(b.input(), new Objective.Mse(target));
    }

    @Test
    void aRankWhoseHandlerThrowsFailsThatStepAndServesTheNext() {
        RankSettings s = new RankSettings(0, 1, 2, M, 16, RoutingOptions.builder().build(), 5, OptimizerSpec.parse("sgd"), MAX, 8,
                "best", ExchangeSettings.direct());
        RankHarness h = new RankHarness(kit, s);
        ActorRef<RankMessage> rank = h.ranks.get(0);

        // a target of 3 rows for 16 tokens: nothing checks it before the loss, which throws as the outputs come home
        rank.tell(new RankMessage.RunStep(0, batch(0, 3), false, false, h.driver.getRef()));
        RankReply.StepFailed failed = assertInstanceOf(RankReply.StepFailed.class, h.driver.receiveMessage(MAX));
        assertEquals(0, failed.step());
        assertTrue(failed.reason().contains("rank 0 failed handling a ExchangePart for step 0")
                && failed.reason().contains("MSE target must be 16x8, got 3x8"), failed.reason());

        rank.tell(new RankMessage.RunStep(1, batch(1, S), true, false, h.driver.getRef()));
        assertEquals(1, assertInstanceOf(RankReply.StepDone.class, h.driver.receiveMessage(MAX)).step());
        rank.tell(new RankMessage.InspectGradients(1, h.driver.getRef()));
        assertEquals(1, assertInstanceOf(RankReply.Gradients.class, h.driver.receiveMessage(MAX)).step());
    }

    @Test
    void aGateWhoseBackwardThrowsSaysSoAndKeepsItsReplica() {
        MatMul mm = MatMuls.byName("best");
        Gate replica = new Gate(ModelInit.gateWeight(5, M, 4), RoutingOptions.builder().build());
        Routing routing = new Gate(ModelInit.gateWeight(5, M, 4), RoutingOptions.builder().build())
                .route(batch(0, S).input(), GateNoise.seeded(5, 0, 0), true, mm);
        ActorRef<GateActor.Command> gate = kit.spawn(GateActor.create(replica, 0, 5, mm, OptimizerSpec.parse("sgd").create()));
        TestProbe<RankInbox> rank = kit.createTestProbe(RankInbox.class);

        // dLoss/dw for one choice, where the routing has S·k
        gate.tell(new GateActor.Backward(4, routing, new float[1], new FMatrixRMaj(S, M), rank.getRef()));
        Internal.GateBackwardDone done = (Internal.GateBackwardDone) rank.expectMessageClass(Internal.GateBackwardDone.class, MAX);
        assertEquals(4, done.step());
        assertNull(done.inputGradient());
        assertTrue(done.error().contains("the gate of rank 0 failed handling a Backward")
                && done.error().contains("weight gradient has 1 entries"), done.error());

        gate.tell(new GateActor.Digest(rank.getRef()));
        byte[] digest = rank.expectMessageClass(Internal.GateDigest.class, MAX).digest();
        assertArrayEquals(ParameterDigests.ofGate(ModelInit.gateWeight(5, M, 4), null), digest, "the replica is as it was");
    }

    @Test
    void aRankSlotGivenNoSettingsRefusesThemAndAnswersThePing() {
        TestProbe<RankHost.HostReply> driver = kit.createTestProbe(RankHost.HostReply.class);
        ActorRef<RankHost.Command> slot = kit.spawn(RankHost.create(3));
        slot.tell(new RankHost.Configure(WireVersion.CURRENT, null, 0, false, driver.getRef()));
        RankHost.HostReply.Refused refused = assertInstanceOf(RankHost.HostReply.Refused.class, driver.receiveMessage(MAX));
        assertTrue(refused.reason().contains("rank slot 3 failed handling a Configure"), refused.reason());
        slot.tell(new RankHost.Ping(driver.getRef()));
        assertEquals(3, assertInstanceOf(RankHost.HostReply.Pong.class, driver.receiveMessage(MAX)).rank());
    }
}
