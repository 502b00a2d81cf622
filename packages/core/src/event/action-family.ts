// Near-duplicate action names. The seed's complaint is `user.deleted`, `user.delete` and
// `users.deleted` all meaning the same thing; the action catalog flags such names. actionFamily()
// maps an action to a key that is equal for names differing only in noun number (users/user),
// verb form (delete/deleted/deletes/deleting, login/logged_in) or word breaks inside a segment
// (api_key/apikey). It errs towards missing a pair rather than pairing two different actions.
import { PAST_TENSE } from './action.js';

const PAST_FORMS: ReadonlySet<string> = new Set(PAST_TENSE.values());
const PARTICLES: ReadonlySet<string> = new Set(['in', 'out', 'up']);
const IRREGULAR_PLURALS: ReadonlyMap<string, string> = new Map([
  ['people', 'person'],
  ['children', 'child'],
  ['men', 'man'],
  ['women', 'woman'],
  ['mice', 'mouse'],
]);

/** `users` → `user`, `policies` → `policy`, `addresses` → `address`; `status`, `access` stay. */
export function singularNoun(word: string): string {
  const irregular = IRREGULAR_PLURALS.get(word);
  if (irregular !== undefined) return irregular;
  if (word.length <= 3) return word;
  if (word.endsWith('ies') && word.length > 4) return `${word.slice(0, -3)}y`;
  if (/(?:ch|sh|x|z|ss)es$/.test(word)) return word.slice(0, -2);
  if (word.endsWith('ss') || word.endsWith('us') || word.endsWith('is')) return word;
  if (word.endsWith('s')) return word.slice(0, -1);
  return word;
}

function regularPast(verb: string): string {
  if (verb.endsWith('e')) return `${verb}d`;
  if (/[^aeiou]y$/.test(verb)) return `${verb.slice(0, -1)}ied`;
  return `${verb}ed`;
}

/**
 * The past tense of a verb in any common form: `delete`, `deletes`, `deleting`, `deleted` →
 * `deleted`; `login` → `logged_in`. Only used to compare names, so an odd spelling for an unknown
 * verb is fine as long as every form of it meets the same one.
 */
export function pastTenseVerb(verb: string): string {
  if (PAST_FORMS.has(verb)) return verb;
  const known = PAST_TENSE.get(verb);
  if (known !== undefined) return known;
  if (verb.endsWith('ed') && verb.length > 3) return verb;
  if (verb.endsWith('ing') && verb.length > 5) {
    const stem = verb.slice(0, -3);
    const base = PAST_TENSE.get(`${stem}e`) ?? PAST_TENSE.get(stem);
    // `creating` → `creat` → `created`, the same as `create` → `created`.
    return base ?? regularPast(stem);
  }
  if (verb.endsWith('s') && verb.length > 3 && !/(?:ss|us|is)$/.test(verb)) {
    // Third person: `deletes` → `delete`, `pushes` → `push`, `copies` → `copy`.
    const base = verb.endsWith('ies')
      ? `${verb.slice(0, -3)}y`
      : /(?:ch|sh|x|z|ss)es$/.test(verb)
        ? verb.slice(0, -2)
        : verb.slice(0, -1);
    return pastTenseVerb(base);
  }
  return regularPast(verb);
}

/** `stopped` and `stoped` (from `stopping` or an unknown `stop`) meet; so do `logged` and `loged`. */
function undoubleBeforeEd(word: string): string {
  return word.replace(/([bcdfghjklmnpqrstvwxz])\1ed(?=_|$)/g, '$1ed');
}

function verbSegmentKey(segment: string): string {
  const words = segment.split('_').filter((word) => word !== '');
  // `logged_in`, `log_in`, `sign_up`: the particle belongs to the verb before it.
  const particle = words.length >= 2 && PARTICLES.has(words[words.length - 1] as string) ? words.pop() : undefined;
  const verb = words.pop();
  if (verb === undefined) return segment;
  const past = undoubleBeforeEd(pastTenseVerb(verb) + (particle === undefined ? '' : `_${particle}`));
  return [...words.map(singularNoun), past].join('').replaceAll('_', '');
}

/**
 * The family key of a valid action: equal for `user.deleted`, `user.delete`, `users.deleted`,
 * `user.deletes`; for `user.logged_in`, `user.login`, `user.log_in`; for `api_key.created` and
 * `apikey.created`. Every segment but the last is read as nouns (singularized), the last segment's
 * final word as the verb (put in the past tense). The key is for comparison, not for display.
 *
 * @example actionFamily('users.delete') === actionFamily('user.deleted') // true
 */
export function actionFamily(action: string): string {
  const segments = action.split('.');
  const last = segments.pop() ?? '';
  const nouns = segments.map((segment) =>
    segment
      .split('_')
      .filter((word) => word !== '')
      .map(singularNoun)
      .join(''),
  );
  return [...nouns, verbSegmentKey(last)].join('.');
}

/**
 * Groups of two or more distinct actions with the same family key, each sorted, groups ordered by
 * their first action. Actions alone in their family are not returned.
 */
export function nearDuplicateActions(actions: Iterable<string>): string[][] {
  const families = new Map<string, Set<string>>();
  for (const action of actions) {
    const key = actionFamily(action);
    const family = families.get(key);
    if (family) family.add(action);
    else families.set(key, new Set([action]));
  }
  return [...families.values()]
    .filter((family) => family.size > 1)
    .map((family) => [...family].sort())
    .sort((a, b) => ((a[0] as string) < (b[0] as string) ? -1 : 1));
}
