package switchyard.math.reference;

/**
 * Capacity drops summed over all ranks (the file's {@code summary}); "both" counts tokens whose
 * two choices were dropped, whose output row is therefore zero.
 */
public record DropCounts(int firstDropped, int secondDropped, int bothDropped) {
}
