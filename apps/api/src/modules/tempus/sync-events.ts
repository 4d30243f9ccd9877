/**
 * Announcing finished syncs to the family's open event streams, in this process at once and
 * in every other API process through PostgreSQL NOTIFY/LISTEN (each process relays what the
 * others announce). A stream that reconnects with the id of the last event it saw is sent
 * what it missed first. Every event names the owner of the synced account.
 */
import { EventEmitter } from 'node:events';
import type { SyncEvent, SyncSummary } from '@familyhub/shared';
import type { FastifyBaseLogger } from 'fastify';
import { z } from 'zod';
import type { Database, Db } from '../../db/client.js';
import * as accountsRepo from './repository/accounts.js';
import * as syncLogRepo from './repository/sync-log.js';
import { toSummary } from './sync-summary.js';

/** The channel on which each process tells the others that one of its syncs finished. */
const SYNC_CHANNEL = 'familyhub_tempus_sync';
/** At most this many missed events are replayed to a reconnecting stream. */
const MAX_REPLAY = 50;

interface FamilySync {
  familyId: string;
  sync: SyncSummary;
}

export interface SyncEventsDeps {
  db: Db;
  database: Pick<Database, 'listen' | 'notify'>;
  log: FastifyBaseLogger;
  instanceId: string;
}

const announcement = z.object({ origin: z.string(), familyId: z.uuid(), syncId: z.uuid() });

function parseAnnouncement(payload: string): z.infer<typeof announcement> | undefined {
  try {
    return announcement.parse(JSON.parse(payload));
  } catch {
    return undefined;
  }
}

export function createSyncEvents({ db, database, log, instanceId }: SyncEventsDeps) {
  const emitter = new EventEmitter<{ sync: [FamilySync] }>();
  emitter.setMaxListeners(0);

  /** Tells this process's streams at once, and the other processes through the database. */
  function announce(familyId: string, sync: SyncSummary) {
    emitter.emit('sync', { familyId, sync });
    const payload = JSON.stringify({ origin: instanceId, familyId, syncId: sync.id });
    database.notify(SYNC_CHANNEL, payload).catch((err: unknown) => log.warn({ err, syncId: sync.id }, 'could not announce a finished sync to other instances'));
  }

  /** Relays the syncs other processes finish to this process's streams, until the returned function is called. */
  function followOtherInstances() {
    return database.listen(SYNC_CHANNEL, (payload) => {
      const note = parseAnnouncement(payload);
      if (!note || note.origin === instanceId || emitter.listenerCount('sync') === 0) return;
      syncLogRepo
        .findSyncLog(db, note.familyId, note.syncId)
        .then((row) => {
          if (row) emitter.emit('sync', { familyId: note.familyId, sync: toSummary(row) });
        })
        .catch((err: unknown) => log.warn({ err, syncId: note.syncId }, 'could not relay a sync finished by another instance'));
    });
  }

  async function ownersOf(familyId: string): Promise<Map<string, string>> {
    return new Map((await accountsRepo.listFamilyAccounts(db, familyId)).map((a) => [a.id, a.ownerName]));
  }

  /**
   * Prepares a stream of the family's finished syncs, starting with those finished after
   * `lastEventId` (a reconnecting browser's last event). Nothing is sent before `start`,
   * which sends them one after another and returns the function that stops it.
   */
  async function openFamilyStream(familyId: string, lastEventId: string | undefined) {
    const missed = lastEventId ? (await syncLogRepo.syncsFinishedAfter(db, familyId, lastEventId, MAX_REPLAY)).map(toSummary) : [];
    let owners = await ownersOf(familyId);
    return {
      start(send: (event: SyncEvent) => void): () => void {
        let open = true;
        let queue = Promise.resolve();
        const deliver = (sync: SyncSummary) => {
          queue = queue.then(async () => {
            // An account connected since the stream opened makes the names be read again.
            if (!owners.has(sync.accountId)) owners = await ownersOf(familyId).catch(() => owners);
            if (open) send({ ...sync, ownerName: owners.get(sync.accountId) ?? null });
          });
        };
        missed.forEach(deliver);
        const onSync = (event: FamilySync) => {
          if (event.familyId === familyId) deliver(event.sync);
        };
        emitter.on('sync', onSync);
        return () => {
          open = false;
          emitter.off('sync', onSync);
        };
      },
    };
  }

  return { announce, followOtherInstances, openFamilyStream };
}

export type SyncEvents = ReturnType<typeof createSyncEvents>;
