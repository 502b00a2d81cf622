// Translates an EventFilter into a SQL WHERE fragment shared by every backend. Placeholders are
// `?`; a backend that numbers its parameters rewrites them. Free text is backend-specific and
// supplied by the caller.
import type { EventFilter } from '@auditledge/core';

export interface SqlFragment {
  sql: string;
  params: unknown[];
}

export interface FilterSqlDialect {
  /** SQL that is true when the event row `e` matches every word/phrase; params in order. */
  textMatch(terms: string[]): SqlFragment;
}

/** Builds the conditions (ANDed) for events `e` of one log whose id is the first parameter. */
export function eventFilterSql(logId: number, filter: EventFilter, dialect: FilterSqlDialect): SqlFragment {
  const where: string[] = ['e.log_id = ?'];
  const params: unknown[] = [logId];
  const add = (sql: string, ...values: unknown[]) => {
    where.push(sql);
    params.push(...values);
  };

  // Actor: ids and emails both name the actor, so an include list of either kind is one OR.
  const actorInclude: string[] = [];
  const actorParams: unknown[] = [];
  if (filter.actorIds.include.length > 0) {
    actorInclude.push(`e.actor_id IN (${marks(filter.actorIds.include)})`);
    actorParams.push(...filter.actorIds.include);
  }
  if (filter.actorEmails.include.length > 0) {
    actorInclude.push(`e.actor_email IN (${marks(filter.actorEmails.include)})`);
    actorParams.push(...filter.actorEmails.include.map((email) => email.toLowerCase()));
  }
  if (actorInclude.length > 0) add(`(${actorInclude.join(' OR ')})`, ...actorParams);
  if (filter.actorIds.exclude.length > 0)
    add(`e.actor_id NOT IN (${marks(filter.actorIds.exclude)})`, ...filter.actorIds.exclude);
  if (filter.actorEmails.exclude.length > 0)
    add(
      `(e.actor_email IS NULL OR e.actor_email NOT IN (${marks(filter.actorEmails.exclude)}))`,
      ...filter.actorEmails.exclude.map((email) => email.toLowerCase()),
    );

  if (filter.actions.include.length > 0) {
    const parts = filter.actions.include.map((pattern) => actionMatch(pattern));
    add(`(${parts.map((p) => p.sql).join(' OR ')})`, ...parts.flatMap((p) => p.params));
  }
  for (const pattern of filter.actions.exclude) {
    const part = actionMatch(pattern);
    add(`NOT ${part.sql}`, ...part.params);
  }

  if (filter.resources.include.length > 0) {
    const parts = filter.resources.include.map((ref) => resourceMatch(logId, ref));
    add(`(${parts.map((p) => p.sql).join(' OR ')})`, ...parts.flatMap((p) => p.params));
  }
  for (const ref of filter.resources.exclude) {
    const part = resourceMatch(logId, ref);
    add(`NOT ${part.sql}`, ...part.params);
  }

  if (filter.outcomes.include.length > 0)
    add(`e.outcome IN (${marks(filter.outcomes.include)})`, ...filter.outcomes.include);
  if (filter.outcomes.exclude.length > 0)
    add(`e.outcome NOT IN (${marks(filter.outcomes.exclude)})`, ...filter.outcomes.exclude);

  if (filter.subjects.include.length > 0) {
    const parts = filter.subjects.include.map((subject) => subjectMatch(logId, subject));
    add(`(${parts.map((p) => p.sql).join(' OR ')})`, ...parts.flatMap((p) => p.params));
  }
  for (const subject of filter.subjects.exclude) {
    const part = subjectMatch(logId, subject);
    add(`NOT ${part.sql}`, ...part.params);
  }

  if (filter.since !== undefined) add('e.ts >= ?', filter.since);
  if (filter.until !== undefined) add('e.ts < ?', filter.until);

  if (filter.text.length > 0) {
    const text = dialect.textMatch(filter.text);
    add(text.sql, ...text.params);
  }
  return { sql: where.join(' AND '), params };
}

function marks(values: readonly unknown[]): string {
  return values.map(() => '?').join(', ');
}

/** `invoice.*` is a prefix match: every action in ['invoice.', 'invoice/') since '/' follows '.'. */
function actionMatch(pattern: string): SqlFragment {
  if (pattern.endsWith('.*')) {
    const prefix = pattern.slice(0, -1);
    return { sql: '(e.action >= ? AND e.action < ?)', params: [prefix, `${prefix.slice(0, -1)}/`] };
  }
  return { sql: 'e.action = ?', params: [pattern] };
}

/**
 * A resource filter matches the primary resource or any target of the event. With an id, it is
 * written as one `IN` over a UNION of two index lookups (events by resource id, targets by id), so
 * neither SQLite nor PostgreSQL scans the log; a type alone is not selective and stays a plain OR.
 */
function resourceMatch(logId: number, ref: { type?: string; id?: string }): SqlFragment {
  if (ref.id !== undefined) {
    const typed = ref.type !== undefined;
    return {
      sql: `e.rowid_ IN (SELECT p.rowid_ FROM events p WHERE p.log_id = ? AND p.resource_id = ?${typed ? ' AND p.resource_type = ?' : ''}
        UNION ALL SELECT t.event_rowid FROM event_targets t WHERE t.log_id = ? AND t.id = ?${typed ? ' AND t.type = ?' : ''})`,
      params: typed ? [logId, ref.id, ref.type, logId, ref.id, ref.type] : [logId, ref.id, logId, ref.id],
    };
  }
  if (ref.type === undefined) return { sql: '1 = 1', params: [] };
  return {
    sql: '(e.resource_type = ? OR e.rowid_ IN (SELECT t.event_rowid FROM event_targets t WHERE t.log_id = ? AND t.type = ?))',
    params: [ref.type, logId, ref.type],
  };
}

/**
 * Subject access: the person is the actor (id, or email — stored lowercased) or the id of the
 * primary resource or of a target: one `IN` over a UNION of index lookups.
 */
function subjectMatch(logId: number, subject: string): SqlFragment {
  return {
    sql: `e.rowid_ IN (SELECT p.rowid_ FROM events p WHERE p.log_id = ? AND p.actor_id = ?
      UNION ALL SELECT p.rowid_ FROM events p WHERE p.log_id = ? AND p.actor_email = ?
      UNION ALL SELECT p.rowid_ FROM events p WHERE p.log_id = ? AND p.resource_id = ?
      UNION ALL SELECT t.event_rowid FROM event_targets t WHERE t.log_id = ? AND t.id = ?)`,
    params: [logId, subject, logId, subject.toLowerCase(), logId, subject, logId, subject],
  };
}
