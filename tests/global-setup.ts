/**
 * Starts one throwaway redis-server for the whole run and provides its URL as `redisUrl`. Test files
 * isolate themselves with their own key prefix. A missing redis-server fails the run: integration
 * tests that silently skip would claim a coverage they do not have.
 */
import type { TestProject } from 'vitest/node';
import type {} from './helpers/provided-context';
import { startRedis } from './helpers/redis-server';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const redis = await startRedis();
  project.provide('redisUrl', redis.url);
  return () => redis.stop();
}
