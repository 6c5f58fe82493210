import { unwrap } from '../errors';
import { deepFreeze } from '../template/freeze';
import { TemplateRegistry } from '../template/registry';
import type { Questionnaire } from '../template/types';
import { validateTemplate } from '../template/validate-template';
import annex6V1Json from './annex6-v1.json';

/** Canonical URL of the Annex 6 audit questionnaire (cahier des charges MTR 2, annexe 6). */
export const ANNEX6_URL = 'https://mtr2.ipso.fr/fhir/Questionnaire/audit-annexe6';

/**
 * Version 1.0.0: the annex text verbatim, sections I–V, with its explanatory notes as display
 * items. Validated at load so a broken JSON edit fails the first test, not a structure's audit.
 */
export const ANNEX6_V1: Questionnaire = deepFreeze(unwrap(validateTemplate(annex6V1Json)));

/** Every built-in version, oldest first. Append new versions; never edit a published one. */
export const BUILT_IN_TEMPLATES: readonly Questionnaire[] = [ANNEX6_V1];

/** A registry holding the built-in templates; the API builds one at start-up. */
export const createDefaultRegistry = (): TemplateRegistry => new TemplateRegistry(BUILT_IN_TEMPLATES);
