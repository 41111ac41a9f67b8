/**
 * The built-in simulator of a Heze 12319 call-center day: a pure, seeded event generator, a
 * runner that writes its events through the EventLog like any other source, and the past days it
 * gives the demo's archive.
 */
export { createSimulation, type Simulation, type SimulationOptions } from './simulation';
export { startSimulator, type SimulatorHandle, type SimulatorOptions } from './runner';
export { archiveHistory, runHistory, simulateHistory, type History, type HistoryOptions } from './history';
export { SHIFT_LEADS } from './catalog';
export type { HandoverLookup } from './handovers';
