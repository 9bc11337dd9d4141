import './console-help.css';

/**
 * What "Members" and "Role bindings" each are, and when to use which, shown where both can be granted (the
 * members section and the role bindings section of a space, organization or project).
 */
export function AccessModelHelp({ place }: { place: 'members' | 'bindings' }) {
  return (
    <details className="model-help">
      <summary>{place === 'members' ? 'Members or role bindings: which to use?' : 'Role bindings or members: which to use?'}</summary>
      <dl>
        <div>
          <dt>Members</dt>
          <dd>
            People who belong here, each with one predefined role (Admin, Member, Read Only, Annotator) or a custom role. Membership of a space
            covers the space and all its projects; membership of an organization lets its people see it and its non-private spaces (Admins: everything
            in it). Use members for the people of a team: this is where most access is given.
          </dd>
        </div>
        <div>
          <dt>Role bindings</dt>
          <dd>
            One role given to one person on one space or one project, on top of what their membership gives. Use a binding for an exception: extra
            permissions on a single project, a custom role on one space, or access to a restricted project, which ignores memberships and is opened only
            by bindings on the project itself.
          </dd>
        </div>
      </dl>
    </details>
  );
}
