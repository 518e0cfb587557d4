import { CombinedGraphQLErrors, type ErrorLike } from '@apollo/client';

const VENDOR_NAMES: Record<string, string> = { fireworks: 'Fireworks', runai: 'Run:ai', gitpod: 'Gitpod' };

/** Given a query's error, returns one line per failing vendor and code (or the transport error). */
export function failures(error: ErrorLike | undefined): string[] {
  if (!error) return [];
  if (!CombinedGraphQLErrors.is(error)) return [`The gateway could not be reached: ${error.message}`];
  const lines = new Set<string>();
  for (const e of error.errors) {
    const code = String(e.extensions?.code ?? 'UNKNOWN');
    const vendor = e.extensions?.upstream as string | undefined;
    lines.add(
      vendor
        ? `${VENDOR_NAMES[vendor] ?? vendor} failed (${code}): its fields are empty, the rest is shown.`
        : `${e.message} (${code})`,
    );
  }
  return [...lines];
}

/** The partial-failure banner: which vendor failed and with which code; nothing when all answered. */
export function PartialFailure({ error }: { error: ErrorLike | undefined }) {
  const lines = failures(error);
  if (lines.length === 0) return null;
  return (
    <div role="alert" className="banner" data-testid="partial-failure">
      {lines.map((line) => (
        <div key={line}>{line}</div>
      ))}
    </div>
  );
}
