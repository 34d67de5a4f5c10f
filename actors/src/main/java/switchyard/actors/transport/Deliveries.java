package switchyard.actors.transport;

import akka.actor.ActorPath;
import akka.actor.Address;
import com.typesafe.config.Config;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;

/**
 * What the data plane may deliver: which message kinds (manifests) to which local actors (path
 * patterns, {@code *} matching within one path element). Everything else that arrives is refused
 * before its payload is decoded, and the link that brought it is closed: the data plane carries
 * the exchange and nothing else, so no peer can use it to reach a node's other actors (to stop
 * its actor system, say) or to relay messages to a third node. Read from
 * {@code switchyard.data-plane.deliveries}, an object so that other modules add their own entry
 * (the bench does, in the JVMs it starts).
 */
final class Deliveries {
    /** One entry: messages with one of {@code manifests} to actors whose path matches {@code pattern}. */
    record Rule(String name, String[] pattern, Set<String> manifests) {
        /** Checked for every frame, so it walks the path's elements in place, allocating nothing. */
        boolean matches(ActorPath path, String manifest) {
            if (!manifests.contains(manifest)) return false;
            int i = 0;
            for (String element : path.getElements()) {
                if (i >= pattern.length || !glob(pattern[i++], element)) return false;
            }
            return i == pattern.length;
        }

        private static boolean glob(String pattern, String element) {
            int star = pattern.indexOf('*');
            if (star < 0) return pattern.equals(element);
            String prefix = pattern.substring(0, star), suffix = pattern.substring(star + 1);
            return element.length() >= prefix.length() + suffix.length() && element.startsWith(prefix) && element.endsWith(suffix);
        }
    }

    private final List<Rule> rules;

    Deliveries(List<Rule> rules) {
        this.rules = List.copyOf(rules);
    }

    static Deliveries from(Config config) {
        Config c = config.getConfig("switchyard.data-plane.deliveries");
        List<Rule> rules = new ArrayList<>();
        for (String name : new TreeMap<>(c.root().unwrapped()).keySet()) {
            Config rule = c.getConfig(name);
            String path = rule.getString("path");
            if (!path.startsWith("/")) throw new IllegalArgumentException("switchyard.data-plane.deliveries." + name + ".path must start with /, got " + path);
            rules.add(new Rule(name, path.substring(1).split("/"), Set.copyOf(rule.getStringList("manifests"))));
        }
        return new Deliveries(rules);
    }

    /** Why a {@code manifest} message for {@code target} may not be delivered on node {@code self}, or null if it may. */
    String refusal(ActorPath target, String manifest, Address self) {
        Address at = target.address();
        if (at.hasGlobalScope() && !at.equals(self))
            return "a '" + manifest + "' message for " + target + ", an actor on another node (the data plane relays nothing)";
        for (Rule r : rules) if (r.matches(target, manifest)) return null;
        return "a '" + manifest + "' message for " + target.toStringWithoutAddress()
                + " (the data plane carries only the exchange's messages to rank actors)";
    }
}
