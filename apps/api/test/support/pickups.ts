/** A family with two parents and a child whose care routine covers every weekday, for the pickups and notifications tests. */
import { expect } from 'vitest';
import type { Client, TestContext } from './context.js';

export const EVERY_DAY = [1, 2, 3, 4, 5, 6, 7];

export interface PickupFamily {
  anna: { client: Client; user: any };
  karin: { client: Client; user: any };
  childId: string;
}

/** Anna (who signed up) drops Elsa off at 08:00, Karin picks her up at 16:30, every day, at Förskolan Solrosen. */
export async function pickupFamily(ctx: TestContext, childName = 'Elsa'): Promise<PickupFamily> {
  const anna = await ctx.newParent('Anna Svensson');
  const karin = await ctx.newMember(anna.client, 'parent', 'Karin Persson');
  const child = await anna.client.post('/api/family/children', { name: childName });
  expect(child.status).toBe(201);
  const childId = child.body.child.id as string;
  const routine = await anna.client.request('PUT', `/api/family/children/${childId}/routine`, {
    body: {
      careName: 'Förskolan Solrosen',
      days: EVERY_DAY.map((weekday) => ({ weekday, dropOffAt: '08:00', pickUpAt: '16:30', dropOffBy: anna.user.id, pickUpBy: karin.user.id })),
    },
  });
  expect(routine.status).toBe(200);
  return { anna, karin, childId };
}

/** The family's handovers of one day for the child, as GET /api/pickups answers. */
export async function dayOf(client: Client, childId: string, date: string) {
  const res = await client.get(`/api/pickups?from=${date}&to=${date}`);
  expect(res.status, res.text).toBe(200);
  return (res.body.days as any[]).find((d) => d.childId === childId);
}
