import { Group, NativeSelect, Radio, Stack, Text, TextInput, Textarea } from '@mantine/core';
import { useId, useState } from 'react';
import { formatBytes } from '../format';
import { acceptedTypes, extensionValue, type AnswerValue, type QItem } from './questionnaire';

export type SaveState = { state: 'idle' } | { state: 'saving' } | { state: 'saved'; at: string } | { state: 'error'; message: string };

const timeFmt = new Intl.DateTimeFormat('fr-FR', { hour: '2-digit', minute: '2-digit', second: '2-digit', timeZone: 'Europe/Paris' });
export const formatTime = (iso: string) => timeFmt.format(new Date(iso));
export const savedAt = (iso: string) => `enregistré à ${formatTime(iso)}`;

/**
 * One answerable question of the questionnaire, rendered by its FHIR type: boolean (Oui/Non
 * radios), choice (list), string/text (saved when leaving the field), decimal/integer (with the
 * template's bounds), attachment (file, checked type and size). `onCommit` is the autosave; the
 * save state is announced next to the question (« enregistré à 20:31:05 »).
 */
export function QuestionItem({
  item,
  value,
  onCommit,
  onAttach,
  save,
  readOnly = false,
}: {
  item: QItem;
  value: AnswerValue | null | undefined;
  onCommit: (v: AnswerValue | null) => void;
  onAttach?: (file: File) => void;
  save: SaveState;
  readOnly?: boolean;
}) {
  const id = useId();
  const statusId = `${id}-etat`;
  const label = `${item.text ?? item.linkId}${item.required ? ' *' : ''}`;
  const asText = (v: typeof value) => (typeof v === 'string' || typeof v === 'number' ? String(v) : '');
  const [draft, setDraft] = useState(asText(value));
  const [localError, setLocalError] = useState<string | null>(null);
  // A new saved value (ours or a reload) replaces the draft: derived during render, not in an effect.
  const [shown, setShown] = useState(value);
  if (shown !== value) {
    setShown(value);
    setDraft(asText(value));
  }
  const describedBy = statusId;
  const error = localError ?? (save.state === 'error' ? save.message : undefined);

  let field: React.ReactNode;
  switch (item.type) {
    case 'boolean':
      field = (
        <Radio.Group
          label={label}
          value={value === true ? 'oui' : value === false ? 'non' : ''}
          onChange={(v) => onCommit(v === 'oui')}
          aria-describedby={describedBy}
          error={error}
        >
          <Group mt={4}>
            <Radio value="oui" label="Oui" disabled={readOnly} />
            <Radio value="non" label="Non" disabled={readOnly} />
          </Group>
        </Radio.Group>
      );
      break;
    case 'choice':
      field = (
        <NativeSelect
          label={label}
          value={typeof value === 'string' ? value : ''}
          disabled={readOnly}
          onChange={(e) => onCommit(e.currentTarget.value || null)}
          data={[{ value: '', label: '— choisir —' }, ...(item.answerOption ?? []).map((o) => ({ value: o.valueCoding.code, label: o.valueCoding.display ?? o.valueCoding.code }))]}
          aria-describedby={describedBy}
          error={error}
        />
      );
      break;
    case 'decimal':
    case 'integer': {
      const min = extensionValue(item, '/minValue');
      const max = extensionValue(item, '/maxValue');
      const lo = min?.valueDecimal ?? min?.valueInteger;
      const hi = max?.valueDecimal ?? max?.valueInteger;
      field = (
        <TextInput
          label={label}
          inputMode="decimal"
          value={draft}
          readOnly={readOnly}
          description={lo !== undefined && hi !== undefined ? `Entre ${lo} et ${hi}` : undefined}
          onChange={(e) => setDraft(e.currentTarget.value)}
          onBlur={() => {
            const t = draft.trim().replace(',', '.');
            if (t === '') return value == null ? undefined : onCommit(null);
            const n = Number(t);
            if (!Number.isFinite(n) || (item.type === 'integer' && !Number.isInteger(n))) return setLocalError(item.type === 'integer' ? 'Saisissez un nombre entier.' : 'Saisissez un nombre (virgule décimale acceptée).');
            if ((lo !== undefined && n < lo) || (hi !== undefined && n > hi)) return setLocalError(`Saisissez une valeur entre ${lo} et ${hi}.`);
            setLocalError(null);
            if (n !== value) onCommit(n);
          }}
          aria-describedby={describedBy}
          error={error}
          maw={240}
        />
      );
      break;
    }
    case 'attachment': {
      const types = acceptedTypes(item);
      const current = value && typeof value === 'object' ? value : null;
      field = (
        <Stack gap={4}>
          <Text size="sm" fw={500} component="label" htmlFor={`${id}-file`}>
            {label}
          </Text>
          {current && (
            <Text size="sm">
              Fichier joint : « {current.filename} » ({formatBytes(current.size)})
            </Text>
          )}
          {!readOnly && (
            <input
              id={`${id}-file`}
              type="file"
              accept={types.join(',') || undefined}
              aria-describedby={describedBy}
              onChange={(e) => {
                const f = e.currentTarget.files?.[0];
                if (!f) return;
                if (f.size > 700 * 1024) return setLocalError(`« ${f.name} » fait ${formatBytes(f.size)} : 700 Kio au plus. Compressez-le ou scindez-le.`);
                setLocalError(null);
                onAttach?.(f);
              }}
            />
          )}
          {error && (
            <Text size="sm" c="red.9">
              {error}
            </Text>
          )}
        </Stack>
      );
      break;
    }
    default: {
      const Input = item.type === 'text' ? Textarea : TextInput;
      field = (
        <Input
          label={label}
          value={draft}
          readOnly={readOnly}
          maxLength={item.maxLength}
          onChange={(e: React.ChangeEvent<HTMLInputElement & HTMLTextAreaElement>) => setDraft(e.currentTarget.value)}
          onBlur={() => {
            const next = draft.trim() === '' ? null : draft;
            if ((next ?? null) !== (typeof value === 'string' ? value : null)) onCommit(next);
          }}
          aria-describedby={describedBy}
          error={error}
          {...(item.type === 'text' ? { rows: 3 } : {})}
        />
      );
    }
  }
  return (
    <div>
      {field}
      <Text id={statusId} size="xs" mt={2} c={save.state === 'error' ? 'red.9' : 'gray.8'} aria-live="polite">
        {save.state === 'saving' ? 'Enregistrement…' : save.state === 'saved' ? savedAt(save.at) : ''}
      </Text>
    </div>
  );
}
