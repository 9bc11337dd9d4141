import { paginate } from '../pagination.js';
import { segment, type HttpTransport } from '../http-transport.js';
import type { ProjectDeleteCascade, CreateProjectRequest, Project, ProjectList, ProjectListParams, UpdateProjectRequest } from '../types.js';

/** `/v2/projects`. */
export class ProjectsResource {
  constructor(private readonly http: HttpTransport) {}

  /** One page of projects; filter by `space_id` (exact) or `space_name`/`name` (substrings). */
  async list(params: ProjectListParams = {}): Promise<ProjectList> {
    return (await this.http.request<ProjectList>({ method: 'GET', path: '/v2/projects', query: { ...params } })).body;
  }

  iterate(params: Omit<ProjectListParams, 'cursor'> = {}): AsyncGenerator<Project, void, undefined> {
    return paginate((cursor) => this.list({ limit: 100, ...params, cursor }), (page) => page.projects);
  }

  async get(projectId: string): Promise<Project> {
    return (await this.http.request<Project>({ method: 'GET', path: `/v2/projects/${segment(projectId)}` })).body;
  }

  async create(body: CreateProjectRequest): Promise<Project> {
    return (await this.http.request<Project>({ method: 'POST', path: '/v2/projects', body })).body;
  }

  /** Renames a project; a name taken in the space is a 409. */
  async update(projectId: string, body: UpdateProjectRequest): Promise<Project> {
    return (await this.http.request<Project>({ method: 'PATCH', path: `/v2/projects/${segment(projectId)}`, body })).body;
  }

  /** Irreversible; also drops the project's restriction and role bindings. */
  async delete(projectId: string): Promise<void> {
    await this.http.request({ method: 'DELETE', path: `/v2/projects/${segment(projectId)}` });
  }

  /**
   * What `delete` would take with it, counted by the server (the delete is run and rolled back: nothing changes).
   *
   * @example
   * const { role_bindings } = await ax.projects.previewDelete(id);
   */
  async previewDelete(projectId: string): Promise<ProjectDeleteCascade> {
    return (await this.http.request<ProjectDeleteCascade>({ method: 'DELETE', path: `/v2/projects/${segment(projectId)}`, query: { dry_run: true } })).body;
  }
}
