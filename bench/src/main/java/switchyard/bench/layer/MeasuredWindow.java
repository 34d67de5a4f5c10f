package switchyard.bench.layer;

import switchyard.actors.driver.StepMetrics;
import switchyard.bench.layer.AllocationMeter;
import switchyard.math.linalg.MatMulMeter;

import java.util.function.Consumer;

/**
 * What every thread allocated, and what the metered products did, over updates
 * {@code first .. first+count-1} of a run, taken from the run's per-update callback: the window
 * opens when update {@code first−1} completes (at once when {@code first} is 0) and closes when
 * update {@code first+count−1} does. The driver starts the next update as it reports one, so the
 * run should have one more update after the window; the slice of it that falls inside makes up for
 * the slice of update {@code first} that falls before.
 */
final class MeasuredWindow implements Consumer<StepMetrics> {
    private final int first;
    private final int count;
    private AllocationMeter.Snapshot opened;
    private MatMulMeter.Reading productsOpened;
    private double bytes = Double.NaN;
    private MatMulMeter.Reading products;
    private String heaviest = "";

    MeasuredWindow(int first, int count) {
        if (first < 0 || count < 1) throw new IllegalArgumentException("window of " + count + " updates from " + first);
        this.first = first;
        this.count = count;
        if (first == 0) open();
    }

    private void open() {
        opened = AllocationMeter.snapshot();
        productsOpened = MatMulMeter.shared().read();
    }

    @Override
    public void accept(StepMetrics m) {
        if (m.update() == first - 1) open();
        if (m.update() == first + count - 1 && opened != null) {
            bytes = opened.bytesSince();
            products = MatMulMeter.shared().read().since(productsOpened);
            heaviest = opened.heaviestSince(3);
        }
    }

    /** Bytes allocated per token per update inside the window ({@code tokens} per update, all ranks); NaN if it never closed. */
    double perTokenStep(long tokens) {
        return AllocationMeter.perTokenStep(bytes, tokens, count);
    }

    /** The threads that allocated most inside the window, for a figure that needs explaining. */
    String heaviest() {
        return heaviest;
    }

    /** The metered products inside the window (only products run through a {@code metered:} kernel count); null if it never closed. */
    MatMulMeter.Reading products() {
        return products;
    }
}
