/** The actor runtime: rank and gate actors, the all-to-all exchange, the driver, the CLI. */
package switchyard.actors;
