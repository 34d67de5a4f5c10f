package switchyard.math.reference;

/**
 * The tolerances a reference check applies: {@code values} to what the router and the combine
 * produce (outputs, weights, losses, the gate's gradients), {@code throughExperts} to the
 * gradients that pass back through an expert's ReLU (input gradients, expert and shared-expert
 * parameter gradients). They differ under bfloat16 operands: a pre-activation within bfloat16
 * rounding of zero can switch its ReLU, which moves the output by next to nothing (the unit's
 * value is about zero either way) but adds or removes that unit's whole term from the gradients
 * behind it.
 */
public record Tolerances(Tolerance values, Tolerance throughExperts) {

    /** Float32 implementations: the vectors' README rule everywhere. */
    public static final Tolerances FLOAT32 = new Tolerances(Tolerance.FLOAT32, Tolerance.FLOAT32);

    /**
     * Expert products with bfloat16 operands and float32 accumulation ({@code --precision bf16}),
     * where every ReLU is on the same side as in float32. An operand rounded to bfloat16 is off by
     * at most 2⁻⁹ of itself, a product of two by about 2⁻⁸, and an expert output, which passes two
     * such products, by about 2⁻⁷ ≈ 0.8 % of the size of its terms; normwise the errors of many
     * terms partly cancel (at most 0.6 % over both families of cases). Hence 2 % of the norm.
     * Routes stay exact: the router is float32.
     */
    public static final Tolerances BF16 = new Tolerances(Tolerance.normwise(1e-6, 2e-2), Tolerance.normwise(1e-6, 2e-2));

    /**
     * {@link #BF16} where rounding switched a ReLU: values stay at 2 %, and the gradients behind
     * the switched unit are only held to the right size and direction (50 % of the norm). One
     * switch among an expert's 60 hidden values moved its W1 gradient by 29 % of the norm in the
     * smallest v3 case; the gradient check holds those gradients tightly away from kinks.
     */
    public static final Tolerances BF16_RELU_SWITCHED = new Tolerances(Tolerance.normwise(1e-6, 2e-2), Tolerance.normwise(1e-6, 0.5));
}
