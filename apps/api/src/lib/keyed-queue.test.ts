import { describe, expect, it } from 'vitest';
import { createKeyedQueue } from './keyed-queue.js';

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

describe('keyed queue', () => {
  it('runs tasks of one key one at a time, in order, and other keys alongside', async () => {
    const oneAtATime = createKeyedQueue();
    const log: string[] = [];
    let running = 0;
    let most = 0;
    const task = (name: string) => async () => {
      running++;
      most = Math.max(most, running);
      log.push(`start ${name}`);
      await tick();
      log.push(`end ${name}`);
      running--;
      return name;
    };
    const results = await Promise.all([oneAtATime('a', task('a1')), oneAtATime('a', task('a2')), oneAtATime('b', task('b1'))]);
    expect(results).toEqual(['a1', 'a2', 'b1']);
    expect(log.indexOf('start a2')).toBeGreaterThan(log.indexOf('end a1'));
    expect(log.indexOf('start b1')).toBeLessThan(log.indexOf('end a1'));
    expect(most).toBe(2);
  });

  it('goes on with the next task of a key after one fails', async () => {
    const oneAtATime = createKeyedQueue();
    const failed = oneAtATime('a', async () => {
      throw new Error('boom');
    });
    const next = oneAtATime('a', async () => 'after');
    await expect(failed).rejects.toThrow('boom');
    await expect(next).resolves.toBe('after');
  });
});
