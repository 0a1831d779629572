import type { CheckpointStore, ChildRecord, ExecutionRecord } from './types.js';

/** Keeps checkpoints in this process only: executions survive nothing, but describe/redrive work. */
export function createMemoryCheckpointStore(): CheckpointStore {
  const executions = new Map<string, ExecutionRecord>();
  // Leases as the durable store keeps them (engines sharing this store stand for processes sharing a database).
  const owners = new Map<string, { owner: string; until: number } | null>();
  const children = new Map<string, Map<number, ChildRecord>>();
  const key = (arn: string, mapRunId: string) => `${arn}\n${mapRunId}`;
  return {
    async saveExecution(record, lease) {
      const held = owners.get(record.executionArn);
      if (lease && held !== undefined && (held?.owner ?? null) !== (lease.takeOver ? null : lease.owner)) return false;
      const running = lease && record.status === 'RUNNING';
      owners.set(record.executionArn, running ? { owner: lease.owner, until: Date.now() + lease.ttlMs } : null);
      executions.set(record.executionArn, structuredClone(record));
      // Only a failed execution can be redriven; a succeeded one never reads its children again.
      if (record.status === 'SUCCEEDED') {
        for (const k of children.keys()) if (k.startsWith(`${record.executionArn}\n`)) children.delete(k);
      }
      return true;
    },
    async loadExecution(arn) {
      const r = executions.get(arn);
      return r && structuredClone(r);
    },
    async claimRunning(stateMachineArn, lease, isDead) {
      const claimed = [...executions.values()].filter((r) => {
        const l = owners.get(r.executionArn);
        const free = !l || l.until <= Date.now() || isDead(l.owner);
        return r.status === 'RUNNING' && r.stateMachineArn === stateMachineArn && free;
      });
      for (const r of claimed) owners.set(r.executionArn, { owner: lease.owner, until: Date.now() + lease.ttlMs });
      return claimed.map((r) => structuredClone(r));
    },
    async releaseAll(owner) {
      for (const l of owners.values()) if (l?.owner === owner) l.until = Date.now();
    },
    async saveChild(arn, mapRunId, record) {
      const k = key(arn, mapRunId);
      const m = children.get(k) ?? new Map<number, ChildRecord>();
      children.set(k, m);
      m.set(record.index, record);
    },
    async loadChildren(arn, mapRunId) {
      return new Map(children.get(key(arn, mapRunId)) ?? []);
    },
  };
}
