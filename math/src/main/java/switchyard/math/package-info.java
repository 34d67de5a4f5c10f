/** The numeric core of Switchyard: gate, routing, experts, sparse dispatch/combine, backward, optimizers. No Akka. */
package switchyard.math;
