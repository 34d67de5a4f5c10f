package switchyard.math.reference;

/**
 * Deep copies that keep the case records immutable although their components are arrays.
 * Null-safe, so a key missing from a file reaches {@link CaseValidator} and is reported by name.
 */
final class Copies {

    private Copies() {
    }

    static double[][] of(double[][] a) {
        if (a == null) {
            return null;
        }
        double[][] out = new double[a.length][];
        for (int i = 0; i < a.length; i++) {
            out[i] = of(a[i]);
        }
        return out;
    }

    static double[] of(double[] a) {
        return a == null ? null : a.clone();
    }

    static int[] of(int[] a) {
        return a == null ? null : a.clone();
    }
}
