import { AuditQuestionnaireError, problems } from '../errors';
import type { QuestionnaireRef } from '../model';
import { canonicalJson, deepFreeze } from './freeze';
import type { Questionnaire } from './types';
import { validateTemplate } from './validate-template';

const compareSemver = (a: string, b: string): number => {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 3; i++) if (pa[i] !== pb[i]) return pa[i] - pb[i];
  return 0;
};

/**
 * Published template versions. Publishing deep-copies and deep-freezes the template, so a
 * published version can never change under the responses pinned to it; republishing identical
 * content is a no-op, republishing different content under the same version throws.
 */
export class TemplateRegistry {
  private readonly byUrl = new Map<string, Map<string, Questionnaire>>();

  constructor(initial: readonly unknown[] = []) {
    for (const template of initial) this.publish(template);
  }

  /** @throws AuditQuestionnaireError invalid_template | template_version_conflict */
  publish(input: unknown): Questionnaire {
    const validated = validateTemplate(input);
    if (!validated.ok) throw new AuditQuestionnaireError(validated.problem);
    const template = validated.value;
    if (template.status !== 'active') {
      throw new AuditQuestionnaireError(
        problems.invalidTemplate([
          `seul un modèle au statut « active » peut être publié (statut : ${template.status})`,
        ]),
      );
    }
    const versions = this.byUrl.get(template.url) ?? new Map<string, Questionnaire>();
    const existing = versions.get(template.version);
    if (existing) {
      if (canonicalJson(existing) === canonicalJson(template)) return existing;
      throw new AuditQuestionnaireError(problems.templateVersionConflict(template));
    }
    const frozen = deepFreeze(structuredClone(template));
    versions.set(frozen.version, frozen);
    this.byUrl.set(frozen.url, versions);
    return frozen;
  }

  get(ref: QuestionnaireRef): Questionnaire | undefined {
    return this.byUrl.get(ref.url)?.get(ref.version);
  }

  /** @throws AuditQuestionnaireError template_not_found */
  require(ref: QuestionnaireRef): Questionnaire {
    const template = this.get(ref);
    if (!template) throw new AuditQuestionnaireError(problems.templateNotFound(ref));
    return template;
  }

  /** The highest published version: what a new response is pinned to. */
  latest(url: string): Questionnaire | undefined {
    const versions = this.versions(url);
    return versions.length ? this.get({ url, version: versions[versions.length - 1] }) : undefined;
  }

  /** Published versions of a template, ascending. */
  versions(url: string): string[] {
    return [...(this.byUrl.get(url)?.keys() ?? [])].sort(compareSemver);
  }
}
