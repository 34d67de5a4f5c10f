/**
 * Expert placement: which rank's slots hold which logical experts, and how many copies of each.
 * {@link switchyard.math.placement.Placement} is the map; {@link switchyard.math.placement.LoadHistory}
 * keeps the measured load; a {@link switchyard.math.placement.Planner} turns load into a placement
 * ({@code static}, {@code greedy}, {@code hierarchical}); {@link switchyard.math.placement.ReplicaSplit}
 * divides an expert's rows between its replicas; {@link switchyard.math.placement.Imbalance} scores
 * the result. Pure functions of their inputs: no clocks, no randomness, no Akka.
 */
package switchyard.math.placement;
