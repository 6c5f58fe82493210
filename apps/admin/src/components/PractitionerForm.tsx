import { Alert, Button, Group, NativeSelect, SimpleGrid, Stack, TextInput } from '@mantine/core';
import { useId, useState, type FormEvent } from 'react';
import {
  PROFESSIONS,
  practitionerInputSchema,
  practitionerUpdateSchema,
  type Practitioner,
  type PractitionerInput,
  type PractitionerUpdate,
} from '@mtr/api-contracts';
import { ApiError, messageOf } from '../api/problem';
import { PROFESSION_LABELS } from '../labels';

type Field = 'rpps' | 'lastName' | 'firstName' | 'profession' | 'joinedOn' | 'leftOn';
const FIELDS: Field[] = ['rpps', 'lastName', 'firstName', 'profession', 'joinedOn', 'leftOn'];
type Values = Record<Field, string>;
type Errors = Partial<Record<Field, string>>;

export type PractitionerFormProps =
  | { mode: 'create'; onSubmit(body: PractitionerInput): Promise<unknown>; onCancel(): void }
  | { mode: 'edit'; initial: Practitioner; onSubmit(body: PractitionerUpdate): Promise<unknown>; onCancel(): void };

const REQUIRED = 'Ce champ est obligatoire.';

const isField = (f: unknown): f is Field => typeof f === 'string' && (FIELDS as string[]).includes(f);

/**
 * Adding or editing a practitioner. Validation is the API's own zod contract, shared through
 * @mtr/api-contracts (RPPS: 11 digits and a Luhn key), so the form refuses exactly what the API
 * would refuse; errors are shown on their field (and focus goes to the first one). The API's own
 * field errors (problem+json `errors`) land on their fields too.
 */
export function PractitionerForm(props: PractitionerFormProps) {
  const initial = props.mode === 'edit' ? props.initial : undefined;
  const [values, setValues] = useState<Values>({
    rpps: initial?.rpps ?? '',
    lastName: initial?.lastName ?? '',
    firstName: initial?.firstName ?? '',
    profession: initial?.profession ?? 'medecin_generaliste',
    joinedOn: initial?.joinedOn ?? '',
    leftOn: initial?.leftOn ?? '',
  });
  const [errors, setErrors] = useState<Errors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const uid = useId();
  const idOf = (f: Field) => `${uid}-${f}`;

  const set = (f: Field) => (e: { currentTarget: { value: string } }) => {
    const v = e.currentTarget.value;
    setValues((s) => ({ ...s, [f]: v }));
    if (errors[f]) setErrors((s) => ({ ...s, [f]: undefined }));
  };

  const showErrors = (found: Errors) => {
    setErrors(found);
    const first = FIELDS.find((f) => found[f]);
    if (first) document.getElementById(idOf(first))?.focus();
  };

  async function submit(e: FormEvent) {
    e.preventDefault();
    setFormError(null);
    const common = {
      lastName: values.lastName,
      firstName: values.firstName,
      profession: values.profession,
      joinedOn: values.joinedOn,
      leftOn: values.leftOn === '' ? null : values.leftOn,
    };
    const candidate = props.mode === 'create' ? { rpps: values.rpps.replace(/\s/g, ''), ...common } : common;
    const schema = props.mode === 'create' ? practitionerInputSchema : practitionerUpdateSchema;
    const parsed = schema.safeParse(candidate);
    const found: Errors = {};
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const f = issue.path[0];
        if (!isField(f) || found[f]) continue;
        found[f] = values[f].trim() === '' ? REQUIRED : issue.message;
      }
    }
    if (!found.leftOn && !found.joinedOn && common.leftOn && common.leftOn < common.joinedOn) {
      found.leftOn = 'La date de départ ne peut pas précéder la date d’arrivée.';
    }
    if (Object.keys(found).length > 0 || !parsed.success) return showErrors(found);
    setSaving(true);
    try {
      if (props.mode === 'create') await props.onSubmit(parsed.data as PractitionerInput);
      else await props.onSubmit(parsed.data as PractitionerUpdate);
    } catch (err) {
      const fromApi: Errors = {};
      if (err instanceof ApiError) {
        for (const fe of err.errors) if (isField(fe.field)) fromApi[fe.field] = fe.detail;
        if (err.code === 'rpps_deja_present') fromApi.rpps = err.detail;
      }
      if (Object.keys(fromApi).length) showErrors(fromApi);
      else setFormError(messageOf(err));
    } finally {
      setSaving(false);
    }
  }

  const field = (f: Field) => ({ id: idOf(f), error: errors[f], onChange: set(f), value: values[f] });

  return (
    <form onSubmit={submit} noValidate aria-label={props.mode === 'create' ? 'Ajouter un praticien' : 'Modifier le praticien'}>
      <Stack gap="md">
        {formError && (
          <Alert color="red" title="Enregistrement impossible" role="alert">
            {formError}
          </Alert>
        )}
        <TextInput
          {...field('rpps')}
          label="Numéro RPPS"
          description="11 chiffres, le dernier est une clé de contrôle"
          required={props.mode === 'create'}
          disabled={props.mode === 'edit'}
          inputMode="numeric"
          autoComplete="off"
          maxLength={14}
        />
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <TextInput {...field('lastName')} label="Nom" required autoComplete="family-name" />
          <TextInput {...field('firstName')} label="Prénom" required autoComplete="given-name" />
        </SimpleGrid>
        <NativeSelect
          {...field('profession')}
          label="Profession"
          required
          data={PROFESSIONS.map((p) => ({ value: p, label: PROFESSION_LABELS[p] }))}
        />
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <TextInput {...field('joinedOn')} type="date" label="Date d’arrivée" required />
          <TextInput {...field('leftOn')} type="date" label="Date de départ" description="Laisser vide s’il exerce toujours" />
        </SimpleGrid>
        <Group justify="flex-end">
          <Button variant="default" onClick={props.onCancel} disabled={saving}>
            Annuler
          </Button>
          <Button type="submit" loading={saving}>
            Enregistrer
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
