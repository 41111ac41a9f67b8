/**
 * Today's figures per agent for the lead's agent list (GET /api/v1/reports/agents for today's
 * date): loaded at once, then again when the agents change, at most once per 15 s however many
 * patches come (the figures are a summary; nothing on the list ticks with them).
 */
import type { AgentRow } from '../../../shared/reports';
import { fetchAgents } from './reports-api';
import { throttle } from './throttle';

export const TODAY_FIGURES_EVERY_MS = 15_000;

export interface TodayFigures {
  /** by agent id; empty until the first answer (or when the route refuses) */
  readonly byAgent: ReadonlyMap<string, AgentRow>;
}

/**
 * Call while a component initialises. `date` is today in the center's zone (null before the first
 * snapshot); `changes` is any value that differs whenever the agents changed.
 */
export function todayFigures(date: () => string | null, changes: () => unknown): TodayFigures {
  let byAgent = $state.raw<ReadonlyMap<string, AgentRow>>(new Map());

  async function load(): Promise<void> {
    const d = date();
    if (!d) return;
    try {
      const r = await fetchAgents({ from: d, to: d });
      if (date() === d) byAgent = new Map(r.agents.map((a) => [a.agentId, a]));
    } catch {
      // the list stays as it was: the figures are an extra, the live columns still work
    }
  }

  const reload = throttle(() => void load(), TODAY_FIGURES_EVERY_MS);
  $effect(() => {
    void changes();
    if (date()) reload.request();
  });
  $effect(() => () => reload.cancel());

  return {
    get byAgent() {
      return byAgent;
    },
  };
}
