import type { AppContext } from '../../context.js';
import { AppError } from '../../errors.js';
import type { ProjectRow } from '../../store/store.js';

// Projects change rarely and are read on every ingest: keep them in memory per app.
const cache = new WeakMap<AppContext, Map<string, ProjectRow>>();

export async function loadProject(ctx: AppContext, projectId: string): Promise<ProjectRow> {
  let projects = cache.get(ctx);
  if (!projects) {
    projects = new Map();
    cache.set(ctx, projects);
  }
  const cached = projects.get(projectId);
  if (cached) return cached;
  const project = await ctx.store.getProject(projectId);
  if (!project) throw new AppError('not_found', `no project ${projectId}`);
  projects.set(projectId, project);
  return project;
}
