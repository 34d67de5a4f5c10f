package switchyard.actors.transport;

import akka.actor.Address;
import akka.actor.typed.ActorSystem;
import akka.cluster.Member;
import akka.cluster.MemberStatus;
import akka.cluster.typed.Cluster;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.locks.LockSupport;

/**
 * Whether a connecting node that proved it holds the job's credentials may use this node's data
 * plane: it must be a current member of the cluster (joining, up, or leaving), and the connection
 * must come from the host its address names. A peer may connect a moment before this node's view
 * of the membership includes it, so the check waits for it, up to the handshake's time.
 */
final class Admission {
    private static final long POLL_NANOS = Duration.ofMillis(20).toNanos();

    private final ActorSystem<?> system;
    private final Address self;
    private final boolean cluster;

    Admission(ActorSystem<?> system) {
        this.system = system;
        this.self = system.address();
        this.cluster = system.settings().config().getString("akka.actor.provider").equals("cluster");
    }

    /** Why {@code from}, connecting from {@code remote}, may not send frames here, or null; waits until {@code deadline} (nanoTime) for membership. */
    String refusal(Address from, InetAddress remote, long deadline) {
        if (from.getHost().isEmpty() || from.getPort().isEmpty()) return "the hello names no remote node ('" + from + "')";
        if (from.equals(self)) return "the hello names this very node";
        String host = from.getHost().get();
        try {
            if (Arrays.stream(InetAddress.getAllByName(host)).noneMatch(remote::equals))
                return "node " + from + " connected from " + remote.getHostAddress() + ", not from " + host;
        } catch (UnknownHostException e) {
            return "node " + from + " names host " + host + ", which does not resolve";
        }
        if (!cluster) return null;
        while (!isMember(from)) {
            if (System.nanoTime() - deadline >= 0) return "node " + from + " is not a member of this cluster";
            LockSupport.parkNanos(POLL_NANOS);
        }
        return null;
    }

    private boolean isMember(Address node) {
        for (Member m : Cluster.get(system).state().getMembers()) {
            if (!m.address().equals(node)) continue;
            MemberStatus s = m.status();
            return s == MemberStatus.joining() || s == MemberStatus.weaklyUp() || s == MemberStatus.up() || s == MemberStatus.leaving();
        }
        return false;
    }
}
