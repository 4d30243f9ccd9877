/** The calendar module: builds its service and registers its routes. */
import type { FastifyPluginAsync } from 'fastify';
import { calendarRoutes } from './routes.js';
import { createCalendarService } from './service.js';

const calendarModule: FastifyPluginAsync = async (app) => {
  await app.register(calendarRoutes, { service: createCalendarService({ db: app.db }) });
};

export default calendarModule;
