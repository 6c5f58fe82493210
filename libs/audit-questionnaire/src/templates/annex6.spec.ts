import { ANNEX6_URL, ANNEX6_V1 } from './annex6';
import { attachmentConstraints, isSupplement } from '../template/extensions';
import { answerableItems, indexTemplate } from '../template/index-template';
import { validateTemplate } from '../template/validate-template';

/**
 * Every bullet of "Annexe 6 : questionnaire d'audit des structures candidates au programme MTR 2"
 * (cahier des charges MTR 2, 2026), in order, copied from the source: 54 bullets, of which 11 are
 * sub-bullets (2 extraction channels, 9 functions of the medical assistants).
 */
const ANNEX6_QUESTIONS = [
  "Comment l'aspect prévention est-il intégré dans la pratique médicale avec les patients MT ?",
  "Comment s'organise le temps de coordination médicale pour le suivi des patients MT ?",
  "Comment est gérée la prise en charge des patients MT d'un praticien lorsque ce dernier est en absence prolongée (congé maternité, arrêt maladie, ...) ?",
  'Quelles sont les pratiques médicales étendues des MG ? (gynéco, obstétrique, pédiatrie, etc.)',
  "Quel est le niveau d'intégration des sage-femmes dans le suivi des patients MT ?",
  "Quel est le niveau d'intégration des remplaçants dans le suivi des patients MT ?",
  'Quel est le niveau de patientèle MT / MG et le volume horaire hebdomadaire / MG ?',
  'Quel est le profil de la patientèle de chaque MG ? A-t-on des données extractibles à ce sujet ?',
  "Comment s'organise la prise en charge des petites urgences ?",
  'Existe-t-il des créneaux dédiés ou une permanence pour les soins non programmés ?',
  'Quels besoins futurs sont identifiés pour compléter les prises en charge et qui pourraient être envisagés avec le dispositif MTR ? (IPA maladies chroniques, coordinatrice sociale, etc.)',
  'Comment fonctionne globalement votre logiciel dans la structure ?',
  'Est-ce que le logiciel est partagé par tous les professionnels de santé de la structure ?',
  "Est ce que les dossiers médicaux sont partagés avec l'ensemble des praticiens ?",
  'Quels sont les processus/protocoles de facturation des actes ?',
  "Comment fonctionne l'écran de cotation des actes ?",
  'Comment est gérée la télétransmission / FSE ?',
  'Comment est gérée la facturation en feuille de soins papier ?',
  'Comment sont structurés les antécédents médicaux dans votre système ?',
  'Est ce que vous tracez dans votre dossier médical, les événements faits hors consultation avec le patients ( email, ...)?',
  'Comment sont structurées les observations de consultation ?',
  'Des questionnaires de santé / scores sont-ils déjà intégrés ?',
  "Quelles sont les possibilités d'extraction ou de requêtes ciblées existantes ?",
  'via export Google Sheet / Excel ?',
  'via API ?',
  'L\'outil permet-il un labelling/étiquetage structuré (ex : "MTR" + critères de brique) ?',
  'Comment est organisée la prise de rendez-vous et la gestion des agendas ?',
  "Quel est le volume de prises de rendez-vous en ligne via l'outil par rapport à d'autres canaux ?",
  "Existe-t-il des règles/ filtres configurés dans l'outil à la prise de rendez-vous pour proposer/réserver des créneaux à une typologie spécifique de patients ( exemple : les patients MT) ?",
  "Comment est organisée l'ouverture du cabinet et la permanence des soins ?",
  'Comment sont gérés les plannings de consultation des praticiens ?',
  'Quel est le rôle de la coordinatrice de site ?',
  'Quel est son temps de travail ?',
  'Quel est le rôle et quelles sont les fonctions des assistants médicaux ?',
  'accueil des patients ?',
  'gestion de la sortie des patients ?',
  'prise de rdv en sortie de consultation ?',
  'réassort des salles ?',
  'entretien des espaces communs / matériels mutualisés ?',
  'gestes médicaux (prise de tension, poids, etc.) ?',
  'tâches administratives de la structure (réception courrier, etc.) ?',
  'gestion du flux email/téléphone entrants et sortants ?',
  'protocole de réponse aux sollicitations des patients hors consultation ?',
  'Comment sont gérés les comptes courants bancaires des professionnels de santé ? de la SISA/autre structure commune ?',
  'Quel est le processus de gestion des encaissements des honoraires ?',
  'Quel est le processus de gestion des rétrocessions des remplaçants ?',
  "Quel est le processus de suivi et de traitement des rejets Sécurité sociale liés aux cotations à l'acte ?",
  "Existe-t-il un contrat type de remplacement ? Est-il utilisé systématiquement et est-il possible d'avoir un exemplaire type ?",
  "Y'a t'il des règles communes d'absences des professionnels de santé ? Si oui quelles sont-elles ?",
  'Quel est le montage juridique de la structure ? Tous les professionnels sont-ils actionnaires de la SISA / SEL ?',
  'Le projet de santé de la structure est-il appliqué dans toutes ses dimensions ou y a-t-il encore des parties qui doivent être mises en place ?',
  'Comment fonctionnent les ACI dans votre organisation ?',
  'Comment se fait la répartition entre les professionnels de santé ?',
  'À quoi servent concrètement les ressources issues des ACI ?',
];

