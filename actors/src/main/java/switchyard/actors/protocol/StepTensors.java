package switchyard.actors.protocol;

import org.ejml.data.FMatrixRMaj;

/**
 * The full numeric result of a step on one rank, returned only on request (tests, vector checks).
 *
 * @param expert     choice j of token s at {@code s·k+j}; likewise {@code slot}, {@code kept}, {@code weight}
 * @param selections choices per expert before capacity
 * @param keptGroups every token's kept groups, flat [S·TG]; null without a group limit
 */
public record StepTensors(int topK, int[] expert, int[] slot, boolean[] kept, float[] weight, int[] selections,
                          int[] keptGroups, FMatrixRMaj output, FMatrixRMaj inputGradient) {}
