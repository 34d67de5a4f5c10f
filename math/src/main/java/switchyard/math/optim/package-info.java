/**
 * First-order optimizers (SGD, Adam/AdamW) updating float32 parameters in place, with state
 * that can be snapshotted per parameter name and written to a versioned binary stream.
 */
package switchyard.math.optim;