/** The "?" notes of sections I and V, verbatim. */
const ANNEX6_NOTES: Record<string, string> = {
  'I.1.note':
    "L'amélioration de la prévention et l'organisation du temps hors consultation sont des éléments clés de l'évaluation du dispositif par les institutions. Les questions de cette section permettent de se faire une meilleure représentation de la façon dont vous êtes organisés sur ces aspects.",
  'I.4.note':
    'les données / MG sur la patientèle MT permettront de faire des simulations financières plus précises sur le montant des forfaits à envisager pour chaque praticien',
  'V.1.note':
    "les questions sur l'organisation financière de la structure sont nécessaires pour organiser la répartition des forfaits mensuels , notamment dans le cas d'une prise en charge par un praticien qui n'est pas le MT du patient ( donc qui ne reçoit pas les forfaits). À ipso, nous avons opté pour une logique de redistribution \"à l'acte\" pour toutes les consultations réalisées par un praticien de la structure, lorsque ce dernier n'est pas le MT du patient",
  'V.2.note':
    "Dans notre structure nous avons du changer des clauses du contrat type de remplacement pour permettre une rémunération des remplaçants sur la base d'actes non facturés à l'Assurance Maladie",
};

describe('Annex 6 template, version 1.0.0', () => {
  const annexItems = answerableItems(ANNEX6_V1).filter((i) => !isSupplement(i));

  it('is an active, versioned FHIR Questionnaire with a French title', () => {
    expect(ANNEX6_V1).toMatchObject({
      resourceType: 'Questionnaire',
      url: ANNEX6_URL,
      version: '1.0.0',
      status: 'active',
      title: "Questionnaire d'audit des structures candidates au programme MTR 2",
    });
    expect(validateTemplate(ANNEX6_V1).ok).toBe(true);
  });

  it('has the five sections of the annex', () => {
    expect(ANNEX6_V1.item.map((s) => [s.linkId, s.type, s.text])).toEqual([
      ['I', 'group', 'I. activité médicale'],
      ['II', 'group', "II. système d'information (logiciel médical)"],
      ['III', 'group', "III. système d'information – prise de rendez-vous"],
      ['IV', 'group', 'IV. opérations'],
      ['V', 'group', 'V. administration & finance'],
    ]);
  });

  it('contains all 54 annex questions, verbatim and in order', () => {
    expect(ANNEX6_QUESTIONS).toHaveLength(54);
    expect(annexItems.map((i) => i.text)).toEqual(ANNEX6_QUESTIONS);
  });

  it('spreads the questions over the sections as the annex does (11 / 15 / 3 / 14 / 11)', () => {
    const index = indexTemplate(ANNEX6_V1);
    const count = (section: string) =>
      annexItems.filter((i) => index.byLinkId.get(i.linkId)!.sectionLinkId === section).length;
    expect(['I', 'II', 'III', 'IV', 'V'].map(count)).toEqual([11, 15, 3, 14, 11]);
  });

  it('makes every annex question required', () => {
    expect(annexItems.every((i) => i.required === true)).toBe(true);
  });

  it('carries the explanatory notes of sections I and V as display items', () => {
    const displays = indexTemplate(ANNEX6_V1).ordered.filter((e) => e.item.type === 'display');
    expect(Object.fromEntries(displays.map((e) => [e.item.linkId, e.item.text]))).toEqual(ANNEX6_NOTES);
    expect(displays.map((e) => e.sectionLinkId)).toEqual(['I', 'I', 'V', 'V']);
  });

  it('has unique, stable linkIds', () => {
    const ids = indexTemplate(ANNEX6_V1).ordered.map((e) => e.item.linkId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(
      expect.arrayContaining(['I', 'I.1', 'I.1.a', 'II.3.a.2', 'IV.3.a.9', 'V.2.a.2', 'V.4.c']),
    );
  });

  it('asks for the standard replacement contract as a PDF/Word attachment of at most 10 MiB, only if one exists', () => {
    const contract = indexTemplate(ANNEX6_V1).byLinkId.get('V.2.a.2')!.item;
    expect(contract.type).toBe('attachment');
    expect(attachmentConstraints(contract)).toEqual({
      mimeTypes: expect.arrayContaining([
        'application/pdf',
        'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
      ]),
      maxSize: 10 * 1024 * 1024,
    });
    expect(contract.enableWhen).toEqual([{ question: 'V.2.a', operator: '=', answerBoolean: true }]);
  });

  it('uses the types the answers call for', () => {
    const types = new Set(answerableItems(ANNEX6_V1).map((i) => i.type));
    expect([...types].sort()).toEqual(['attachment', 'boolean', 'choice', 'decimal', 'string', 'text']);
    const choice = indexTemplate(ANNEX6_V1).byLinkId.get('I.5.b')!.item;
    expect(choice.answerOption?.map((o) => o.valueCoding.code)).toEqual([
      'dedicated_slots',
      'on_call',
      'both',
      'none',
    ]);
  });

  it('is deeply frozen', () => {
    expect(Object.isFrozen(ANNEX6_V1)).toBe(true);
    expect(Object.isFrozen(ANNEX6_V1.item[0].item![0])).toBe(true);
    expect(() => {
      (ANNEX6_V1.item[0] as { text?: string }).text = 'changed';
    }).toThrow(TypeError);
  });
});
