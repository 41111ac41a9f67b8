/**
 * The built-in simulator of a Heze 12319 call-center day: a pure, seeded event generator and a
 * runner that writes its events through the EventLog like any other source.
 */
export { createSimulation, type Simulation, type SimulationOptions } from './simulation';
export { startSimulator, type SimulatorHandle, type SimulatorOptions } from './runner';
