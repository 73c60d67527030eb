'use client';

// The ledger's chain check (verifyAuditChain): "Verified: N entries" or "Broken at seq N: reason".
import { useState } from 'react';
import { useVerifyAuditChain, type AuditAnchor } from '../queries/audit';

export function AuditChainStatus() {
  const [anchor, setAnchor] = useState<AuditAnchor | null>(null);
  const [seq, setSeq] = useState('');
  const [hash, setHash] = useState('');
  const chain = useVerifyAuditChain(anchor);
  const report = chain.data;
  return (
    <section className="panel audit-chain" aria-labelledby="audit-chain-title" aria-busy={chain.isFetching}>
      <h2 id="audit-chain-title">Chain status</h2>
      <div role="status">
        {chain.isFetching && <p>Verifying the hash chain…</p>}
        {!chain.isFetching && chain.error && (
          <p className="error" role="alert">
            {chain.error.message}
          </p>
        )}
        {!chain.isFetching && report?.ok && (
          <p className="chain-ok">
            <span aria-hidden="true">✓ </span>Verified: {report.checked}{' '}
            {report.checked === 1 ? 'entry' : 'entries'}
          </p>
        )}
        {!chain.isFetching && report && !report.ok && (
          <p className="chain-bad">
            <span aria-hidden="true">✗ </span>Broken at seq {report.firstBrokenSeq ?? '?'}:{' '}
            {report.reason ?? 'no reason given'}
          </p>
        )}
      </div>
      {report?.headSeq && (
        <p className="muted small">
          Head at the check: seq {report.headSeq}, hash <code>{report.headHash}</code>. Keep it to detect a
          cut tail later.
        </p>
      )}
      {anchor && (
        <p className="small">
          Checked against seq {anchor.seq}.{' '}
          <button type="button" className="button button-quiet button-small" onClick={() => setAnchor(null)}>
            Without anchor
          </button>
        </p>
      )}
      <details className="audit-anchor">
        <summary>Check against an earlier head</summary>
        <form
          className="audit-anchor-form"
          onSubmit={(e) => {
            e.preventDefault();
            if (seq.trim() && hash.trim()) setAnchor({ seq: seq.trim(), hash: hash.trim().toLowerCase() });
          }}
        >
          <p className="hint">
            A head seq and hash kept from an earlier check, or <code>last</code> of an export manifest: a
            missing or different entry there means the ledger was cut or rewritten.
          </p>
          <div className="field">
            <label htmlFor="audit-anchor-seq">Seq</label>
            <input
              id="audit-anchor-seq"
              inputMode="numeric"
              pattern="[0-9]+"
              required
              value={seq}
              onChange={(e) => setSeq(e.target.value)}
            />
          </div>
          <div className="field">
            <label htmlFor="audit-anchor-hash">Hash</label>
            <input
              id="audit-anchor-hash"
              required
              pattern="[0-9a-fA-F]{64}"
              title="64 hexadecimal characters"
              autoComplete="off"
              value={hash}
              onChange={(e) => setHash(e.target.value)}
            />
          </div>
          <button type="submit" className="button button-quiet button-small">
            Check with this anchor
          </button>
        </form>
      </details>
      <button
        type="button"
        className="button button-quiet button-small"
        disabled={chain.isFetching}
        onClick={() => void chain.refetch()}
      >
        Verify again
      </button>
    </section>
  );
}
